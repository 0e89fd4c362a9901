// Single statements outside a transaction share a few pipelined connections instead of taking a pooled
// client each: queries are written without waiting for the previous answer, and every write made in one
// turn of the event loop leaves in one syscall (the socket is corked until setImmediate). On a busy bot
// most of a query's cost was the pool hand-off and its own write syscall; this pays them once per batch
// (bench:pg: a chat turn's bot CPU down by 10-20 %, a duplicate callback's by about half).
// Each pipelined query carries its own Sync, so one failing statement fails alone. Transactions never
// come here (their statements must stay on one client, in order, alone).
import pg from 'pg';

export interface PipelineOptions {
  url: string;
  connections: number;
  statementTimeoutMs: number;
  types: pg.CustomTypesConfig;
  onError?: (err: Error) => void;
  /**
   * Send on the connection already collecting this tick's queries when there is one (one write syscall
   * for all of them) rather than spreading them. For reads only: pipelined commits on one connection
   * would wait for the WAL flush one after the other instead of flushing together.
   */
  gather?: boolean;
}

interface Conn {
  client: pg.Client;
  ready: Promise<void>;
  inFlight: number;
  corked: boolean;
  dead: boolean;
}

export interface Pipeline {
  query<R extends pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
  end(): Promise<void>;
}

/**
 * Holds the client's writes until the event loop's next turn: every query sent meanwhile leaves in one
 * syscall (on loopback each write syscall also pays PostgreSQL's receive path: the largest cost seen).
 */
export function corkUntilImmediate(c: { client: pg.Client; corked: boolean }): void {
  if (c.corked) return;
  const stream = (
    c.client as unknown as {
      connection: { stream: NodeJS.WritableStream & { cork(): void; uncork(): void } };
    }
  ).connection.stream;
  c.corked = true;
  stream.cork();
  setImmediate(() => {
    c.corked = false;
    stream.uncork();
  });
}

// A gathering connection takes no more once this many are in flight on it (the others share the load).
const GATHER_MAX = 64;

export function createPipeline(opts: PipelineOptions): Pipeline {
  const conns: (Conn | undefined)[] = Array.from({ length: Math.max(1, opts.connections) }, () => undefined);
  let ended = false;

  const open = (slot: number): Conn => {
    const client = new pg.Client({
      connectionString: opts.url,
      statement_timeout: opts.statementTimeoutMs,
      types: opts.types,
      pipeline: true,
    } as pg.ClientConfig);
    const conn: Conn = { client, ready: Promise.resolve(), inFlight: 0, corked: false, dead: false };
    const drop = (err?: Error) => {
      if (conn.dead) return;
      conn.dead = true;
      if (conns[slot] === conn) conns[slot] = undefined;
      if (err) opts.onError?.(err);
    };
    client.on('error', drop);
    client.on('end', () => drop());
    conn.ready = client.connect().then(
      () => undefined,
      (err: Error) => {
        drop(err);
        throw err;
      },
    );
    conns[slot] = conn;
    return conn;
  };

  /** The live connection with the fewest queries in flight (a new one while slots are free and all busy). */
  const pick = (): Conn => {
    let best: Conn | undefined;
    for (let i = 0; i < conns.length; i++) {
      const c = conns[i];
      if (opts.gather && c?.corked && c.inFlight < GATHER_MAX) return c;
      // A new connection only when every open one is busy: an idle bot keeps few.
      if (!c) return best && best.inFlight === 0 ? best : open(i);
      if (!best || c.inFlight < best.inFlight) best = c;
    }
    return best!;
  };

  return {
    async query<R extends pg.QueryResultRow>(config: pg.QueryConfig) {
      if (ended) throw new Error('store is closed');
      const c = pick();
      c.inFlight++;
      try {
        await c.ready;
        corkUntilImmediate(c);
        return await c.client.query<R>(config);
      } finally {
        c.inFlight--;
      }
    },
    async end() {
      ended = true;
      await Promise.all(
        conns.map(async (c) => {
          if (!c) return;
          await c.ready.catch(() => {});
          await c.client.end().catch(() => {});
        }),
      );
    },
  };
}
