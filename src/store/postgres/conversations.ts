// Conversation state: opaque jsonb per customer.
import type { ConversationRepo } from '../types.js';
import { batcher } from './batch.js';
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
  // Every turn's read of one turn of the event loop in one statement (batch.ts).
  const get = batcher<string, unknown>(async (ids) => {
    const rows = await db.q<{ customer_id: string; state: unknown }>(
      'SELECT customer_id, state FROM conversations WHERE customer_id = ANY($1::text[])',
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.customer_id, r.state]));
    return ids.map((id) => byId.get(id));
  });
  return {
    get,
    async save(customerId, state) {
      await saveConversation(db.one, customerId, state);
    },
    async delete(customerId) {
      await saveConversation(db.one, customerId, null);
    },
  };
}
