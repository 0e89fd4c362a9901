// Zod schemas for every Intech response (see ../shared/intech-api.md). Tolerant: extra fields pass
// through, ids may be numbers or strings, numbers may arrive as numeric strings, and the documented
// quirks (errors under `services`, nested pendingBills, refund without `code`, FAILLED) are accepted.
import { z } from 'zod';
import type { IntechStatus } from './types.js';

/** An id Intech may send as a number or a string; we always keep a string. */
export const idString = z.union([z.string(), z.number()]).transform((v) => String(v));

/** A number that may arrive as a numeric string ("1500"). */
export const numberish = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);

const STATUSES = [
  'SUCCESS',
  'FAILLED',
  'PENDING',
  'PROCESSING',
  'REFUNDED',
  'CANCELED',
] as const satisfies readonly IntechStatus[];

/** Intech spells FAILLED with two Ls; accept the dictionary spellings too and normalise to Intech's. */
export const statusSchema = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const u = v.trim().toUpperCase();
  if (u === 'FAILED') return 'FAILLED';
  if (u === 'CANCELLED') return 'CANCELED';
  return u;
}, z.enum(STATUSES));

/** Intech's error ids come as numbers, numeric strings, null or not at all. */
const errorIdSchema = z
  .union([z.number(), z.string().regex(/^\d+$/).transform(Number), z.null()])
  .optional()
  .transform((v) => v ?? null);

export const errorTypeSchema = z
  .looseObject({
    id: errorIdSchema,
    code: z.string(),
    message: z
      .string()
      .nullish()
      .transform((v) => v ?? undefined),
    codeService: z
      .string()
      .nullish()
      .transform((v) => v ?? undefined),
  })
  .transform(({ id, code, message, codeService }) => ({
    id,
    code,
    ...(message !== undefined ? { message } : {}),
    ...(codeService !== undefined ? { codeService } : {}),
  }));

/** Every `{code, msg, error, data}` answer. `code === 2000` is success, anything else is a refusal. */
export const envelopeSchema = z.looseObject({
  code: numberish,
  msg: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  error: z.boolean().optional(),
  data: z.unknown().optional(),
});
export type Envelope = z.output<typeof envelopeSchema>;

// GET /api-services/services
export const serviceSchema = z.looseObject({
  name: z.string(),
  icon: z
    .string()
    .nullish()
    .transform((v) => v ?? undefined),
  codeService: z.string(),
  // Kept as strings here: the client drops entries whose types it does not know, instead of failing the catalog.
  typeOperation: z.string(),
  typeService: z.string(),
});
export const servicesResponseSchema = z.looseObject({
  success: z.boolean().optional(),
  services: z.array(serviceSchema),
});

// GET /api-services/errors: the list sits under `services` (sic); accept `errors` or `data` too.
export const errorCodeSchema = z.looseObject({
  id: errorIdSchema,
  code: z.string(),
  message: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
});
export const errorsResponseSchema = z
  .looseObject({
    success: z.boolean().optional(),
    services: z.array(errorCodeSchema).optional(),
    errors: z.array(errorCodeSchema).optional(),
    data: z.array(errorCodeSchema).optional(),
  })
  .refine((r) => r.services ?? r.errors ?? r.data, 'no error list (services / errors / data)')
  .transform((r) => r.services ?? r.errors ?? r.data ?? []);

// GET /api-services/balance: data {currency, balance}
export const balanceDataSchema = z.looseObject({
  currency: z
    .string()
    .nullish()
    .transform((v) => v ?? 'XOF'),
  balance: numberish,
});
export const balanceResponseSchema = z.looseObject({
  code: numberish.optional(),
  data: balanceDataSchema,
});

// POST /api-services/list-pending-bills: data.pendingBills.pendingBills (nested) or data.pendingBills (flat).
export const pendingBillSchema = z
  .looseObject({
    amount: numberish,
    billReference: idString,
    infos: z
      .array(
        z.looseObject({
          label: z.string(),
          value: z.union([z.string(), z.number(), z.null()]).transform((v) => (v === null ? '' : String(v))),
        }),
      )
      .nullish()
      .transform((v) => v ?? []),
  })
  .transform(({ amount, billReference, infos }) => ({
    amount,
    billReference,
    infos: infos.map(({ label, value }) => ({ label, value })),
  }));
export const pendingBillsDataSchema = z
  .looseObject({
    status: z.string().optional(),
    pendingBills: z.union([
      z.looseObject({ success: z.boolean().optional(), pendingBills: z.array(pendingBillSchema).nullish() }),
      z.array(pendingBillSchema),
      z.null(),
    ]),
  })
  .transform((d) => (Array.isArray(d.pendingBills) ? d.pendingBills : (d.pendingBills?.pendingBills ?? [])));

// POST /api-services/operation (accepted)
const optionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);
export const operationDataSchema = z.looseObject({
  transactionId: idString,
  externalTransactionId: idString.optional(),
  status: statusSchema.optional(),
  amount: numberish.nullish().transform((v) => v ?? undefined),
  phone: optionalString,
  codeService: optionalString,
  deepLinkUrl: optionalString,
  notificationMessage: optionalString,
  authLinkUrl: optionalString,
});

// POST /api-services/get-transaction-status
export const transactionStatusDataSchema = z.looseObject({
  transactionId: idString.nullish().transform((v) => v ?? null),
  externalTransactionId: idString,
  status: statusSchema,
  errorType: errorTypeSchema.nullish().transform((v) => v ?? null),
  createdAt: optionalString,
  updatedAt: optionalString,
});

// POST /api-services/transaction/refund-cancel: {message, statutTreatment}, no `code`.
export const refundResponseSchema = z.looseObject({
  message: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  statutTreatment: z.string(),
});

// POST /api-services/new-claim: data.claim {claimRef, statut}
export const claimSchema = z.looseObject({ claimRef: idString, statut: z.string() });
export const claimDataSchema = z.union([
  z.looseObject({ claim: claimSchema }).transform((d) => d.claim),
  claimSchema,
]);

// Callback (IPN) body, as Intech POSTs it. Matches CallbackBody in types.ts.
export const callbackBodySchema = z.looseObject({
  msg: optionalString,
  status: statusSchema,
  sha256Hash: z.string().min(1),
  transaction: z.looseObject({
    phone: optionalString,
    amount: numberish.nullish().transform((v) => v ?? undefined),
    codeService: z.string(),
    nameService: optionalString,
    commission: numberish.nullish().transform((v) => v ?? undefined),
    transactionId: idString,
    sousServiceTransactionId: idString.nullish(),
    currentBalance: numberish.nullish().transform((v) => v ?? undefined),
    balanceBeforeTransactionInit: numberish.nullish().transform((v) => v ?? undefined),
    balanceAfterTransactionInit: numberish.nullish().transform((v) => v ?? undefined),
    externalTransactionId: idString,
    callbackUrl: optionalString,
    errorType: errorTypeSchema.nullish().transform((v) => v ?? null),
    // `data` comes back parsed; tolerate it still being a JSON string.
    data: z
      .preprocess((v) => {
        if (typeof v !== 'string') return v;
        try {
          return JSON.parse(v);
        } catch {
          return { value: v };
        }
      }, z.record(z.string(), z.unknown()).nullish())
      .transform((v) => v ?? null),
  }),
});

/** Short readable summary of a zod error for logs and error details (no values: they may hold phones). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
