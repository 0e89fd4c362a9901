// The lowdb tables' write cost against how much is stored (issue #10): a chat turn's writes, one Signal
// session update, a broadcast's store time, and open time. Data is seeded by writing the store's own
// snapshot files (fast), then the store is opened and timed. Sizes run alternately in one process.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openLowdbStore } from '../src/store/lowdb/index.js';
import type { Customer, OutboxInput, Store } from '../src/store/types.js';

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function customer(i: number, at = 1_700_000_000_000): Customer {
  return {
    id: `+22177${String(1_000_000 + i).slice(-7)}`,
    version: 1,
    phone: `+22177${String(1_000_000 + i).slice(-7)}`,
    lang: 'fr',
    subscribed: true,
    paused: false,
    wallet: { codeService: 'WAVE_SN_API_CASH_OUT', payer: `+22177${String(1_000_000 + i).slice(-7)}` },
    beneficiaries: [{ nickname: 'maman', kind: 'phone', value: '+221781234567' }],
    firstSeenAt: at,
    lastSeenAt: at,
  };
}

/** A conversation state about the size the machine stores. */
export function conversation(i: number): unknown {
  return {
    v: 1,
    question: 'confirm',
    draft: { kind: 'airtime', amount: 1000 + i, recipient: '+221781234567', operator: 'ORANGE_SN' },
    history: [{ at: 1, text: 'credit 1000 pour maman' }],
    updatedAt: 1_700_000_000_000,
  };
}

async function writeRows(file: string, n: number, row: (i: number) => [string, unknown]): Promise<void> {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const [k, v] = row(i);
    parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
  }
  await writeFile(join(file), `{${parts.join(',')}}`);
}

/** Seeds customers (with conversations) and dedupe keys into `dir` as snapshots. */
export async function seedTables(
  dir: string,
  opts: { customers: number; dedupe: number; sessions?: number; sentMessages?: number },
): Promise<void> {
  await writeRows(join(dir, 'customers.json'), opts.customers, (i) => {
    const c = customer(i);
    return [c.id, c];
  });
  await writeRows(join(dir, 'conversations.json'), opts.customers, (i) => [customer(i).id, conversation(i)]);
  const far = Date.now() + 86_400_000;
  await writeRows(join(dir, 'dedupe.json'), opts.dedupe, (i) => [`wa:seed-${i}`, far]);
  if (opts.sentMessages) {
    // Outbox history: replies already sent (one per customer), as a bot that has been running has.
    await writeRows(join(dir, 'outbox.json'), opts.sentMessages, (i) => {
      const chat = customer(i % Math.max(1, opts.customers)).id;
      const msg = {
        id: `seed-${i}:reply`,
        chat,
        kind: 'reply',
        payload: { type: 'text', text: 'Bienvenue ! Que voulez-vous faire ? 1. Crédit 2. Facture' },
        seq: i + 1,
        createdAt: 1_700_000_000_000,
        state: 'sent',
        attempts: 0,
        waMessageId: `WA-seed-${i}`,
        sentAt: 1_700_000_000_000,
      };
      return [msg.id, msg];
    });
  }
  if (opts.sessions) {
    // A Signal session record is a few kB of base64-ish JSON.
    const blob = 'x'.repeat(3_000);
    await writeRows(join(dir, 'kv-auth.json'), opts.sessions, (i) => [`session-${i}.0`, { i, record: blob }]);
  }
}

let turnNo = 0;
/**
 * The writes one inbound message causes: dedupe, customer (new), conversation + outbox reply together,
 * then the outbox drainer's claim and mark-sent of that reply.
 */
export async function chatTurn(store: Store): Promise<number> {
  const i = 5_000_000 + turnNo++;
  const t = performance.now();
  const now = Date.now();
  if (!(await store.dedupe.firstSeen(`wa:msg-${i}`, now, 86_400_000))) throw new Error('dup');
  const { customer: c } = await store.customers.getOrCreate(customer(i, now));
  const reply: OutboxInput = {
    id: `turn-${i}:reply`,
    chat: c.id,
    kind: 'reply',
    payload: { type: 'text', text: 'Bienvenue ! Que voulez-vous faire ? 1. Crédit 2. Facture' },
  };
  await store.commit({ conversation: { customerId: c.id, state: conversation(i) }, outbox: [reply] }, now);
  const claimed = await store.outbox.claim('bench-drainer', now, 30_000, 16);
  for (const m of claimed) {
    if (!(await store.outbox.markSent(m.id, 'bench-drainer', { waMessageId: `WA-${m.id}`, at: now })))
      throw new Error('bench: claim lost');
  }
  return performance.now() - t;
}

let sessionNo = 0;
export async function sessionUpdate(store: Store, sessions: number): Promise<number> {
  const k = `session-${sessionNo++ % sessions}.0`;
  const t = performance.now();
  await store.kv.set('auth', k, { i: sessionNo, record: 'y'.repeat(3_000) });
  return performance.now() - t;
}

/** A broadcast's store side: snapshot, claim + settle every recipient (16 at once), progress reads. */
export async function broadcastStoreTime(store: Store, id: string): Promise<number> {
  const t = performance.now();
  await store.broadcasts.create({
    id,
    createdAt: Date.now(),
    createdBy: 'bench',
    text: { fr: 'Promo' },
    via: 'chat',
    state: 'draft',
    total: 0,
  });
  let cursor: string | null = null;
  do {
    const page = await store.customers.page({ subscribed: true, limit: 500, cursor });
    await store.broadcasts.addRecipients(
      id,
      page.items.map((c) => c.id),
      Date.now(),
    );
    cursor = page.next;
  } while (cursor);
  const counts = await store.broadcasts.counts(id);
  await store.broadcasts.update(id, { state: 'sending', total: counts.pending ?? 0, startedAt: Date.now() });
  cursor = null;
  do {
    const page = await store.broadcasts.recipients(id, { status: ['pending'], limit: 16, cursor });
    await Promise.all(
      page.items.map(async (r) => {
        if (!(await store.broadcasts.mark(id, r.customerId, 'attempting', { from: ['pending'] }))) return;
        await store.broadcasts.mark(id, r.customerId, 'sent', { ref: `${id}:${r.customerId}` });
      }),
    );
    await store.broadcasts.counts(id);
    cursor = page.next;
  } while (cursor);
  await store.broadcasts.update(id, { state: 'done', finishedAt: Date.now() });
  return performance.now() - t;
}

export async function timedOpen(dir: string): Promise<{ store: Store; ms: number }> {
  const t = performance.now();
  const store = await openLowdbStore({ dir });
  return { store, ms: performance.now() - t };
}
