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
    expect(out).toContain('***567');
    expect(out).not.toContain('4567');
  });

  it('shows at most the last 3 digits of a phone number, in every written form', () => {
    const forms = [
      '+221771230001',
      '221771230001',
      '00221771230001',
      '77 123 00 01',
      '77.123.00.01',
      '771230001',
      '+225 07 07 07 0001',
      '221771230001@s.whatsapp.net',
    ];
    for (const f of forms) {
      const masked = maskPhone(`to ${f} now`);
      const digits = masked.replace(/\D/g, '');
      expect(digits, `${f} -> ${masked}`).toBe('001');
    }
    const { lines, logger } = capture();
    logger.warn({ customerId: '+221771230001', chat: '221771230001@s.whatsapp.net' }, 'x +22177123 0001');
    const entry = JSON.parse(lines.join('')) as Record<string, string>;
    expect(entry.customerId).toBe('+***001');
    expect(entry.chat).toBe('***001@s.whatsapp.net');
    expect(entry.msg).toBe('x +***001');
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
    expect(maskPhone('+2250544332211')).toBe('+***211');
    expect(maskPhone('order XB7K2M9Q for 1000 XOF')).toBe('order XB7K2M9Q for 1000 XOF');
  });
});
