// The slice of a Baileys socket the channel uses: the real makeWASocket fits it, and tests
// build a fake from the library's own makeEventBuffer.
import {
  type AnyMessageContent,
  type BaileysEventEmitter,
  makeWASocket,
  type UserFacingSocketConfig,
  type WAMessage,
  type WAMessageKey,
  type WAPresence,
} from '@whiskeysockets/baileys';

export interface WaSocketLike {
  ev: BaileysEventEmitter;
  user?: { id: string } | undefined;
  sendMessage(
    jid: string,
    content: AnyMessageContent,
    options?: { messageId?: string },
  ): Promise<WAMessage | undefined>;
  readMessages(keys: WAMessageKey[]): Promise<void>;
  sendPresenceUpdate(type: WAPresence, toJid?: string): Promise<void>;
  requestPairingCode(phoneNumber: string): Promise<string>;
  end(error: Error | undefined): unknown;
  logout(msg?: string): Promise<void>;
  signalRepository: { lidMapping: { getPNForLID(lid: string): Promise<string | null> } };
}

export type SocketFactory = (config: UserFacingSocketConfig) => WaSocketLike;

export const defaultSocketFactory: SocketFactory = (config) => makeWASocket(config);
