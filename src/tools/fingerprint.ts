// Prints the base64 SHA-256 of a certificate's public key (SPKI, DER): the value Intech pins for our
// callback server. Usage: npm run fingerprint -- --cert cert.pem | --host name[:port]
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { pathToFileURL } from 'node:url';

/** base64(SHA-256(DER SubjectPublicKeyInfo)) of a PEM or DER certificate. */
export function spkiFingerprint(cert: string | Buffer): string {
  const x509 = new X509Certificate(cert);
  const der = x509.publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

export function parseHost(value: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(value.trim());
  if (!m?.[1]) throw new Error(`bad host: ${value}`);
  return { host: m[1], port: m[2] ? Number(m[2]) : 443 };
}

/** Connects (without trusting the chain: we only read it) and fingerprints the peer certificate. */
export function hostFingerprint(host: string, port: number, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      servername: /^[\d.:]+$/.test(host) ? undefined : host,
      rejectUnauthorized: false,
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`timeout connecting to ${host}:${port}`)));
    socket.once('secureConnect', () => {
      const peer = socket.getPeerX509Certificate();
      socket.end();
      if (!peer) return reject(new Error('the server sent no certificate'));
      resolve(spkiFingerprint(peer.raw));
    });
    socket.once('error', reject);
  });
}

export async function main(argv: string[]): Promise<number> {
  const i = argv.findIndex((a) => a === '--cert' || a === '--host');
  const value = i >= 0 ? argv[i + 1] : undefined;
  if (i < 0 || !value) {
    process.stderr.write('usage: npm run fingerprint -- --cert cert.pem | --host name[:port]\n');
    return 2;
  }
  try {
    if (argv[i] === '--cert') {
      process.stdout.write(`${spkiFingerprint(readFileSync(value))}\n`);
    } else {
      const { host, port } = parseHost(value);
      process.stdout.write(`${await hostFingerprint(host, port)}\n`);
    }
    return 0;
  } catch (e) {
    process.stderr.write(`fingerprint: ${(e as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
