// The receipt as a WhatsApp message (*bold*, ```monospace```), sent after the delivery succeeded.
import type { Lang } from '../i18n/lang.js';
import type { Order } from '../orders/types.js';
import { buildReceiptView, type ReceiptOptions, type ReceiptView } from './view.js';

export function receiptText(order: Order, lang: Lang, opts: ReceiptOptions = {}): string {
  return renderReceiptText(buildReceiptView(order, lang, opts));
}

/** Draws a receipt already decided (buildReceiptView), e.g. one stored with a message still to send. */
export function renderReceiptText(v: ReceiptView): string {
  const { lang } = v;
  const w = v.words;
  const lines: string[] = [`*${v.merchant} — ${w.title}*`, `✅ ${w.paidLine} · *${v.amount}*`, ''];

  // French typography puts a space before the colon; English does not.
  const sep = lang === 'en' ? ': ' : ' : ';
  for (const row of v.rows) {
    const value = row.key === 'reference' || row.key === 'amount' ? `*${row.value}*` : row.value;
    lines.push(`${row.label}${sep}${value}`);
  }

  if (v.tokens.length > 0) {
    const many = v.tokens.length > 1;
    lines.push('', `🔑 *${many ? w.tokenMany : w.tokenOne}*`);
    v.tokens.forEach((t, i) => {
      lines.push(many ? `${i + 1}. \`\`\`${t}\`\`\`` : `\`\`\`${t}\`\`\``);
    });
    lines.push(`_${many ? w.tokenHintMany : w.tokenHintOne}_`);
  }

  lines.push('', w.thanks, `_${w.keep}_`);
  return lines.join('\n');
}
