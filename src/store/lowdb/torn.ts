// A crash mid-append leaves a partial last line. It is cut off so the next append starts clean, but only
// after its bytes are copied next to the file (<file>.torn-<ms>), so nothing is removed without a trace.
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from '../../logger.js';
import { fsyncDir, writeFileDurable } from './durable-file.js';

export async function cutTornTail(
  file: string,
  fh: FileHandle,
  writeFh: FileHandle,
  good: number,
  size: number,
  logger: Logger,
): Promise<string> {
  const buf = Buffer.alloc(size - good);
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, good + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  const aside = `${file}.torn-${Date.now()}`;
  await writeFileDurable(aside, buf.subarray(0, done));
  await writeFh.truncate(good);
  await writeFh.sync();
  await fsyncDir(dirname(file));
  logger.warn(
    { file: basename(file), keptAs: basename(aside), bytes: done },
    'store: torn last line of an append log (crash mid-append) set aside and cut',
  );
  return aside;
}
