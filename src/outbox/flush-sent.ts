// A sandbox request on several instances (one shared store): flush the chat's outbox, then answer with
// its rows sent since the turn began, whoever sent them. One read serves both: a chat's head blocks what
// follows it, so with nothing unfinished among the chat's newest 50 rows, nothing is left to send.
import type { OutboxMessage, OutboxRepo } from '../store/types.js';

export type FlushChat = (chat: string, idle: () => Promise<boolean>) => Promise<boolean>;

export function flushSentSince(
  outbox: Pick<OutboxRepo, 'list'>,
  flushChat: FlushChat,
): (chat: string, since: number) => Promise<OutboxMessage[]> {
  return async (chat, since) => {
    let rows: OutboxMessage[] = [];
    await flushChat(chat, async () => {
      rows = await outbox.list({ chat, states: ['pending', 'sending', 'sent'], limit: 50 });
      return !rows.some((m) => m.state === 'pending' || m.state === 'sending');
    });
    return rows.filter((m) => m.state === 'sent' && m.createdAt >= since).sort((a, b) => a.seq - b.seq);
  };
}
