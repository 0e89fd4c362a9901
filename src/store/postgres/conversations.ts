// Conversation state: opaque jsonb per customer.
import type { ConversationRepo } from '../types.js';
import { type Db, json, type Queryable } from './db.js';

export async function saveConversation(
  c: Queryable,
  customerId: string,
  state: unknown | null,
): Promise<void> {
  if (state === null || state === undefined) {
    await c.query('DELETE FROM conversations WHERE customer_id = $1', [customerId]);
  } else {
    await c.query(
      'INSERT INTO conversations (customer_id, state) VALUES ($1, $2) ON CONFLICT (customer_id) DO UPDATE SET state = excluded.state',
      [customerId, json(state)],
    );
  }
}

export function conversationsRepo(db: Db): ConversationRepo {
  return {
    async get(customerId) {
      return (await db.q('SELECT state FROM conversations WHERE customer_id = $1', [customerId]))[0]?.state;
    },
    async save(customerId, state) {
      await saveConversation(db.one, customerId, state);
    },
    async delete(customerId) {
      await saveConversation(db.one, customerId, null);
    },
  };
}
