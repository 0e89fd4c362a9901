// CRC-32 of what the store wrote, so a file it reads back can be trusted without re-validating every row
// (open time at 100 000 customers). Node < 20.15 has no zlib.crc32: the store then always validates.
import * as zlib from 'node:zlib';

export type Crc32 = (data: Uint8Array | string, value?: number) => number;

export const crc32: Crc32 | undefined =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? zlib.crc32 : undefined;
