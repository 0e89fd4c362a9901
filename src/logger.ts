// pino with redaction: secrets never reach logs, phone numbers are masked.
import { pino, type Logger } from 'pino';

export type { Logger };

const SECRET_PATHS = [
  'apiKey',
  '*.apiKey',
  '*.*.apiKey',
  'headers.secretkey',
  'headers.Secretkey',
  '*.headers.secretkey',
  '*.headers.Secretkey',
  'hmacSecret',
  '*.hmacSecret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'attachedMedia',
  '*.attachedMedia',
  'creds',
  '*.creds',
];

/**
 * +221771234567 -> +***567: at most the last 3 digits, enough to tell two customers apart in one
 * incident, never enough to call (the country code and prefix would narrow the rest).
 */
export function maskPhone(value: string): string {
  return value.replace(/\+?\d[\d\s.-]{7,}\d/g, (m) => {
    const digits = m.replace(/\D/g, '');
    if (digits.length < 8) return m;
    const plus = m.startsWith('+') ? '+' : '';
    return `${plus}***${digits.slice(-3)}`;
  });
}

function maskDeep(v: unknown, depth = 0): unknown {
  if (depth > 6) return v;
  if (typeof v === 'string') return maskPhone(v);
  if (Array.isArray(v)) return v.map((x) => maskDeep(x, depth + 1));
  if (v && typeof v === 'object' && !(v instanceof Error) && !Buffer.isBuffer(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = maskDeep(x, depth + 1);
    return out;
  }
  return v;
}

export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      redact: { paths: SECRET_PATHS, censor: '[secret]' },
      hooks: {
        logMethod(args, method) {
          // Mask phone numbers in the message and in every logged object.
          const masked = args.map((a) => maskDeep(a)) as Parameters<typeof method>;
          method.apply(this, masked);
        },
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    opts.destination as pino.DestinationStream | undefined,
  );
}

/** A logger that drops everything: the default in tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
