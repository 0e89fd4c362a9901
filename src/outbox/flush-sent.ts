// A sandbox request on several instances (one shared store): flush the chat's outbox, then answer with
// its rows sent since the turn began, whoever sent them. One read serves both: a chat's head blocks what
// follows it, so with nothing unfinished among the chat's newest 50 rows, nothing is left to send.
// The drainer reads it with each sent mark (OutboxRepo.markSentThenList).
import type { OutboxMessage } from '../store/types.js';
import type { ChatCheck } from './drainer.js';

export type FlushChat = (chat: string, check: ChatCheck) => Promise<boolean>;

export function flushSentSince(
  flushChat: FlushChat,
): (chat: string, since: number) => Promise<OutboxMessage[]> {
  return async (chat, since) => {
    let rows: OutboxMessage[] = [];
    await flushChat(chat, {
      states: ['pending', 'sending', 'sent'],
      limit: 50,
      done: (read) => {
        rows = read;
        return !read.some((m) => m.state === 'pending' || m.state === 'sending');
      },
    });
    return rows.filter((m) => m.state === 'sent' && m.createdAt >= since).sort((a, b) => a.seq - b.seq);
  };
}
