// Intech wants national numbers for most services and international (+221…) for WHATSAPP_MESSAGING.
const COUNTRY_CODES = ['221', '225'];

/** "+221771234567" / "00221771234567" / "77 123 45 67" -> "771234567"; "+2250707070707" -> "0707070707". */
export function nationalForm(phone: string): string {
  let d = phone.replace(/[^\d+]/g, '');
  if (d.startsWith('00')) d = `+${d.slice(2)}`;
  if (d.startsWith('+')) {
    const digits = d.slice(1);
    const cc = COUNTRY_CODES.find((c) => digits.startsWith(c));
    return cc ? digits.slice(cc.length) : digits;
  }
  // 12-digit SN / 13-digit CI numbers typed without + or 00.
  if (d.length === 12 && d.startsWith('221')) return d.slice(3);
  if (d.length === 13 && d.startsWith('225')) return d.slice(3);
  return d;
}

/** E.164 when the id looks like a phone number, else null (e.g. a WhatsApp "lid:" id). */
export function internationalForm(id: string): string | null {
  const d = id.replace(/[\s.-]/g, '');
  if (/^\+\d{8,15}$/.test(d)) return d;
  if (/^00\d{8,15}$/.test(d)) return `+${d.slice(2)}`;
  return null;
}
