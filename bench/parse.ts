// `npm run bench:parse`: rule-parser throughput (messages per second) and the share of a sample that
// would reach the LLM (confidence < 0.6). The sample is bench/parse-sample.txt (one message a line).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRules } from '../src/parser/rules.js';

const LLM_THRESHOLD = 0.6;
const here = dirname(fileURLToPath(import.meta.url));
const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? join(here, 'parse-sample.txt');
const sample = readFileSync(file, 'utf8')
  .split(/\r?\n/)
  .filter((l) => l.trim() !== '');

// Share that would reach the LLM, and which intents the sample lands on.
const low: string[] = [];
const intents = new Map<string, number>();
for (const text of sample) {
  const r = parseRules(text);
  if (r.confidence < LLM_THRESHOLD) low.push(text);
  intents.set(r.intent, (intents.get(r.intent) ?? 0) + 1);
}

// Warm up, then time whole passes over the sample for about two seconds.
for (let i = 0; i < 3; i++) for (const t of sample) parseRules(t);
const budgetMs = Number(process.env.BENCH_MS ?? 2000);
let n = 0;
const start = process.hrtime.bigint();
let elapsedMs = 0;
while (elapsedMs < budgetMs) {
  // Vary the text a little so caches do not hide the real cost.
  const salt = n % 97;
  for (const t of sample) parseRules(salt ? `${t} ` : t);
  n += sample.length;
  elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
}

const perSec = Math.round((n / elapsedMs) * 1000);
const pct = ((low.length / sample.length) * 100).toFixed(1);
console.log(
  `rule parser: ${perSec.toLocaleString('en-US')} messages/s (${n} messages in ${Math.round(elapsedMs)} ms)`,
);
console.log(`sample: ${sample.length} messages from ${file}`);
console.log(`would reach the LLM (confidence < ${LLM_THRESHOLD}): ${low.length}/${sample.length} = ${pct}%`);
console.log(
  `intents: ${[...intents.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);
if (process.argv.includes('--list')) for (const t of low) console.log(`  low: ${t}`);
