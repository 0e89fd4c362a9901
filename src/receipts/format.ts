// Small display formatters for receipts (pure).

/** "12345678901234567890" -> "1234 5678 9012 3456 7890": easier to type on a meter keypad. */
export function formatToken(token: string): string {
  const compact = token.replace(/\s+/g, '');
  return compact.replace(/(.{4})(?=.)/g, '$1 ');
}

/** 29/11/2026 12:52 GMT, in the given time zone (Dakar and Abidjan are both GMT+0). */
export function formatDateTime(at: number, timeZone = 'Africa/Dakar'): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(at));
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('day')}/${get('month')}/${get('year')} ${get('hour')}:${get('minute')} ${get('timeZoneName')}`.trim();
}
