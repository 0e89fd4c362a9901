// Baileys auth state on the project's KvRepo: creds under "creds", each signal key under
// "<type>:<id>", all BufferJSON strings so Buffers survive any store (memory, lowdb, SQL).
// Every keys.set is one atomic kv.setMany; writes are applied in call order.
import {
  type AuthenticationCreds,
  type AuthenticationState,
  BufferJSON,
  initAuthCreds,
  proto,
  type SignalDataSet,
  type SignalDataTypeMap,
} from '@whiskeysockets/baileys';
import type { KvRepo } from '../../store/types.js';

export interface KvAuthState {
  state: AuthenticationState;
  /** Persist creds (call on every `creds.update`). */
  saveCreds(): Promise<void>;
  /** Forget the whole session (after a logout): the next socket pairs from scratch. */
  clear(): Promise<void>;
}

const CREDS_KEY = 'creds';

function encode(value: unknown): string {
  return JSON.stringify(value, BufferJSON.replacer);
}

function decode<T>(raw: unknown): T | undefined {
  if (raw === undefined || raw === null) return undefined;
  // Strings are what we write; objects are tolerated (a store that parsed the JSON itself).
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
  return JSON.parse(text, BufferJSON.reviver) as T;
}

export function keyName(type: string, id: string): string {
  return `${type}:${id}`;
}

export async function useKvAuthState(kv: KvRepo, ns = 'wa-auth'): Promise<KvAuthState> {
  const stored = decode<AuthenticationCreds>(await kv.get(ns, CREDS_KEY));
  const creds: AuthenticationCreds = stored ?? initAuthCreds();
  // One chain for every write so a later set never lands before an earlier one.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work, work);
    chain = next.catch(() => undefined);
    return next;
  };

  const state: AuthenticationState = {
    creds,
    keys: {
      async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
        await chain; // read your own writes
        const out: { [id: string]: SignalDataTypeMap[T] } = {};
        await Promise.all(
          ids.map(async (id) => {
            let value = decode<unknown>(await kv.get(ns, keyName(type, id)));
            if (value === undefined) return;
            if (type === 'app-state-sync-key') {
              value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
            }
            out[id] = value as SignalDataTypeMap[T];
          }),
        );
        return out;
      },
      async set(data: SignalDataSet) {
        const entries: Record<string, string | null> = {};
        for (const type of Object.keys(data) as (keyof SignalDataTypeMap)[]) {
          const byId = data[type];
          if (!byId) continue;
          for (const [id, value] of Object.entries(byId)) {
            entries[keyName(type, id)] = value === null || value === undefined ? null : encode(value);
          }
        }
        if (Object.keys(entries).length === 0) return;
        await serial(() => kv.setMany(ns, entries));
      },
      async clear() {
        await serial(() => kv.clear(ns));
      },
    },
  };

  return {
    state,
    saveCreds: () => serial(() => kv.set(ns, CREDS_KEY, encode(creds))),
    clear: () =>
      serial(async () => {
        await kv.clear(ns);
        // The in-memory object is shared with the socket config: reset it in place.
        const fresh = initAuthCreds();
        for (const key of Object.keys(creds)) delete (creds as unknown as Record<string, unknown>)[key];
        Object.assign(creds, fresh);
      }),
  };
}
