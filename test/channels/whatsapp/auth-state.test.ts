import { Curve, initAuthCreds, proto } from '@whiskeysockets/baileys';
import { describe, expect, it, vi } from 'vitest';
import { useKvAuthState } from '../../../src/channels/whatsapp/auth-state.js';
import { createMemoryStore } from '../../../src/store/memory.js';

describe('useKvAuthState', () => {
  it('round-trips creds and every key type, Buffers intact, across a new instance', async () => {
    const { kv } = createMemoryStore();
    const first = await useKvAuthState(kv);
    expect(first.state.creds.registered).toBe(false);
    first.state.creds.registered = true;
    first.state.creds.me = { id: '221770000000:5@s.whatsapp.net', name: 'Xaalis' };
    await first.saveCreds();

    const preKey = Curve.generateKeyPair();
    const session = Buffer.from('session-bytes');
    const token = Buffer.from([1, 2, 3, 250]);
    await first.state.keys.set({
      'pre-key': { '7': preKey },
      session: { '221771234567.0': session },
      'lid-mapping': { '221771234567': '123456789012345', '123456789012345_reverse': '221771234567' },
      'device-list': { '221771234567': ['0', '3'] },
      tctoken: { '221771234567@s.whatsapp.net': { token, timestamp: '1732880000' } },
      'app-state-sync-key': { AAAA: { keyData: new Uint8Array([9, 8, 7]), timestamp: 5 } },
    });

    const second = await useKvAuthState(kv);
    const c = second.state.creds;
    expect(c.registered).toBe(true);
    expect(c.me?.id).toBe('221770000000:5@s.whatsapp.net');
    expect(Buffer.isBuffer(c.noiseKey.private)).toBe(true);
    expect(Buffer.from(c.noiseKey.private).equals(Buffer.from(first.state.creds.noiseKey.private))).toBe(
      true,
    );
    expect(c.signedIdentityKey.public).toEqual(first.state.creds.signedIdentityKey.public);

    const keys = second.state.keys;
    const pk = await keys.get('pre-key', ['7', '8']);
    expect(Object.keys(pk)).toEqual(['7']);
    expect(Buffer.from(pk['7']!.private).equals(Buffer.from(preKey.private))).toBe(true);
    const sessions = await keys.get('session', ['221771234567.0']);
    expect(Buffer.isBuffer(sessions['221771234567.0'])).toBe(true);
    expect(Buffer.from(sessions['221771234567.0']!).toString()).toBe('session-bytes');
    expect(await keys.get('lid-mapping', ['123456789012345_reverse'])).toEqual({
      '123456789012345_reverse': '221771234567',
    });
    expect(await keys.get('device-list', ['221771234567'])).toEqual({ '221771234567': ['0', '3'] });
    const tc = await keys.get('tctoken', ['221771234567@s.whatsapp.net']);
    expect(Buffer.isBuffer(tc['221771234567@s.whatsapp.net']?.token)).toBe(true);
    expect(tc['221771234567@s.whatsapp.net']?.token.equals(token)).toBe(true);
    const sync = await keys.get('app-state-sync-key', ['AAAA']);
    expect(sync.AAAA).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Array.from(sync.AAAA!.keyData!)).toEqual([9, 8, 7]);
  });

  it('persists each keys.set as one atomic setMany, deletes on null, in call order', async () => {
    const { kv } = createMemoryStore();
    const setMany = vi.spyOn(kv, 'setMany');
    const auth = await useKvAuthState(kv, 'ns1');
    await auth.state.keys.set({
      session: { a: Buffer.from('a'), b: Buffer.from('b') },
      'sender-key': { g: Buffer.from('g') },
    });
    expect(setMany).toHaveBeenCalledTimes(1);
    expect(Object.keys(setMany.mock.calls[0]![1]).sort()).toEqual(['sender-key:g', 'session:a', 'session:b']);

    // Not awaited in between: the later write must win.
    const p1 = auth.state.keys.set({ session: { a: Buffer.from('a2') } });
    const p2 = auth.state.keys.set({ session: { a: null, b: Buffer.from('b3') } });
    await Promise.all([p1, p2]);
    const got = await auth.state.keys.get('session', ['a', 'b']);
    expect(got.a).toBeUndefined();
    expect(Buffer.from(got.b!).toString()).toBe('b3');
  });

  it('surfaces a failed write instead of pretending it was saved', async () => {
    const { kv } = createMemoryStore();
    const auth = await useKvAuthState(kv);
    vi.spyOn(kv, 'setMany').mockRejectedValueOnce(new Error('disk full'));
    await expect(auth.state.keys.set({ session: { a: Buffer.from('a') } })).rejects.toThrow('disk full');
    // The chain is not poisoned: the next write goes through.
    await auth.state.keys.set({ session: { a: Buffer.from('ok') } });
    expect(Buffer.from((await auth.state.keys.get('session', ['a'])).a!).toString()).toBe('ok');
  });

  it('clear() forgets the session: empty namespace and fresh, unregistered creds', async () => {
    const { kv } = createMemoryStore();
    await kv.set('other', 'keep', 1);
    const auth = await useKvAuthState(kv);
    auth.state.creds.registered = true;
    auth.state.creds.me = { id: '221770000000:5@s.whatsapp.net' };
    const oldNoise = Buffer.from(auth.state.creds.noiseKey.public);
    await auth.saveCreds();
    await auth.state.keys.set({ session: { a: Buffer.from('a') } });

    await auth.clear();
    expect(await kv.list('wa-auth')).toEqual({});
    expect(await kv.get('other', 'keep')).toBe(1);
    expect(auth.state.creds.registered).toBe(false);
    expect(auth.state.creds.me).toBeUndefined();
    expect(Buffer.from(auth.state.creds.noiseKey.public).equals(oldNoise)).toBe(false);
    const again = await useKvAuthState(kv);
    expect(again.state.creds.registered).toBe(false);
    expect(Object.keys(initAuthCreds()).sort()).toEqual(Object.keys(again.state.creds).sort());
  });
});
