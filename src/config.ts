// The one place that reads the environment. Everything else receives a typed Config.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { normalizePhone } from './phone/phone.js';

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
/** Comma-separated phone numbers read like customers' (phone.ts): every written form -> E.164, else refused. */
const phoneList = z
  .string()
  .default('')
  .transform((v, ctx) => {
    const out: string[] = [];
    for (const raw of v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const p = normalizePhone(raw);
      // A valid foreign number (an admin abroad, written +33…/0033…) is accepted as E.164 too.
      const e164 = p.ok ? p.e164 : p.reason === 'foreign' ? p.e164 : undefined;
      if (e164 === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `"${raw}" is not a valid phone number (e.g. 77 123 45 67, +221771234567, 0707070707)`,
        });
        continue;
      }
      if (!out.includes(e164)) out.push(e164);
    }
    return out;
  });
const secret = optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional());
/** Express "trust proxy": unset = trust no proxy (X-Forwarded-For ignored); a hop count; or addresses/subnets. */
const trustProxy = optionalString.transform((v, ctx): false | number | string => {
  if (v === undefined || v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  if (v === 'true') {
    ctx.addIssue({
      code: 'custom',
      message:
        'true would trust any X-Forwarded-For (spoofable); give the proxy hop count (e.g. 1) or its address/subnet (e.g. loopback, 10.0.0.0/8)',
    });
    return false;
  }
  return v;
});

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: int(3000, 0),
    /** Default: 127.0.0.1 with CHANNEL=sandbox (the chat lets anyone act as any customer), else 0.0.0.0. */
    HOST: optionalString,
    /** Proxies whose X-Forwarded-For is believed (admin lockout, logs). Unset = none. */
    TRUST_PROXY: trustProxy,
    /** Serve /metrics on its own port (no token there) instead of the main port behind ADMIN_TOKEN. */
    METRICS_PORT: optionalString.pipe(
      z
        .string()
        .regex(/^\d+$/, 'must be a port number')
        .transform(Number)
        .refine((n) => n <= 65535, 'must be a port number')
        .optional(),
    ),
    PUBLIC_URL: optionalString.pipe(z.url().optional()),
    DATA_DIR: z.string().default('data'),
    STORE: z.enum(['lowdb', 'memory', 'postgres']).default('lowdb'),
    // STORE=postgres: one database shared by every instance.
    DATABASE_URL: optionalString,
    DATABASE_POOL_SIZE: int(10, 1),
    DATABASE_STATEMENT_TIMEOUT_MS: int(10_000, 100),
    // Several instances on one database (STORE=postgres): who holds what (leases), and for how long.
    /** This instance's name in leases and logs; default hostname-pid-random (unique per start). */
    INSTANCE_ID: optionalString.pipe(
      z
        .string()
        .max(100)
        .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only')
        .optional(),
    ),
    /** A singleton or WhatsApp socket lease lasts this long; renewed every third of it. */
    LEASE_TTL_MS: int(30_000, 1_000),
    /** An order being reconciled is claimed this long (longer than a status lookup plus a resend). */
    ORDER_CLAIM_TTL_MS: int(300_000, 130_000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    // Intech. No API key = sandbox: the embedded simulator plays Intech.
    INTECH_BASE_URL: z.url().default('https://api.intech.sn'),
    INTECH_API_KEY: optionalString,
    INTECH_HMAC_SECRET: optionalString,
    INTECH_TIMEOUT_MS: int(60_000).refine(
      (v) => v >= 60_000,
      'must be at least 60000 (Intech asks for 60 s)',
    ),
    MERCHANT_NAME: z.string().default('Xaalis Bot'),
    /** Allows the sandbox chat against live Intech (local testing only: it lets anyone act as any customer). */
    SANDBOX_WITH_LIVE_INTECH: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /** Bearer token for every /sandbox/* request; required for the sandbox chat with a live Intech key. */
    SANDBOX_TOKEN: secret,

    // Simulator knobs (sandbox only).
    SIM_API_KEY: z.string().default('sandbox-api-key'),
    SIM_CALLBACK_DELAY_MS: int(300),
    SIM_APPROVAL_DELAY_MS: int(3000),
    SIM_MERCHANT_BALANCE: int(1_000_000),
    /**
     * With no INTECH_HMAC_SECRET, `npm start` gives the simulator and the bot a fresh shared secret (an
     * account with advanced security); false = unsigned callbacks, as a default Intech account.
     */
    SIM_SIGN_CALLBACKS: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),

    // Channel.
    CHANNEL: z.enum(['sandbox', 'whatsapp']).default('sandbox'),
    WHATSAPP_PAIRING_NUMBER: optionalString,
    /** The bot's own WhatsApp number (international), for "back to WhatsApp" links (wa.me). */
    WHATSAPP_BOT_NUMBER: optionalString,
    WHATSAPP_SEND_PER_MINUTE: int(20, 1),
    /** Admins are alerted (through Intech WHATSAPP_MESSAGING) once WhatsApp has been down this long. */
    WHATSAPP_DOWN_ALERT_SECONDS: int(30, 1),

    // Admins.
    ADMIN_NUMBERS: phoneList,
    ADMIN_TOKEN: secret,

    // Optional LLM parser.
    OPENAI_API_KEY: optionalString,
    OPENAI_MODEL: z.string().default('gpt-4o-mini'),
    OPENAI_BASE_URL: optionalString.pipe(z.url().optional()),
    OPENAI_TIMEOUT_MS: int(4000, 100),

    // Conversation and limits.
    CONVERSATION_IDLE_MINUTES: int(15, 1),
    // Sent/failed outbox messages are deleted this many days after (bounded store; the timeline shows them until then).
    OUTBOX_RETENTION_DAYS: int(7, 1).pipe(z.number().max(3650)),
    LIMIT_MESSAGES_PER_MINUTE: int(20, 1),
    LIMIT_ORDER_MAX_XOF: int(200_000, 100),
    LIMIT_DAILY_TOTAL_XOF: int(500_000, 100),
    // Paying from another number than the chat's (#13 finding 3).
    PAYER_MAX_NUMBERS_PER_DAY: int(2, 0),
    PAYER_MAX_PENDING: int(1, 1),
    // Callbacks for ids we do not know, recorded per minute (#13 finding 7).
    CALLBACK_UNKNOWN_PER_MINUTE: int(20, 1),

    // Orders.
    RECEIPT_VIA: z.enum(['intech', 'chat']).default('intech'),
    RECONCILE_AFTER_MS: int(120_000, 1000),
    RECONCILE_INTERVAL_MS: int(15_000, 100),
    SLOW_NOTICE_AFTER_MS: int(180_000, 1000),
    BALANCE_CACHE_MS: int(30_000),
    BALANCE_ALERT_THRESHOLD_XOF: int(50_000),

    // Admin features.
    CATALOG_SYNC_MINUTES: int(360, 0),
    BROADCAST_VIA: z.enum(['chat', 'intech']).default('chat'),
    BROADCAST_PER_MINUTE: int(20, 1),
  })
  .transform((c) => ({
    ...c,
    SANDBOX_INTECH: c.INTECH_API_KEY === undefined,
    HOST: c.HOST ?? (c.CHANNEL === 'sandbox' ? '127.0.0.1' : '0.0.0.0'),
    PUBLIC_URL: c.PUBLIC_URL ?? `http://localhost:${c.PORT}`,
    INSTANCE_ID: c.INSTANCE_ID ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
  }));

export type Config = z.output<typeof configSchema>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates an environment; throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const c = result.data;
  const problems: string[] = [];
  if (!c.SANDBOX_INTECH && !env.PUBLIC_URL?.trim()) {
    problems.push('PUBLIC_URL: required with INTECH_API_KEY, so that Intech can reach /intech/callback');
  }
  if (!c.SANDBOX_INTECH && c.CHANNEL === 'sandbox' && !c.SANDBOX_WITH_LIVE_INTECH) {
    problems.push(
      'CHANNEL: the sandbox chat lets anyone act as any customer; with a live INTECH_API_KEY use CHANNEL=whatsapp (or SANDBOX_WITH_LIVE_INTECH=true and a SANDBOX_TOKEN for a local test)',
    );
  }
  if (!c.SANDBOX_INTECH && c.CHANNEL === 'sandbox' && !c.SANDBOX_TOKEN) {
    problems.push(
      'SANDBOX_TOKEN: required for the sandbox chat with a live INTECH_API_KEY (16+ characters; send it as Authorization: Bearer <token>)',
    );
  }
  if (c.METRICS_PORT !== undefined && c.METRICS_PORT !== 0 && c.METRICS_PORT === c.PORT) {
    problems.push('METRICS_PORT: must differ from PORT');
  }
  if (c.STORE === 'postgres' && !c.DATABASE_URL) {
    problems.push(
      'DATABASE_URL: required with STORE=postgres (e.g. postgres://user:password@host:5432/xaalis)',
    );
  }
  if (c.DATABASE_URL && !/^postgres(ql)?:\/\//.test(c.DATABASE_URL)) {
    problems.push('DATABASE_URL: must start with postgres:// or postgresql://');
  }
  if (problems.length) throw new ConfigError(problems);
  return c;
}
