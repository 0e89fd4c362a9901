// Persistent seen-set of WhatsApp message ids: redeliveries (retries, reconnects, offline
// append after notify) reach the bot once.
import { jidNormalizedUser } from '@whiskeysockets/baileys';
import type { DedupeRepo } from '../../store/types.js';

export const DEFAULT_DEDUPE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface MessageDedupe {
  /** true the first time this (chat, id) is seen. Call only for messages that had content. */
  firstSeen(remoteJid: string, id: string): Promise<boolean>;
}

export function dedupeKey(remoteJid: string, id: string): string {
  return `wa:${jidNormalizedUser(remoteJid) || remoteJid}:${id}`;
}

export function createMessageDedupe(
  repo: DedupeRepo,
  now: () => number = Date.now,
  ttlMs = DEFAULT_DEDUPE_TTL_MS,
): MessageDedupe {
  return {
    firstSeen: (remoteJid, id) => repo.firstSeen(dedupeKey(remoteJid, id), now(), ttlMs),
  };
}
