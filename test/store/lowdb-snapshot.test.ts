import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { crc32 } from '../../src/store/lowdb/checksum.js';
import { sumFileFor, writeSnapshot } from '../../src/store/lowdb/snapshot.js';

/** The snapshot format, whole: `{`, one `"key":row` per line, `}` (what loadTrusted reads back). */
function snapshotText(rows: Map<string, string>): string {
  const parts: string[] = [];
  for (const [k, v] of rows) parts.push(`${JSON.stringify(k)}:${v}`);
  return parts.length ? `{\n${parts.join(',\n')}\n}\n` : '{}\n';
}

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('lowdb snapshot files', () => {
  it.each([0, 1, 5_000])(
    'a table of %i rows is written in chunks with the same bytes and sum as the whole text',
    async (n) => {
      const dir = await mkdtemp(join(tmpdir(), 'xb-snap-'));
      dirs.push(dir);
      const rows = new Map<string, string>();
      // Rows past one chunk in total, with two-byte text (the menu's emoji) and a key that needs escaping.
      for (let i = 0; i < n; i++)
        rows.set(
          i === 0 ? 'quote"key' : `+22177${i}`,
          JSON.stringify({ i, text: `Bonjour 👋 ${'x'.repeat(80)}` }),
        );
      const file = join(dir, 'outbox.json');
      const bytes = await writeSnapshot(file, rows);
      const written = await readFile(file);
      const expected = Buffer.from(snapshotText(rows), 'utf8');
      expect(written.equals(expected)).toBe(true);
      expect(bytes).toBe(expected.length);
      expect(JSON.parse(written.toString('utf8'))).toEqual(
        Object.fromEntries([...rows].map(([k, v]) => [k, JSON.parse(v)])),
      );
      if (crc32)
        expect(JSON.parse(await readFile(sumFileFor(file), 'utf8'))).toEqual({
          format: 1,
          bytes: expected.length,
          crc32: crc32(expected),
        });
    },
  );
});
