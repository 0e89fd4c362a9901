import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostFingerprint, main, parseHost, spkiFingerprint } from '../../src/tools/fingerprint.js';

let dir: string;
let certPath: string;
let expected: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fp-'));
  certPath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
    ],
    { stdio: 'ignore' },
  );
  // The pipeline Intech documents, run as-is.
  expected = execFileSync('bash', [
    '-c',
    `openssl x509 -pubkey -noout -in "${certPath}" | openssl rsa -pubin -outform der 2>/dev/null | openssl dgst -sha256 -binary | openssl enc -base64`,
  ])
    .toString()
    .trim();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('fingerprint', () => {
  it('matches the openssl pipeline for a certificate file', () => {
    expect(expected).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(spkiFingerprint(readFileSync(certPath))).toBe(expected);
  });

  it('the CLI prints it for --cert', async () => {
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => {
      out.push(String(s));
      return true;
    }) as typeof process.stdout.write;
    try {
      expect(await main(['--cert', certPath])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(out.join('').trim()).toBe(expected);
  });

  it('reads the certificate of a live TLS server for --host', async () => {
    const server: Server = createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(certPath) },
      (s) => s.end(),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      expect(await hostFingerprint('127.0.0.1', port)).toBe(expected);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('parses host[:port] and rejects missing arguments', async () => {
    expect(parseHost('api.example.sn')).toEqual({ host: 'api.example.sn', port: 443 });
    expect(parseHost('localhost:8443')).toEqual({ host: 'localhost', port: 8443 });
    const err = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(await main([])).toBe(2);
    } finally {
      process.stderr.write = err;
    }
  });
});
