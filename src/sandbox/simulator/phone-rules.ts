// Which phone form each service expects (intech-api.md: national form, except WhatsApp and bank card).

const INTERNATIONAL_SERVICES = new Set(['WHATSAPP_MESSAGING', 'BANK_CARD_API_CASH_OUT']);

export type PhoneForm = 'international' | 'national_sn' | 'national_ci';

export function expectedPhoneForm(codeService: string): PhoneForm {
  if (INTERNATIONAL_SERVICES.has(codeService)) return 'international';
  if (codeService.includes('_CI_')) return 'national_ci';
  return 'national_sn';
}

/** null when the phone is acceptable, else a short French explanation. */
export function checkPhone(codeService: string, phone: string): string | null {
  const form = expectedPhoneForm(codeService);
  if (form === 'international') {
    return /^\+[1-9]\d{7,14}$/.test(phone)
      ? null
      : 'Le numéro doit être au format international (ex: +221772457199).';
  }
  if (form === 'national_ci') {
    // CI: 10 digits since 2021, the leading 0 is part of the number.
    return /^0\d{9}$/.test(phone)
      ? null
      : 'Le numéro doit être au format national ivoirien (ex: 0707070707).';
  }
  // SN mobile numbers: 9 digits starting with 7. Fixed lines (33…) accepted only for bills.
  const ok =
    codeService.endsWith('_BILL_PAY') || codeService.endsWith('_BILL_RELOAD') ? /^[37]\d{8}$/ : /^7\d{8}$/;
  return ok.test(phone) ? null : 'Le numéro doit être au format national (ex: 772457199).';
}
