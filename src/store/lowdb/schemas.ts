// What every data file may hold, checked on load: anything else stops the start with the file's name and
// the first thing wrong (a paid order must never vanish because a file read as empty).
import { z } from 'zod';
import { LANGS } from '../../i18n/lang.js';
import { ORDER_STATES } from '../../orders/types.js';

const langSchema = z.enum(LANGS as [string, ...string[]]);
const intechStatus = z.enum(['SUCCESS', 'FAILLED', 'PENDING', 'PROCESSING', 'REFUNDED', 'CANCELED']);

export const orderSchema = z.looseObject({
  id: z.string().min(1),
  version: z.number().int().nonnegative(),
  customerId: z.string(),
  lang: langSchema,
  kind: z.string(),
  codeService: z.string(),
  amount: z.number(),
  payment: z.looseObject({ codeService: z.string(), payer: z.string() }),
  state: z.enum(ORDER_STATES as [string, ...string[]]),
  operations: z.record(
    z.string(),
    z.looseObject({ step: z.string(), externalTransactionId: z.string(), status: z.string() }),
  ),
  events: z.array(z.looseObject({ at: z.number(), type: z.string() })),
  createdAt: z.number(),
  updatedAt: z.number(),
});

export const customerSchema = z.looseObject({
  id: z.string().min(1),
  // Files written before customers had versions start at 1.
  version: z.number().int().positive().default(1),
  phone: z.string().nullable(),
  lang: langSchema,
  subscribed: z.boolean(),
  paused: z.boolean(),
  wallet: z.object({ codeService: z.string(), payer: z.string() }).optional(),
  beneficiaries: z.array(
    z.looseObject({ nickname: z.string(), kind: z.enum(['phone', 'account']), value: z.string() }),
  ),
  firstSeenAt: z.number(),
  lastSeenAt: z.number(),
  aliases: z.array(z.string()).optional(),
});

const recipientStatus = z.enum([
  'pending',
  'attempting',
  'sent',
  'failed',
  'skipped',
  'unknown',
  'delivered',
  'read',
]);

export const broadcastSchema = z
  .object({
    id: z.string().min(1),
    createdAt: z.number(),
    createdBy: z.string(),
    text: z.looseObject({ fr: z.string() }),
    via: z.enum(['chat', 'intech']),
    state: z.enum(['draft', 'sending', 'done', 'cancelled']),
    total: z.number().int().nonnegative().optional(),
    // Headers written before recipients moved apart carried them inline.
    recipients: z.array(z.string()).optional(),
    startedAt: z.number().optional(),
    finishedAt: z.number().optional(),
  })
  .transform(({ recipients, total, ...b }) => ({ ...b, total: total ?? recipients?.length ?? 0 }));

export const recipientSchema = z.object({
  customerId: z.string(),
  status: recipientStatus,
  reason: z.string().optional(),
  ref: z.string().optional(),
  at: z.number(),
});

export const alertSchema = z.object({
  id: z.string().min(1),
  at: z.number(),
  kind: z.string(),
  message: z.string(),
  orderId: z.string().optional(),
  resolved: z.boolean(),
});

export const leaseSchema = z.object({
  name: z.string(),
  owner: z.string(),
  epoch: z.number().int().nonnegative(),
  expiresAt: z.number(),
});

const payloadSchema = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('image'), imageBase64: z.string(), caption: z.string().optional() }),
]);

export const outboxSchema = z.object({
  id: z.string().min(1),
  chat: z.string(),
  kind: z.enum(['reply', 'receipt', 'payment_link', 'notice', 'broadcast', 'alert']),
  payload: payloadSchema,
  orderId: z.string().optional(),
  broadcastId: z.string().optional(),
  notBefore: z.number().optional(),
  seq: z.number().int().positive(),
  createdAt: z.number(),
  state: z.enum(['pending', 'sending', 'sent', 'failed']),
  attempts: z.number().int().nonnegative(),
  owner: z.string().optional(),
  leaseUntil: z.number().optional(),
  lastError: z.string().optional(),
  waMessageId: z.string().optional(),
  sentAt: z.number().optional(),
  doneAt: z.number().optional(),
  delivery: z.enum(['server_ack', 'delivered', 'read', 'played', 'error']).optional(),
  deliveryAt: z.number().optional(),
  deliveryError: z.string().optional(),
});

export const callbackSchema = z.object({
  externalTransactionId: z.string(),
  transactionId: z.string(),
  status: intechStatus,
  receivedAt: z.number(),
  body: z.unknown(),
});

export const anyJson = z.unknown().refine((v) => v !== undefined, 'missing value');

/** Row schema per table name (kv namespaces hold any JSON). */
export function rowSchema(table: string): z.ZodType {
  switch (table) {
    case 'customers':
      return customerSchema;
    case 'broadcasts':
      return broadcastSchema;
    case 'broadcast-recipients':
      return recipientSchema;
    case 'alerts':
      return alertSchema;
    case 'leases':
      return leaseSchema;
    case 'outbox':
      return outboxSchema;
    case 'status-lookups':
      return z.array(z.number());
    case 'dedupe':
      return z.number();
    default:
      return anyJson;
  }
}

/** "rows.+22177….phone: expected string, received number" — the first few issues, readable. */
export function describeIssues(err: z.ZodError, prefix = ''): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
