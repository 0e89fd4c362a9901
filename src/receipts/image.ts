// The receipt as a PNG: an SVG card (every text escaped) rendered by sharp (librsvg, DejaVu fonts).
import type { Lang } from '../i18n/lang.js';
import type { Order } from '../orders/types.js';
import { buildReceiptView, type ReceiptOptions, type ReceiptView } from './view.js';

export const RECEIPT_WIDTH = 720;

const SANS = 'DejaVu Sans, Verdana, sans-serif';
const MONO = 'DejaVu Sans Mono, monospace';
const GREEN = '#0b6e4f';
const STAMP = '#15803d';
const INK = '#0f172a';
const MUTED = '#64748b';

// Card geometry.
const MARGIN = 24;
const CARD_L = MARGIN;
const CARD_R = RECEIPT_WIDTH - MARGIN;
const PAD = 32;
const X0 = CARD_L + PAD; // content left
const X1 = CARD_R - PAD; // content right
const CONTENT_W = X1 - X0;
const HEADER_H = 120;
const TOOTH_W = 16;
const TOOTH_H = 9;

/** XML-escape and drop characters XML 1.0 forbids (they would break the SVG even escaped). */
export function escapeXml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Rough text width for DejaVu Sans (it is a wide face): enough to decide wrapping, not to typeset. */
function textWidth(s: string, size: number, bold = false): number {
  return [...s].length * size * (bold ? 0.68 : 0.62);
}

function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/** Word wrap to at most `max` characters per line; long words are cut. */
function wrap(s: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of s.split(/\s+/).filter(Boolean)) {
    let w = word;
    while ([...w].length > max) {
      if (line) {
        lines.push(line);
        line = '';
      }
      lines.push([...w].slice(0, max).join(''));
      w = [...w].slice(max).join('');
    }
    const next = line ? `${line} ${w}` : w;
    if ([...next].length > max) {
      lines.push(line);
      line = w;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

interface TextOpts {
  size: number;
  fill?: string;
  bold?: boolean;
  italic?: boolean;
  anchor?: 'start' | 'middle' | 'end';
  family?: string;
  spacing?: number;
}

function text(x: number, y: number, content: string, o: TextOpts): string {
  const attrs = [
    `x="${x}"`,
    `y="${y}"`,
    `font-family="${o.family ?? SANS}"`,
    `font-size="${o.size}"`,
    `fill="${o.fill ?? INK}"`,
    o.bold ? 'font-weight="bold"' : '',
    o.italic ? 'font-style="italic"' : '',
    o.anchor && o.anchor !== 'start' ? `text-anchor="${o.anchor}"` : '',
    o.spacing ? `letter-spacing="${o.spacing}"` : '',
  ].filter(Boolean);
  return `<text ${attrs.join(' ')}>${escapeXml(content)}</text>`;
}

function dashed(y: number): string {
  return `<line x1="${X0}" y1="${y}" x2="${X1}" y2="${y}" stroke="#cbd5e1" stroke-width="2" stroke-dasharray="8 7"/>`;
}

/** Card outline: rounded top, torn (zig-zag) bottom like a till receipt. */
function cardPath(top: number, bottom: number): string {
  const r = 18;
  let d = `M ${CARD_L} ${top + r} A ${r} ${r} 0 0 1 ${CARD_L + r} ${top} H ${CARD_R - r} A ${r} ${r} 0 0 1 ${CARD_R} ${top + r} V ${bottom}`;
  for (let x = CARD_R; x > CARD_L; x -= TOOTH_W) {
    d += ` L ${x - TOOTH_W / 2} ${bottom + TOOTH_H} L ${Math.max(CARD_L, x - TOOTH_W)} ${bottom}`;
  }
  return `${d} Z`;
}

function initials(name: string): string {
  const letters = name
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => [...w][0]!.toUpperCase());
  return (letters.length >= 2 ? letters.slice(0, 2) : [...name.replace(/\s+/g, '')].slice(0, 2)).join('');
}

export function receiptSvg(v: ReceiptView): string {
  const w = v.words;
  const body: string[] = [];
  const top = MARGIN;
  let y = top + HEADER_H;

  // Amount, service and the "paid" stamp.
  body.push(text(X0, y + 44, w.amountPaid.toUpperCase(), { size: 14, fill: MUTED, spacing: 1.5 }));
  const amountSize = textWidth(v.amount, 44, true) > 380 ? 34 : 44;
  body.push(text(X0, y + 96, v.amount, { size: amountSize, bold: true }));
  body.push(text(X0, y + 130, truncate(v.service, 34), { size: 19, fill: '#334155' }));
  const cx = X1 - 92;
  const cy = y + 78;
  body.push(
    `<g transform="rotate(-9 ${cx} ${cy})" opacity="0.92">`,
    `<rect x="${cx - 88}" y="${cy - 36}" width="176" height="72" rx="12" fill="${STAMP}" fill-opacity="0.07" stroke="${STAMP}" stroke-width="4"/>`,
    `<rect x="${cx - 80}" y="${cy - 28}" width="160" height="56" rx="8" fill="none" stroke="${STAMP}" stroke-width="1.5"/>`,
    text(cx, cy + 12, w.paidStamp, { size: 32, bold: true, fill: STAMP, anchor: 'middle', spacing: 4 }),
    '</g>',
  );
  y += 160;
  body.push(dashed(y));
  y += 14;

  // Label / value rows (amount and service are already shown large above).
  const rows = v.rows.filter((r) => r.key !== 'amount' && r.key !== 'service');
  rows.forEach((row, i) => {
    const label = truncate(row.label, 30);
    const mono = row.key === 'reference';
    const valueSize = 18;
    const avail = CONTENT_W - textWidth(label, 17) - 24;
    const fits = textWidth(row.value, valueSize, true) <= avail;
    const valueLines = fits ? [row.value] : wrap(row.value, Math.floor(CONTENT_W / (valueSize * 0.68)));
    const first = y + 30;
    body.push(text(X0, first, label, { size: 17, fill: MUTED }));
    const valueTop = fits ? first : first + 27;
    valueLines.forEach((line, j) => {
      body.push(
        text(X1, valueTop + j * 25, line, {
          size: valueSize,
          bold: true,
          anchor: 'end',
          ...(mono ? { family: MONO, spacing: 1 } : {}),
        }),
      );
    });
    y = valueTop + (valueLines.length - 1) * 25 + 14;
    if (i < rows.length - 1) {
      body.push(`<line x1="${X0}" y1="${y}" x2="${X1}" y2="${y}" stroke="#eef2f6" stroke-width="1"/>`);
    }
  });

  // Woyofal tokens: large, monospace, numbered when they must be typed in order.
  if (v.tokens.length > 0) {
    const many = v.tokens.length > 1;
    y += 22;
    body.push(
      text(X0, y + 18, (many ? w.tokenMany : w.tokenOne).toUpperCase(), {
        size: 15,
        bold: true,
        fill: GREEN,
        spacing: 1.5,
      }),
    );
    y += 32;
    const lineH = 50;
    const boxH = v.tokens.length * lineH + 26;
    body.push(
      `<rect x="${X0}" y="${y}" width="${CONTENT_W}" height="${boxH}" rx="12" fill="#f0fdf4" stroke="#86efac" stroke-width="1.5"/>`,
    );
    v.tokens.forEach((t, i) => {
      const baseline = y + 13 + (i + 1) * lineH - 16;
      if (many) {
        body.push(
          `<circle cx="${X0 + 36}" cy="${baseline - 10}" r="15" fill="${GREEN}"/>`,
          text(X0 + 36, baseline - 3, String(i + 1), {
            size: 17,
            bold: true,
            fill: '#ffffff',
            anchor: 'middle',
          }),
        );
      }
      body.push(
        text(many ? X0 + 68 + (CONTENT_W - 68) / 2 : X0 + CONTENT_W / 2, baseline, t, {
          size: 30,
          bold: true,
          family: MONO,
          anchor: 'middle',
          fill: INK,
        }),
      );
    });
    y += boxH;
    body.push(
      text(RECEIPT_WIDTH / 2, y + 28, many ? w.tokenHintMany : w.tokenHintOne, {
        size: 15,
        italic: true,
        fill: '#334155',
        anchor: 'middle',
      }),
    );
    y += 36;
  }

  // Footer.
  y += 20;
  body.push(dashed(y));
  body.push(
    text(RECEIPT_WIDTH / 2, y + 40, w.thanks, { size: 20, bold: true, fill: GREEN, anchor: 'middle' }),
  );
  body.push(text(RECEIPT_WIDTH / 2, y + 66, w.keep, { size: 14, fill: MUTED, anchor: 'middle' }));
  body.push(
    text(RECEIPT_WIDTH / 2, y + 90, `${truncate(v.merchant, 30)} · ${w.reference} ${v.reference}`, {
      size: 13,
      fill: '#94a3b8',
      anchor: 'middle',
    }),
  );
  const bottom = y + 110;
  const height = bottom + TOOTH_H + MARGIN;
  const card = cardPath(top, bottom);

  // The brand must not run into the reference column on the right.
  let brandSize = 28;
  while (brandSize > 20 && textWidth(v.merchant, brandSize, true) > 320) brandSize -= 2;
  const merchant = truncate(v.merchant, Math.floor(320 / (brandSize * 0.68)));
  const header = [
    `<rect x="${CARD_L}" y="${top}" width="${CARD_R - CARD_L}" height="${HEADER_H}" fill="url(#hdr)" clip-path="url(#card)"/>`,
    `<circle cx="${X0 + 26}" cy="${top + 60}" r="26" fill="#ffffff"/>`,
    text(X0 + 26, top + 68, initials(v.merchant), { size: 21, bold: true, fill: GREEN, anchor: 'middle' }),
    text(X0 + 66, top + 58, merchant, { size: brandSize, bold: true, fill: '#ffffff' }),
    text(X0 + 66, top + 88, v.words.title, { size: 17, fill: '#d1fae5' }),
    text(X1, top + 52, v.words.reference.toUpperCase(), {
      size: 12,
      fill: '#bbf7d0',
      anchor: 'end',
      spacing: 1,
    }),
    text(X1, top + 76, v.reference, { size: 18, bold: true, fill: '#ffffff', anchor: 'end', family: MONO }),
    text(X1, top + 98, v.date, { size: 13, fill: '#d1fae5', anchor: 'end' }),
  ];

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${RECEIPT_WIDTH}" height="${height}" viewBox="0 0 ${RECEIPT_WIDTH} ${height}">`,
    '<defs>',
    `<linearGradient id="hdr" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${GREEN}"/><stop offset="1" stop-color="#14906a"/></linearGradient>`,
    `<clipPath id="card"><path d="${card}"/></clipPath>`,
    '<filter id="shadow" x="-10%" y="-10%" width="120%" height="120%"><feGaussianBlur stdDeviation="7"/></filter>',
    '</defs>',
    `<rect width="${RECEIPT_WIDTH}" height="${height}" fill="#e9efed"/>`,
    `<path d="${card}" transform="translate(0 5)" fill="#0f172a" fill-opacity="0.13" filter="url(#shadow)"/>`,
    `<path d="${card}" fill="#ffffff"/>`,
    ...header,
    ...body,
    '</svg>',
  ].join('\n');
}

/** The receipt as a PNG image (~720 px wide), ready to send as a WhatsApp image. */
export async function renderReceiptPng(order: Order, lang: Lang, opts: ReceiptOptions = {}): Promise<Buffer> {
  return renderViewPng(buildReceiptView(order, lang, opts));
}

/** Draws a receipt already decided (buildReceiptView) as a PNG. */
export async function renderViewPng(view: ReceiptView): Promise<Buffer> {
  const svg = receiptSvg(view);
  // Loaded on the first receipt only: sharp (libvips) costs tens of MB a process may never need.
  const { default: sharp } = await import('sharp');
  return sharp(Buffer.from(svg, 'utf8'), { density: 72 }).png({ compressionLevel: 9 }).toBuffer();
}
