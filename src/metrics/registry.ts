// Every metric the bot exports, on one prom-client Registry made by the composition root (never the
// global default registry, so tests can run several bots in one process). Parts record through the
// small functions below; gauges that reflect state (open orders, outbox, channel) are read at scrape.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OrderChange } from './orders.js';

/** Open orders by state and service, read from the store at scrape (bounded by the caller). */
export type OpenOrdersProvider = () => Promise<{ state: string; service: string }[]>;
export type OutboxDepthProvider = () => Promise<{ pending: number; sending: number }>;

export interface MetricsSources {
  openOrders?: OpenOrdersProvider;
  outboxDepth?: OutboxDepthProvider;
  channel?: { kind: string; health(): { connected: boolean; detail?: string; pairing?: boolean } };
  llm?: () => { llmCalls: number; llmFailures: number; llmDropped: number };
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createMetrics(registry: Registry = new Registry()) {
  const sources: MetricsSources = {};
  const r = [registry];

  const ordersCreated = new Counter({
    name: 'xaalis_orders_created_total',
    help: 'Orders created, by service (delivery code) and kind.',
    labelNames: ['service', 'kind'] as const,
    registers: r,
  });
  const orderStates = new Counter({
    name: 'xaalis_order_state_changes_total',
    help: 'Orders entering a state, by state and service.',
    labelNames: ['state', 'service'] as const,
    registers: r,
  });
  new Gauge({
    name: 'xaalis_orders_open',
    help: 'Orders not in a terminal state, by state and service (read from the store at scrape).',
    labelNames: ['state', 'service'] as const,
    registers: r,
    async collect() {
      this.reset();
      if (!sources.openOrders) return;
      for (const o of await sources.openOrders()) this.inc({ state: o.state, service: o.service });
    },
  });
  const money = new Counter({
    name: 'xaalis_money_xof_total',
    help: 'XOF moved with a final success: collected from customers, delivered to services, refunded.',
    labelNames: ['direction', 'service'] as const,
    registers: r,
  });
  const callbackSeconds = new Histogram({
    name: 'xaalis_callback_duration_seconds',
    help: 'Time to handle an Intech callback (verify, record, act), by HTTP status answered.',
    labelNames: ['status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: r,
  });
  const callbackErrors = new Counter({
    name: 'xaalis_callback_errors_total',
    help: 'Intech callbacks answered with an error status (refused signature, bad body, failure).',
    labelNames: ['status'] as const,
    registers: r,
  });
  const intechSeconds = new Histogram({
    name: 'xaalis_intech_request_duration_seconds',
    help: 'Intech API calls (each attempt), by endpoint and outcome (ok or error class).',
    labelNames: ['endpoint', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: r,
  });
  const intechErrors = new Counter({
    name: 'xaalis_intech_errors_total',
    help: 'Failed Intech API calls (each attempt), by endpoint and error class.',
    labelNames: ['endpoint', 'error'] as const,
    registers: r,
  });
  const statusLookups = new Counter({
    name: 'xaalis_status_lookups_total',
    help: 'get-transaction-status reservations: acquired (a lookup is made) or refused (3/min limit reached).',
    labelNames: ['result'] as const,
    registers: r,
  });
  new Gauge({
    name: 'xaalis_outbox_messages',
    help: 'Outbox messages not yet sent or failed, by state.',
    labelNames: ['state'] as const,
    registers: r,
    async collect() {
      this.reset();
      if (!sources.outboxDepth) return;
      const d = await sources.outboxDepth();
      this.set({ state: 'pending' }, d.pending);
      this.set({ state: 'sending' }, d.sending);
    },
  });
  const outboxSendErrors = new Counter({
    name: 'xaalis_outbox_send_errors_total',
    help: 'Channel send errors seen by the outbox drainer, by kind (transient, permanent, overlimit).',
    labelNames: ['kind'] as const,
    registers: r,
  });
  const outboxSends = new Counter({
    name: 'xaalis_outbox_sends_total',
    help: 'Outbox send outcomes: sent, retry (a send error, tried again later), failed (given up).',
    labelNames: ['result'] as const,
    registers: r,
  });
  new Gauge({
    name: 'xaalis_channel_connected',
    help: 'Whether the chat channel can send (1) or not (0).',
    labelNames: ['channel'] as const,
    registers: r,
    collect() {
      this.reset();
      if (sources.channel)
        this.set({ channel: sources.channel.kind }, sources.channel.health().connected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'xaalis_channel_waiting_for_pairing',
    help: 'Whether the channel waits for a QR scan or pairing code (1) or not (0).',
    labelNames: ['channel'] as const,
    registers: r,
    collect() {
      this.reset();
      if (sources.channel)
        this.set({ channel: sources.channel.kind }, sources.channel.health().pairing ? 1 : 0);
    },
  });
  const llm = (name: string, help: string, key: 'llmCalls' | 'llmFailures' | 'llmDropped') =>
    new Counter({
      name,
      help,
      registers: r,
      collect() {
        // parser.metrics are plain counters owned by the parser: mirror them at scrape.
        const v = sources.llm?.()[key] ?? 0;
        this.reset();
        this.inc(v);
      },
    });
  llm('xaalis_llm_calls_total', 'Times the optional LLM parser was consulted.', 'llmCalls');
  llm(
    'xaalis_llm_failures_total',
    'LLM calls that failed (error, timeout, malformed answer).',
    'llmFailures',
  );
  llm('xaalis_llm_dropped_total', 'LLM values refused (not in the text, unknown service…).', 'llmDropped');
  const storeErrors = new Counter({
    name: 'xaalis_store_write_errors_total',
    help: 'Store writes that failed with a system error (e.g. ENOSPC), by repo and error code.',
    labelNames: ['repo', 'code'] as const,
    registers: r,
  });

  return {
    registry,
    /** Wires the gauges read at scrape; may be called again as parts are built. */
    setSources(s: MetricsSources): void {
      Object.assign(sources, s);
    },
    orderCreated(service: string, kind: string): void {
      ordersCreated.inc({ service, kind });
    },
    orderChanged(service: string, c: OrderChange, payService: string): void {
      if (c.entered) orderStates.inc({ state: c.entered, service });
      if (c.collected) money.inc({ direction: 'collected', service: payService }, c.collected);
      if (c.delivered) money.inc({ direction: 'delivered', service }, c.delivered);
      if (c.refunded) money.inc({ direction: 'refunded', service: payService }, c.refunded);
    },
    callbackHandled(status: number, seconds: number): void {
      callbackSeconds.observe({ status: String(status) }, seconds);
      if (status >= 400) callbackErrors.inc({ status: String(status) });
    },
    intechCall(endpoint: string, seconds: number, error?: string): void {
      intechSeconds.observe({ endpoint, outcome: error ?? 'ok' }, seconds);
      if (error) intechErrors.inc({ endpoint, error });
    },
    statusLookup(acquired: boolean): void {
      statusLookups.inc({ result: acquired ? 'acquired' : 'refused' });
    },
    outboxSendError(kind: 'transient' | 'permanent' | 'overlimit'): void {
      outboxSendErrors.inc({ kind });
    },
    outboxSend(result: 'sent' | 'retry' | 'failed'): void {
      outboxSends.inc({ result });
    },
    storeWriteError(repo: string, code: string): void {
      storeErrors.inc({ repo, code });
    },
  };
}

export type BotMetrics = ReturnType<typeof createMetrics>;
