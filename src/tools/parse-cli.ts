// `npm run --silent parse`: one message per stdin line -> one JSON object per stdout line, with exactly
// the measured keys in this order. Used to measure the parser's accuracy.
import { createInterface } from 'node:readline';
import { parseRules } from '../parser/rules.js';
import type { ParseResult } from '../parser/types.js';

export function toMeasuredShape(text: string, r: ParseResult) {
  return {
    text,
    intent: r.intent,
    codeService: r.codeService ?? null,
    amount: r.amount ?? null,
    recipient: r.recipient ?? null,
    account: r.account ?? null,
    language: r.language ?? null,
  };
}

async function main(): Promise<void> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const raw of rl) {
    const text = raw.replace(/\r$/, '');
    let line: string;
    try {
      line = JSON.stringify(toMeasuredShape(text, parseRules(text)));
    } catch {
      line = JSON.stringify({
        text,
        intent: 'unknown',
        codeService: null,
        amount: null,
        recipient: null,
        account: null,
        language: null,
      });
    }
    // Respect back-pressure so a large piped input is printed completely.
    if (!process.stdout.write(`${line}\n`)) await new Promise((r) => process.stdout.once('drain', r));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`parse: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
