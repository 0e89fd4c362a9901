// Issue #13 finding 6: one 65 536-character WhatsApp message held the event loop for seconds. Every
// message, whatever its shape, is parsed within a small budget; inbound text is capped before parsing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findNumbers } from '../../src/parser/numbers.js';
import { capInput, MAX_INPUT_CHARS, normalizeText, tokenize } from '../../src/parser/normalize.js';
import { parseRules } from '../../src/parser/rules.js';

/** WhatsApp's own limit on one text message. */
const WHATSAPP_MAX = 65_536;
/** Per message, on a shared 2-core machine (a typical 65 536-character message takes ~2 ms). */
const BUDGET_MS = 50;

/** The best of three runs: the budget is about the algorithm, not a garbage-collector pause. */
function timed<T>(f: () => T): [T, number] {
  let best = Number.POSITIVE_INFINITY;
  let out!: T;
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    out = f();
    best = Math.min(best, performance.now() - t);
  }
  return [out, best];
}

/** A fragment repeated up to WhatsApp's limit. */
const repeated = (fragments: string[]) =>
  fc
    .tuple(fc.constantFrom(...fragments), fc.integer({ min: 1_000, max: WHATSAPP_MAX }))
    .map(([f, len]) => f.repeat(Math.ceil(len / f.length)).slice(0, len));

const ADVERSARIAL = [
  'a',
  '1',
  '1 ',
  '1.',
  '1,',
  '1-',
  '-1',
  '+',
  '+221 ',
  '(221)',
  '00',
  '77 123 45 67 ',
  '1 000 ',
  '1000,50 ',
  '-500 ',
  '5k ',
  'a-',
  "a'",
  'a1',
  '1a',
  'sal',
  'salaa',
  'asalaa maalekum ',
  'credit ',
  'recharge a ',
  'pour ',
  'deux ',
  'deux mille ',
  'mille ',
  'et ',
  'junni ak ',
  'woyo ',
  'woyofal compteur ',
  'senelec ',
  'oui non ',
  'historique ',
  '?',
  '😀',
  '👍',
  '2️⃣',
  'ñ',
  'é',
  'e\u0301',
  'سلام ',
  '你好',
  'Привет ',
  '\u00a0',
  '\n',
  ' ',
];

const anyText = fc.oneof(
  fc.string({ maxLength: WHATSAPP_MAX, unit: 'binary' }),
  fc.string({ minLength: 30_000, maxLength: WHATSAPP_MAX, unit: 'grapheme' }),
  repeated(ADVERSARIAL),
  // Mixed: a realistic order drowned in adversarial runs.
  fc
    .tuple(repeated(ADVERSARIAL), repeated(ADVERSARIAL))
    .map(([a, b]) => `${a.slice(0, 30_000)} crédit 1000 au 77 123 45 67 ${b.slice(0, 30_000)}`),
);

describe('bounded input: the rules parser on anything up to 65 536 characters', () => {
  it('parses every message within the budget, deterministically, without throwing', () => {
    // Warm the JIT, so the first samples are not charged for compilation.
    for (const f of ADVERSARIAL) parseRules(f.repeat(200));
    let slowest = 0;
    fc.assert(
      fc.property(anyText, (text) => {
        const [r, ms] = timed(() => parseRules(text));
        slowest = Math.max(slowest, ms);
        expect(ms, `${text.length} chars starting ${JSON.stringify(text.slice(0, 20))}`).toBeLessThan(
          BUDGET_MS,
        );
        expect(parseRules(text)).toEqual(r);
        expect(r.confidence).toBeGreaterThanOrEqual(0);
        expect(r.confidence).toBeLessThanOrEqual(1);
        expect(r.amount === null || (Number.isInteger(r.amount) && r.amount > 0)).toBe(true);
      }),
      { numRuns: 120 },
    );
    expect(slowest).toBeLessThan(BUDGET_MS);
  });

  it('reads every character of a long message in linear time (normalising and tokenising)', () => {
    for (const f of ADVERSARIAL) tokenize(normalizeText(f.repeat(200)), Number.POSITIVE_INFINITY);
    // No token limit here: the regexes run over the whole text ('a'×65 536 took 3.9 s with the old
    // quadratic code pattern, '1'×65 536 4.6 s).
    for (const unit of ['a', '1', `sal${'a'.repeat(50)}`, '1 ', 'a-', '😀', 'ab12']) {
      const big = unit.repeat(Math.ceil(WHATSAPP_MAX / unit.length));
      const [, ms] = timed(() => tokenize(normalizeText(big), Number.POSITIVE_INFINITY));
      expect(ms, unit).toBeLessThan(BUDGET_MS);
    }
    const [, ms] = timed(() => parseRules(`sal${'a'.repeat(WHATSAPP_MAX - 4)}b`));
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('finds the numbers of a long message within the budget too (the LLM merge reads them)', () => {
    for (const f of ADVERSARIAL) findNumbers(f.repeat(200));
    for (const unit of ['1 ', '77 123 45 67 ', '1 000 ', 'deux mille ', 'a1 ']) {
      const big = unit.repeat(Math.ceil(WHATSAPP_MAX / unit.length));
      const [, ms] = timed(() => findNumbers(big));
      expect(ms, unit).toBeLessThan(BUDGET_MS);
    }
  });

  it('still reads an order at the start of an oversized message', () => {
    const r = parseRules(`crédit 1000 au 77 123 45 67 ${'bla '.repeat(16_000)}`);
    expect(r).toMatchObject({ intent: 'airtime', amount: 1000, recipient: '+221771234567' });
  });
});

describe('capInput', () => {
  it('leaves a message within the limit untouched', () => {
    expect(capInput('crédit 1000 au 77 123 45 67')).toEqual({
      text: 'crédit 1000 au 77 123 45 67',
      truncated: false,
    });
    const exact = 'a'.repeat(MAX_INPUT_CHARS);
    expect(capInput(exact)).toEqual({ text: exact, truncated: false });
  });

  it('cuts a longer message at a blank, so no number is cut in half', () => {
    const text = `${'bla '.repeat(MAX_INPUT_CHARS / 4 - 3)}credit 1000 au 77 123 45 67`;
    const out = capInput(text);
    expect(out.truncated).toBe(true);
    expect(out.text.length).toBeLessThanOrEqual(MAX_INPUT_CHARS);
    // The phone number straddled the limit: it is dropped whole, never read as "77 1".
    expect(text.startsWith(out.text)).toBe(true);
    expect(parseRules(out.text).recipient).toBeNull();
    expect(findNumbers(out.text).phones).toEqual([]);
  });

  it('never splits an emoji (surrogate pair) when there is no blank to cut at', () => {
    const out = capInput('😀'.repeat(MAX_INPUT_CHARS));
    expect(out.truncated).toBe(true);
    expect(out.text.length).toBeLessThanOrEqual(MAX_INPUT_CHARS);
    expect(out.text).toBe('😀'.repeat(out.text.length / 2));
  });

  it('is pure and bounded for any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3 * MAX_INPUT_CHARS, unit: 'grapheme' }), (text) => {
        const out = capInput(text);
        expect(out.text.length).toBeLessThanOrEqual(MAX_INPUT_CHARS);
        expect(out.truncated).toBe(text.length > MAX_INPUT_CHARS);
        expect(text.startsWith(out.text)).toBe(true);
        expect(capInput(text)).toEqual(out);
        // No lone high surrogate at the cut.
        const last = out.text.charCodeAt(out.text.length - 1);
        if (out.truncated && out.text.length > 0) expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
