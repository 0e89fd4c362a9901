import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { buildReceiptView } from '../../src/receipts/view.js';
import { escapeXml, RECEIPT_WIDTH, receiptSvg, renderReceiptPng } from '../../src/receipts/image.js';
import { makeOrder, makeSenelecOrder, makeWoyofalOrder, TOKEN_A, TOKENS_3 } from '../helpers/orders.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function pixel(png: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data } = await sharp(png)
    .extract({ left: x, top: y, width: 1, height: 1 })
    .removeAlpha()
    .raw()
    .toBuffer({
      resolveWithObject: true,
    });
  return [data[0]!, data[1]!, data[2]!];
}

describe('renderReceiptPng', () => {
  it('produces a real PNG about 720 px wide', async () => {
    const png = await renderReceiptPng(makeOrder(), 'fr');
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(RECEIPT_WIDTH);
    expect(meta.height).toBeGreaterThan(600);
    expect(meta.height).toBeLessThan(1600);
  });

  it('draws a green brand header on a white card', async () => {
    const png = await renderReceiptPng(makeOrder(), 'en');
    const [r, g, b] = await pixel(png, 360, 40); // header band
    expect(g).toBeGreaterThan(r + 40);
    expect(g).toBeGreaterThan(b);
    const card = await pixel(png, 40, 300); // card body, left padding
    expect(card).toEqual([255, 255, 255]);
  });

  it('grows in height with the tokens: none < one < three', async () => {
    const heights = await Promise.all(
      [makeOrder(), makeWoyofalOrder([TOKEN_A]), makeWoyofalOrder(TOKENS_3)].map(async (o) => {
        const meta = await sharp(await renderReceiptPng(o, 'fr')).metadata();
        return meta.height!;
      }),
    );
    expect(heights[1]).toBeGreaterThan(heights[0]!);
    expect(heights[2]! - heights[1]!).toBeGreaterThanOrEqual(90); // two more token lines
  });

  it('renders text with < & > and quotes without breaking', async () => {
    const order = makeSenelecOrder({
      billInfo: [{ label: 'Nom <client>', value: 'Diop & Fils <SARL> "Dakar" l\'agence \u0007' }],
    });
    const png = await renderReceiptPng(order, 'fr', { merchantName: 'A&B <Shop>' });
    expect((await sharp(png).metadata()).width).toBe(RECEIPT_WIDTH);
  });
});

describe('receiptSvg', () => {
  it('escapes every customer and provider text', () => {
    const order = makeSenelecOrder({ billInfo: [{ label: 'Nom <x>', value: 'Diop & Fils <SARL>' }] });
    const svg = receiptSvg(buildReceiptView(order, 'fr', { merchantName: 'A&B' }));
    expect(svg).toContain('Diop &amp; Fils &lt;SARL&gt;');
    expect(svg).toContain('Nom &lt;x&gt;');
    expect(svg).toContain('A&amp;B');
    expect(svg).not.toContain('<SARL>');
    expect(svg).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
  });

  it('an unescaped text really would break the renderer (so the escaping matters)', async () => {
    const broken =
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>Diop & <Fils></text></svg>';
    await expect(sharp(Buffer.from(broken)).png().toBuffer()).rejects.toThrow();
  });

  it('shows the tokens grouped, numbered in order, the stamp and the reference', () => {
    const svg = receiptSvg(buildReceiptView(makeWoyofalOrder(TOKENS_3), 'en'));
    const positions = [
      '1111 2222 3333 4444 5555',
      '6666 7777 8888 9999 0000',
      '1212 1212 3434 3434 5656',
    ].map((t) => svg.indexOf(`>${t}</text>`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(svg).toContain('>PAID</text>');
    expect(svg).toContain('>XB7K2M9Q</text>');
    expect(svg).toContain('in this order');
  });

  it('localizes the stamp', () => {
    expect(receiptSvg(buildReceiptView(makeOrder(), 'fr'))).toContain('>PAYÉ</text>');
  });
});

describe('escapeXml', () => {
  it('escapes markup characters and drops characters XML forbids', () => {
    expect(escapeXml(`<a href="x">&'\u0000\u001f`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  });
});
