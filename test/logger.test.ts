import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskPhone } from '../src/logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination }) };
}

describe('logger', () => {
  it('masks phone numbers in messages and objects', () => {
    const { lines, logger } = capture();
    logger.info({ customer: '+221771234567', nested: { to: '0707070707' } }, 'sent to 77 123 45 67');
    const out = lines.join('');
    expect(out).not.toContain('771234567');
    expect(out).not.toContain('0707070707');
    expect(out).not.toContain('77 123 45 67');
    expect(out).toContain('***4567');
  });

  it('never writes secrets', () => {
    const { lines, logger } = capture();
    logger.info(
      { body: { apiKey: 'SECRET-KEY-123', attachedMedia: 'AAAA' }, headers: { secretkey: 'SECRET-2' } },
      'request',
    );
    const out = lines.join('');
    expect(out).not.toContain('SECRET-KEY-123');
    expect(out).not.toContain('SECRET-2');
    expect(out).toContain('[secret]');
  });

  it('maskPhone keeps short numbers (amounts) readable', () => {
    expect(maskPhone('amount 5000')).toBe('amount 5000');
    expect(maskPhone('+2250544332211')).toBe('+225054***2211');
  });
});
