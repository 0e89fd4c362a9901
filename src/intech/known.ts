// "Is this transaction known at Intech?" — one rule for orders and broadcasts. A transaction is absent only
// when get-transaction-status is refused with a "not found" answer; any other refusal (rate limit, bad
// key, server error) or a transport failure says nothing, and nothing may be resent on it.
import { IntechRejectedError } from './errors.js';

export type KnownAtIntech = 'known' | 'absent' | 'unknown';

/** Intech's answer for an id it does not know is undocumented: a refusal that says "not found". */
export function meansNotFound(err: unknown): boolean {
  if (!(err instanceof IntechRejectedError)) return false;
  if (err.code === 404 || err.code === 4004) return true;
  const text = `${err.msg} ${err.errorType?.code ?? ''} ${err.errorType?.message ?? ''}`;
  return /not[\s_-]?found|introuvable|inexistant|n'existe|does not exist|unknown transaction/i.test(text);
}

/** From the outcome of one status lookup: an answer (known), or the error it threw. */
export function knownAtIntech(lookup: { ok: true } | { ok: false; error: unknown }): KnownAtIntech {
  if (lookup.ok) return 'known';
  return meansNotFound(lookup.error) ? 'absent' : 'unknown';
}
