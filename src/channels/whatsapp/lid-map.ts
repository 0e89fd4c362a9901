// WhatsApp LID <-> phone number, persisted (store.kv 'lid-map'): Baileys' own mapping is a local cache
// that sometimes misses (#1830) and the channel's chat map lives in memory, so without this a person
// known by number yesterday would come back as a new "@lid" customer after a restart.
import { isLidUser, jidNormalizedUser } from '@whiskeysockets/baileys';
import type { Logger } from '../../logger.js';
import type { KvRepo } from '../../store/types.js';
import { phoneFromJid } from './jid.js';

export const LID_MAP_NS = 'lid-map';

export interface LidIdentities {
  /** E.164 number last seen for this LID JID, or null. */
  phoneFor(lidJid: string): Promise<string | null>;
  /** Phone-number JID for this LID (a ResolvePn fallback), or null. */
  pnJidFor(lidJid: string): Promise<string | null>;
  /**
   * The server told us this LID's number (remoteJidAlt, Baileys' mapping, lid-mapping.update). The
   * first time (or when the number changed) `onMapped` runs before the mapping is stored, so a failed
   * merge is tried again on the next message.
   */
  seen(lidJid: string, phone: string): Promise<void>;
}

const lidKey = (lid: string) => `lid:${lid}`;
const pnKey = (phone: string) => `pn:${phone}`;

export function normalizeLid(jid: string): string | null {
  const j = jidNormalizedUser(jid) || jid;
  return isLidUser(j) ? j : null;
}

export function createLidIdentities(deps: {
  kv: KvRepo;
  onMapped?: (lidJid: string, phone: string) => Promise<void>;
  logger: Logger;
}): LidIdentities {
  const { kv } = deps;
  const phoneFor = async (lidJid: string): Promise<string | null> => {
    const lid = normalizeLid(lidJid);
    if (!lid) return null;
    const v = await kv.get<string>(LID_MAP_NS, lidKey(lid));
    return typeof v === 'string' && /^\+\d{6,15}$/.test(v) ? v : null;
  };
  return {
    phoneFor,
    async pnJidFor(lidJid) {
      const phone = await phoneFor(lidJid);
      return phone ? `${phone.slice(1)}@s.whatsapp.net` : null;
    },
    async seen(lidJid, phone) {
      const lid = normalizeLid(lidJid);
      if (!lid || !/^\+\d{6,15}$/.test(phone)) return;
      if ((await phoneFor(lid)) === phone) return;
      await deps.onMapped?.(lid, phone);
      // Both directions in one atomic write: the phone's chat can be found again after a restart.
      await kv.setMany(LID_MAP_NS, { [lidKey(lid)]: phone, [pnKey(phone)]: lid });
      deps.logger.info('WhatsApp LID mapped to a phone number');
    },
  };
}

/** A LID-mapping event's phone side ("221…@s.whatsapp.net" or a bare number) as E.164, or null. */
export function phoneOfMapping(pn: string | undefined): string | null {
  if (!pn) return null;
  if (/^\d{6,15}$/.test(pn)) return `+${pn}`;
  return phoneFromJid(jidNormalizedUser(pn) || pn);
}
