import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function runCli(input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'parse'], {
      cwd: process.cwd(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('npm run --silent parse', () => {
  it('prints one JSON object per line with exactly the measured keys, in order', async () => {
    const lines = [
      'kredi 2000 pour 78 000 11 22',
      'please top up 500 on +225 05 44 33 22 11',
      'recharge woyofal 2500 compteur 141 2345 6789',
      'facture senelec',
      'waaw',
      'je veux arrêter les messages',
      '',
      'texte avec "guillemets" et \\ barre',
    ];
    const { code, stdout } = await runCli(`${lines.join('\n')}\r\n`);
    expect(code).toBe(0);
    const out = stdout.trimEnd().split('\n');
    expect(out).toHaveLength(lines.length);
    const parsed = out.map((l) => JSON.parse(l));
    for (const [i, obj] of parsed.entries()) {
      expect(Object.keys(obj)).toEqual([
        'text',
        'intent',
        'codeService',
        'amount',
        'recipient',
        'account',
        'language',
      ]);
      expect(obj.text).toBe(lines[i]);
    }
    expect(parsed[0]).toEqual({
      text: lines[0],
      intent: 'airtime',
      codeService: 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE',
      amount: 2000,
      recipient: '+221780001122',
      account: null,
      language: 'fr',
    });
    expect(parsed[1]).toMatchObject({
      codeService: 'MTN_CI_AIRTIME_CREDIT_TELEPHONIQUE',
      amount: 500,
      language: 'en',
    });
    expect(parsed[2]).toMatchObject({
      intent: 'bill',
      codeService: 'WOYOFAL_SN_BILL_RELOAD',
      account: '14123456789',
    });
    expect(parsed[3]).toMatchObject({
      intent: 'bill',
      codeService: 'SENELEC_SN_BILL_PAY',
      amount: null,
      account: null,
    });
    expect(parsed[4]).toMatchObject({ intent: 'yes', language: 'wo' });
    expect(parsed[5]).toMatchObject({ intent: 'stop' });
    expect(parsed[6]).toMatchObject({ intent: 'unknown', language: null });
  });

  it('prints every line of a large piped input', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `credit ${100 + i} au 77 123 45 67`);
    const { code, stdout } = await runCli(lines.join('\n'));
    expect(code).toBe(0);
    const out = stdout.trimEnd().split('\n');
    expect(out).toHaveLength(3000);
    expect(JSON.parse(out[2999]!).amount).toBe(3099);
  });
});
