// The documented service catalog, served as-is by GET /api-services/services.
import type { IntechService } from '../../intech/types.js';
import documented from '../../catalog/documented-services.json' with { type: 'json' };

export const DOCUMENTED_SERVICES: readonly IntechService[] = (documented as { services: IntechService[] })
  .services;

export function findService(codeService: string): IntechService | undefined {
  return DOCUMENTED_SERVICES.find((s) => s.codeService === codeService);
}

export const isCashOut = (s: IntechService): boolean => s.typeService === 'CASHOUT';
export const isBillPay = (s: IntechService): boolean => s.typeService === 'BILL_PAY';
export const isReload = (s: IntechService): boolean => s.typeService === 'BILL_BUY_RELOAD';
export const isWhatsapp = (s: IntechService): boolean => s.codeService === 'WHATSAPP_MESSAGING';
/** Services whose amount is meaningful (WhatsApp is billed a flat fee instead). */
export const needsAmount = (s: IntechService): boolean => !isWhatsapp(s);
export const isWoyofal = (s: IntechService): boolean => s.codeService === 'WOYOFAL_SN_BILL_RELOAD';
