// One WhatsApp socket per number across every instance: the socket is opened only by the holder of the
// store lease `whatsapp:<number>`, renewed every ttl/3. The auth state (creds, Signal keys) is written
// through a fenced KvRepo, so an instance that lost the lease can never overwrite the new holder's keys;
// when the lease is lost the socket is closed, and another instance takes over once it has expired.
// Instances without the socket do not connect: what they have to send waits in the durable outbox for
// the holder to drain.
import { createSingleton, type Singleton } from '../../cluster/singleton.js';
import { type Logger, silentLogger } from '../../logger.js';
import { ChannelNotReadyError } from '../../outbox/errors.js';
import { type Fence, FencedWriteError, type KvRepo, type LeaseRepo } from '../../store/types.js';
import type { InboundMessage } from '../channel.js';
import type { WhatsAppChannel } from './channel.js';
import { phoneDigits } from './jid.js';

export function whatsappLeaseName(number?: string): string {
  const digits = number ? phoneDigits(number) : '';
  return `whatsapp:${digits || 'default'}`;
}

/** A KvRepo whose writes carry the current fence; with no lease held, every write is refused. */
export function fencedKv(kv: KvRepo, fence: () => Fence | undefined, lease: string): KvRepo {
  const need = (): Fence => {
    const f = fence();
    if (!f) throw new FencedWriteError(lease);
    return f;
  };
  return {
    get: (ns, key) => kv.get(ns, key),
    getMany: (ns, keys) => kv.getMany(ns, keys),
    list: (ns) => kv.list(ns),
    setMany: async (ns, entries) => kv.setMany(ns, entries, need()),
    set: async (ns, key, value) => kv.set(ns, key, value, need()),
    clear: async (ns) => kv.clear(ns, need()),
  };
}

export interface LeasedWhatsAppDeps {
  leases: LeaseRepo;
  kv: KvRepo;
  /** This instance's id (config INSTANCE_ID). */
  owner: string;
  /** The bot's number (pairing number), for the lease name; absent = 'default'. */
  number?: string;
  ttlMs: number;
  now?: () => number;
  logger?: Logger;
  /** Builds the real channel on the fenced KvRepo; called each time this instance takes the socket. */
  make(kv: KvRepo): WhatsAppChannel;
}

export type LeasedWhatsAppChannel = WhatsAppChannel & {
  /** Whether this instance holds the socket now. */
  holding(): boolean;
  readonly lease: Singleton;
};

export function createLeasedWhatsAppChannel(deps: LeasedWhatsAppDeps): LeasedWhatsAppChannel {
  const log = (deps.logger ?? silentLogger).child({ module: 'whatsapp-lease' });
  const name = whatsappLeaseName(deps.number);
  let inner: WhatsAppChannel | undefined;
  let handler: ((m: InboundMessage) => Promise<void>) | undefined;
  // Set once the lease exists, read lazily by the fenced kv.
  let singleton: Singleton | undefined;
  const kv = fencedKv(deps.kv, () => singleton?.fence(), name);

  singleton = createSingleton(
    {
      leases: deps.leases,
      owner: deps.owner,
      ttlMs: deps.ttlMs,
      ...(deps.now ? { now: deps.now } : {}),
      logger: log,
    },
    name,
    {
      async onAcquire(lease) {
        log.info({ epoch: lease.epoch }, 'WhatsApp socket lease taken: connecting');
        const ch = deps.make(kv);
        inner = ch;
        await ch.start((m) => handler?.(m) ?? Promise.resolve());
      },
      async onLose() {
        const ch = inner;
        inner = undefined;
        log.warn('WhatsApp socket lease lost: closing the socket');
        await ch?.stop();
      },
    },
  );
  const lease = singleton;

  const standbySince = (deps.now ?? Date.now)();
  const standby = () => new Error(`WhatsApp socket is held by another instance (${name})`);

  return {
    kind: 'whatsapp',
    lease,
    holding: () => lease.holding(),
    state: () => inner?.state() ?? 'closed',
    async start(h) {
      if (handler) throw new Error('WhatsApp channel already started');
      handler = h;
      await lease.start();
    },
    async stop() {
      await lease.stop();
    },
    // The dashboard of a standby instance shows that another instance holds the socket.
    link: () => inner?.link() ?? { state: 'closed', linked: false, since: standbySince },
    async relink() {
      if (!inner) throw standby();
      return inner.relink();
    },
    // Only the socket's holder sends: a standby instance's drainer sees canSend() false and claims nothing.
    async deliver(chat, payload, outboxId) {
      if (!inner) throw new ChannelNotReadyError('standby: another instance holds the WhatsApp socket');
      return inner.deliver(chat, payload, outboxId);
    },
    canSend: () => inner?.canSend() ?? false,
    async setTyping(customerId, typing) {
      await inner?.setTyping(customerId, typing);
    },
    health: () =>
      inner?.health() ?? {
        connected: false,
        standby: true,
        detail: 'standby: the WhatsApp socket is held by another instance',
      },
  };
}
