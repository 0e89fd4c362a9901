// A fake Baileys socket built from the library's own event buffer: real typed events, no network.
import {
  type AnyMessageContent,
  makeEventBuffer,
  proto,
  type UserFacingSocketConfig,
  type WAMessage,
} from '@whiskeysockets/baileys';
import { vi } from 'vitest';
import type { WaSocketLike } from '../../../src/channels/whatsapp/socket.js';
import { silentLogger } from '../../../src/logger.js';

export type FakeSocket = ReturnType<typeof makeFakeSocket>;

export function makeFakeSocket(lidToPn: Record<string, string> = {}) {
  const ev = makeEventBuffer(silentLogger);
  let sentSeq = 0;
  const sock = {
    ev,
    user: { id: '221770000000:7@s.whatsapp.net' },
    sendMessage: vi.fn(
      async (
        jid: string,
        content: AnyMessageContent,
        options?: { messageId?: string },
      ): Promise<WAMessage | undefined> => {
        const c = content as { text?: string; image?: Buffer; caption?: string };
        const message: proto.IMessage =
          c.text !== undefined ? { conversation: c.text } : { imageMessage: { caption: c.caption ?? null } };
        return proto.WebMessageInfo.create({
          key: { remoteJid: jid, fromMe: true, id: options?.messageId ?? `BOT${++sentSeq}` },
          message,
        }) as WAMessage;
      },
    ),
    readMessages: vi.fn(async (_keys: WAMessage['key'][]) => {}),
    sendPresenceUpdate: vi.fn(async (_type: string, _jid?: string) => {}),
    requestPairingCode: vi.fn(async (_phone: string) => 'ABCD1234'),
    end: vi.fn((_error: Error | undefined) => {}),
    logout: vi.fn(async () => {}),
    signalRepository: {
      lidMapping: { getPNForLID: vi.fn(async (lid: string) => lidToPn[lid] ?? null) },
    },
  } satisfies WaSocketLike;
  return sock;
}

/** A socketFactory that records every config and hands out a new fake socket per connection. */
export function fakeFactory(lidToPn: Record<string, string> = {}) {
  const sockets: FakeSocket[] = [];
  const configs: UserFacingSocketConfig[] = [];
  const factory = (config: UserFacingSocketConfig) => {
    configs.push(config);
    const s = makeFakeSocket(lidToPn);
    sockets.push(s);
    return s;
  };
  return {
    factory,
    sockets,
    configs,
    get last(): FakeSocket {
      const s = sockets.at(-1);
      if (!s) throw new Error('no socket yet');
      return s;
    },
  };
}

/** Lets queued promise chains (memory store, event handlers) run to completion. */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/**
 * WhatsApp's acknowledgement of a message the bot sent, as Baileys emits it (messages.update): status
 * from proto.WebMessageInfo.Status; an ERROR carries the server's code in messageStubParameters.
 */
export function ack(
  sock: FakeSocket,
  jid: string,
  id: string,
  status: proto.WebMessageInfo.Status,
  errorCode?: string,
): void {
  sock.ev.emit('messages.update', [
    {
      key: { remoteJid: jid, fromMe: true, id },
      update: { status, ...(errorCode ? { messageStubParameters: [errorCode] } : {}) },
    },
  ]);
}
