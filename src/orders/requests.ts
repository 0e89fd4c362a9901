// Builds the Intech operation bodies for each step. Pure: the saga records the op, then sends this.
import type { OperationRequest } from '../intech/types.js';
import { extIdFor } from './ext-ids.js';
import { nationalForm } from '../phone/phone.js';
import type { Order } from './types.js';

export interface RequestConfig {
  callbackUrl: string;
  merchantName: string;
  publicUrl: string;
}

/** Comes back parsed in the callback's transaction.data: lets us cross-check the match. */
function tag(o: Order, step: string): string {
  return JSON.stringify({ orderId: o.id, step });
}

export function collectRequest(o: Order, cfg: RequestConfig): OperationRequest {
  const base = cfg.publicUrl.replace(/\/+$/, '');
  const card = o.payment.codeService === 'BANK_CARD_API_CASH_OUT';
  const req: OperationRequest = {
    codeService: o.payment.codeService,
    // Card payments take the international form, like WhatsApp messages.
    phone: card ? o.payment.payer : nationalForm(o.payment.payer),
    amount: o.amount,
    externalTransactionId: extIdFor(o.id, 'collect'),
    callbackUrl: cfg.callbackUrl,
    data: tag(o, 'collect'),
    sender: cfg.merchantName,
    // Our result pages (src/http/pay-pages.ts); lang lets them speak the customer's language even
    // when the order cannot be looked up.
    successRedirectUrl: `${base}/pay/done?order=${encodeURIComponent(o.id)}&lang=${o.lang}`,
    errorRedirectUrl: `${base}/pay/failed?order=${encodeURIComponent(o.id)}&lang=${o.lang}`,
  };
  if (o.payment.codeService === 'ORANGE_SN_API_CASH_OUT') req.useOMQrCode = false;
  return req;
}

export function deliveryRequest(o: Order, cfg: RequestConfig): OperationRequest {
  const req: OperationRequest = {
    codeService: o.codeService,
    // Bills have no recipient phone: the payer's number is the contact Intech asks for.
    phone: nationalForm(o.kind === 'airtime' ? (o.recipient ?? '') : (o.recipient ?? o.payment.payer)),
    amount: o.amount,
    externalTransactionId: extIdFor(o.id, 'deliver'),
    callbackUrl: cfg.callbackUrl,
    data: tag(o, 'deliver'),
  };
  if (o.kind !== 'airtime' && o.account) req.accountNumber = o.account;
  if (o.kind === 'bill_pay' && o.billReference) req.billReference = o.billReference;
  return req;
}

export function receiptRequest(
  o: Order,
  phoneE164: string,
  message: string,
  png: Buffer | null,
  cfg: RequestConfig,
): OperationRequest {
  const req: OperationRequest = {
    codeService: 'WHATSAPP_MESSAGING',
    phone: phoneE164,
    externalTransactionId: extIdFor(o.id, 'receipt'),
    callbackUrl: cfg.callbackUrl,
    data: tag(o, 'receipt'),
    message,
  };
  if (png) {
    req.attachedMedia = png.toString('base64');
    req.attachedMediaExtension = '.png';
    req.attachedMediaName = `recu-${o.id}.png`;
  }
  return req;
}
