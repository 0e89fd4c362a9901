// `npm run chat -- [--url http://localhost:3000] [--from +221771234567]`: the sandbox chat in a terminal.
// Talks to a running `npm start` over the sandbox HTTP API; later messages (payment link, receipt)
// arrive through the server-sent event stream.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.CHAT_URL ?? 'http://localhost:3000' },
    from: { type: 'string', default: '+221771234567' },
  },
});
const base = values.url.replace(/\/$/, '');

const bold = (s: string) => s.replace(/\*([^*\n]+)\*/g, '\x1b[1m$1\x1b[22m');
const color = process.stdout.isTTY;

function show(entry: { direction: string; text: string; via: string; media?: { url: string } }) {
  if (entry.direction !== 'out') return;
  const tag = entry.via === 'receipt' ? '[reçu] ' : '';
  const media = entry.media ? `\n  🖼  ${base}${entry.media.url}` : '';
  const text = `${tag}${entry.text}${media}`;
  process.stdout.write(`\n${color ? `\x1b[32mbot\x1b[0m ${bold(text)}` : `bot ${text}`}\n`);
}

async function follow(phone: string, signal: AbortSignal) {
  const res = await fetch(`${base}/sandbox/events?phone=${encodeURIComponent(phone)}`, { signal });
  if (!res.ok || !res.body) throw new Error(`cannot follow the chat: HTTP ${res.status}`);
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of res.body) {
    buf += decoder.decode(chunk as Uint8Array, { stream: true });
    let i = buf.indexOf('\n\n');
    while (i >= 0) {
      const event = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const data = event
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      if (data) show(JSON.parse(data));
      i = buf.indexOf('\n\n');
    }
  }
}

async function main() {
  const check = await fetch(`${base}/sandbox/messages?phone=${encodeURIComponent(values.from)}`).catch(
    () => null,
  );
  if (!check?.ok) {
    console.error(`No sandbox at ${base} (start it with \`npm start\`) or bad --from number.`);
    process.exit(1);
  }
  const { phone } = (await check.json()) as { phone: string };
  console.log(`Chatting as ${phone} with ${base}. Type a message (Ctrl+C to quit).`);
  const ac = new AbortController();
  follow(phone, ac.signal).catch((err) => {
    if (!ac.signal.aborted) console.error(String(err));
  });
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  rl.on('close', () => {
    ac.abort();
    process.exit(0);
  });
  for (;;) {
    const text = (await rl.question('> ')).trim();
    if (!text) continue;
    // Replies come back through the event stream, so the POST's own answer is not printed twice.
    const res = await fetch(`${base}/sandbox/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: phone, text }),
    });
    if (!res.ok) console.error(`error: ${(await res.json().catch(() => ({}))).message ?? res.status}`);
  }
}

await main();
