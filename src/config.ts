// The one place that reads the environment. Everything else receives a typed Config.
import { z } from 'zod';

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const phoneList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.replace(/[\s.-]/g, ''))
      .filter(Boolean)
      .map((s) => (s.startsWith('+') ? s : s.startsWith('00') ? `+${s.slice(2)}` : `+${s}`)),
  );

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: int(3000, 0),
    HOST: z.string().default('0.0.0.0'),
    PUBLIC_URL: optionalString.pipe(z.url().optional()),
    DATA_DIR: z.string().default('data'),
    STORE: z.enum(['lowdb', 'memory']).default('lowdb'),
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

    // Simulator knobs (sandbox only).
    SIM_API_KEY: z.string().default('sandbox-api-key'),
    SIM_CALLBACK_DELAY_MS: int(300),
    SIM_APPROVAL_DELAY_MS: int(3000),
    SIM_MERCHANT_BALANCE: int(1_000_000),

    // Channel.
    CHANNEL: z.enum(['sandbox', 'whatsapp']).default('sandbox'),
    WHATSAPP_PAIRING_NUMBER: optionalString,
    /** The bot's own WhatsApp number (international), for "back to WhatsApp" links (wa.me). */
    WHATSAPP_BOT_NUMBER: optionalString,
    WHATSAPP_SEND_PER_MINUTE: int(20, 1),

    // Admins.
    ADMIN_NUMBERS: phoneList,
    ADMIN_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),

    // Optional LLM parser.
    OPENAI_API_KEY: optionalString,
    OPENAI_MODEL: z.string().default('gpt-4o-mini'),
    OPENAI_BASE_URL: optionalString.pipe(z.url().optional()),
    OPENAI_TIMEOUT_MS: int(4000, 100),

    // Conversation and limits.
    CONVERSATION_IDLE_MINUTES: int(15, 1),
    LIMIT_MESSAGES_PER_MINUTE: int(20, 1),
    LIMIT_ORDER_MAX_XOF: int(200_000, 100),
    LIMIT_DAILY_TOTAL_XOF: int(500_000, 100),

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
    PUBLIC_URL: c.PUBLIC_URL ?? `http://localhost:${c.PORT}`,
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
      'CHANNEL: the sandbox chat lets anyone act as any customer; with a live INTECH_API_KEY use CHANNEL=whatsapp (or SANDBOX_WITH_LIVE_INTECH=true for a local test)',
    );
  }
  if (problems.length) throw new ConfigError(problems);
  return c;
}
