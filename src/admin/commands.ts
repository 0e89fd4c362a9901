// WhatsApp commands for admins (ADMIN_NUMBERS). Anyone else: handle() returns false without a word,
// so the customer gets the normal unknown-message reply and learns nothing about admin commands.
// An admin's message that is not a command also returns false: admins can use the bot like anyone.
import type { InboundMessage } from '../channels/channel.js';
import type { Catalog } from '../catalog/types.js';
import { formatXof, LANGS, type Lang } from '../i18n/lang.js';
import type { IntechApi } from '../intech/api.js';
import { type Logger, silentLogger } from '../logger.js';
import { type Outbox, text } from '../outbox/outbox.js';
import type { Order } from '../orders/types.js';
import { displayPhone, normalizePhone } from '../phone/phone.js';
import { updateCustomer } from '../store/cas.js';
import type { Broadcast, Store } from '../store/types.js';
import { countAudience, progressLine, textFor } from './broadcasts.js';
import type { BroadcastService } from './broadcasts.js';
import { describeDiff } from './catalog-diff.js';
import { ADMIN_NS, type CatalogSync } from './catalog-sync.js';
import { loadDayStats } from './stats.js';
import type { WhatsAppLink } from './whatsapp-link.js';

export interface AdminCommands {
  handle(msg: InboundMessage): Promise<boolean>;
  isAdmin(msg: Pick<InboundMessage, 'phone' | 'customerId'>): boolean;
}

export interface AdminCommandDeps {
  store: Store;
  catalog: Catalog;
  intech: Pick<IntechApi, 'getBalance'>;
  /** Command replies go through the durable outbox. */
  outbox: Outbox;
  adminNumbers: string[];
  broadcasts: BroadcastService;
  sync: CatalogSync;
  /** The WhatsApp channel's relink; absent with the sandbox channel. */
  whatsapp?: WhatsAppLink | undefined;
  now?: () => number;
  logger?: Logger;
}

const pendingKey = (admin: string) => `pendingBroadcast:${admin}`;

export const ADMIN_HELP = [
  '🛠️ *Commandes admin / admin commands*',
  '• *sync* — synchroniser le catalogue / sync catalog',
  '• *diff* — dernier changement du catalogue / last catalog diff',
  '• *solde* / *balance* — solde marchand',
  '• *stats* / *today* — chiffres du jour',
  '• *desactiver CODE* / *disable CODE* — masquer un service',
  '• *activer CODE* / *enable CODE* — le réactiver',
  '• *commande XB…* / *order XB…* — détail d’une commande',
  '• *pause +221…* — le bot se tait pour ce client (reprise humaine)',
  '• *reprendre +221…* / *resume +221…* — le bot reprend',
  '• *diffuser <texte>* / *broadcast <text>* — aperçu, puis *envoyer* / *send*',
  '   (lignes "en: …" / "wo: …" pour les autres langues; *diffuser annonce* = annonce du dernier sync)',
  '• *diffusion* / *progress* — avancement',
  '• *annuler diffusion* / *cancel broadcast*',
  '• *relink* / *relier* — relier WhatsApp à nouveau (nouveau QR code sur /admin)',
].join('\n');

/** Lower case, no accents, single spaces: "Désactiver  X" -> "desactiver x". */
function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** "Bonjour\nen: Hello\nwo: Salaam" -> { fr, en, wo }. */
export function parseBroadcastText(raw: string): Broadcast['text'] | null {
  const out: Record<Lang, string[]> = { fr: [], en: [], wo: [] };
  let cur: Lang = 'fr';
  for (const line of raw.split('\n')) {
    const m = /^\s*(fr|en|wo)\s*:\s?(.*)$/i.exec(line);
    if (m) {
      cur = m[1]!.toLowerCase() as Lang;
      out[cur].push(m[2]!);
    } else out[cur].push(line);
  }
  const text: Partial<Record<Lang, string>> = {};
  for (const l of LANGS) {
    const t = out[l].join('\n').trim();
    if (t) text[l] = t;
  }
  return text.fr ? (text as Broadcast['text']) : null;
}

export function orderSummary(o: Order): string {
  const who = o.recipient ? displayPhone(o.recipient) : (o.account ?? '');
  const ops = Object.values(o.operations)
    .map(
      (op) =>
        `  ${op.step}: ${op.status}${op.intechStatus ? ` (${op.intechStatus})` : ''}${op.transactionId ? ` ${op.transactionId}` : ''}`,
    )
    .join('\n');
  const events = o.events
    .slice(-5)
    .map(
      (e) => `  ${new Date(e.at).toISOString().slice(11, 19)} ${e.type}${e.detail ? ` — ${e.detail}` : ''}`,
    )
    .join('\n');
  return [
    `🧾 *${o.id}* — ${o.state}`,
    `${o.codeService} ${formatXof(o.amount)} → ${who}`,
    `Paiement: ${o.payment.codeService} (${displayPhone(o.payment.payer)})`,
    `Créée: ${new Date(o.createdAt).toISOString().replace('T', ' ').slice(0, 16)} UTC`,
    ops ? `Opérations:\n${ops}` : '',
    events ? `Événements:\n${events}` : '',
    o.claimRef ? `Réclamation: ${o.claimRef}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export type AdminCommand =
  | { kind: 'help' | 'sync' | 'diff' | 'balance' | 'stats' | 'send' | 'cancel' | 'progress' | 'relink' }
  | { kind: 'enable'; code: string; enabled: boolean }
  | { kind: 'order'; id: string }
  | { kind: 'pause'; phone: string; paused: boolean }
  | { kind: 'broadcast'; text: string; announcement: boolean };

const DEDUPE_TTL_MS = 24 * 3600_000;

const WORDS: Record<string, AdminCommand['kind']> = {
  aide: 'help',
  help: 'help',
  admin: 'help',
  sync: 'sync',
  synchro: 'sync',
  synchroniser: 'sync',
  diff: 'diff',
  solde: 'balance',
  balance: 'balance',
  stats: 'stats',
  today: 'stats',
  chiffres: 'stats',
  "aujourd'hui": 'stats',
  envoyer: 'send',
  send: 'send',
  'annuler diffusion': 'cancel',
  'cancel broadcast': 'cancel',
  diffusion: 'progress',
  diffusions: 'progress',
  progress: 'progress',
  broadcasts: 'progress',
  relink: 'relink',
  relier: 'relink',
  'relier whatsapp': 'relink',
};

/** Pure: what an admin's message asks for, or null when it is not an admin command. */
export function parseAdminCommand(raw: string): AdminCommand | null {
  const text = raw.trim();
  const f = fold(text);
  const word = WORDS[f];
  if (word) return { kind: word } as AdminCommand;
  const [head = '', ...rest] = f.split(' ');
  const sp = text.search(/\s/);
  const arg = sp >= 0 ? text.slice(sp).trim() : '';
  if (!arg) return null;
  if ((head === 'desactiver' || head === 'disable') && rest.length === 1)
    return { kind: 'enable', code: rest[0]!, enabled: false };
  if ((head === 'activer' || head === 'enable') && rest.length === 1)
    return { kind: 'enable', code: rest[0]!, enabled: true };
  if ((head === 'commande' || head === 'order') && rest.length === 1 && /^[a-z0-9]{4,20}$/.test(rest[0]!))
    return { kind: 'order', id: rest[0]!.toUpperCase() };
  if (head === 'pause') return { kind: 'pause', phone: arg, paused: true };
  if (head === 'reprendre' || head === 'resume') return { kind: 'pause', phone: arg, paused: false };
  if (head === 'diffuser' || head === 'broadcast') {
    const a = fold(arg);
    return { kind: 'broadcast', text: arg, announcement: a === 'annonce' || a === 'announcement' };
  }
  return null;
}

export function createAdminCommands(deps: AdminCommandDeps): AdminCommands {
  const { store, catalog, outbox } = deps;
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? silentLogger;
  const admins = new Set(deps.adminNumbers);

  const isAdmin = (m: Pick<InboundMessage, 'phone' | 'customerId'>) =>
    (m.phone !== null && admins.has(m.phone)) || admins.has(m.customerId);

  function findCode(word: string): { code?: string; candidates: string[] } {
    const w = word.trim().toUpperCase();
    const all = catalog.all().map((e) => e.codeService);
    if (all.includes(w)) return { code: w, candidates: [w] };
    const candidates = all.filter((c) => w.length >= 3 && c.includes(w));
    return candidates.length === 1 ? { code: candidates[0]!, candidates } : { candidates };
  }

  async function setEnabled(word: string, enabled: boolean): Promise<string> {
    const { code, candidates } = findCode(word);
    if (!code)
      return candidates.length
        ? `Plusieurs services correspondent / several match: ${candidates.join(', ')}`
        : `Service inconnu / unknown service: ${word}`;
    await catalog.setEnabled(code, enabled);
    return enabled ? `✅ ${code} activé / enabled.` : `⛔ ${code} désactivé / disabled.`;
  }

  async function setPaused(arg: string, paused: boolean): Promise<string> {
    // A WhatsApp customer without a known phone is addressed by their id (e.g. "lid:123@lid").
    const byId = await store.customers.get(arg.trim());
    const p = normalizePhone(arg);
    const id = byId?.id ?? p.e164;
    if (!id) return `Numéro invalide / invalid number: ${arg}`;
    const c = byId ?? (await store.customers.get(id));
    if (!c) return `Client inconnu / unknown customer: ${displayPhone(id)}`;
    await updateCustomer(store.customers, c.id, (cur) => (cur.paused === paused ? null : { ...cur, paused }));
    return paused
      ? `⏸️ Bot en pause pour ${displayPhone(id)} : répondez-lui vous-même. *reprendre ${id}* pour relancer.`
      : `▶️ Bot repris pour ${displayPhone(id)}.`;
  }

  async function preview(admin: string, text: Broadcast['text']): Promise<string> {
    const previous = await store.kv.get<string>(ADMIN_NS, pendingKey(admin));
    if (previous) await deps.broadcasts.cancel(previous);
    const b = await deps.broadcasts.create(text, admin);
    await store.kv.set(ADMIN_NS, pendingKey(admin), b.id);
    const subs = await countAudience(store);
    const langs = LANGS.filter((l) => text[l])
      .map((l) => `[${l}]\n${textFor({ text }, l)}`)
      .join('\n\n');
    return `👀 *Aperçu / preview* — ${subs} abonné(s) / subscriber(s), via ${b.via}\n\n${langs}\n\nRépondez *envoyer* (send) pour diffuser, *annuler diffusion* pour abandonner.`;
  }

  async function latest(): Promise<Broadcast | undefined> {
    const list = await store.broadcasts.list(20);
    return list.find((b) => b.state === 'sending') ?? list[0];
  }

  async function run(from: string, cmd: AdminCommand): Promise<string> {
    switch (cmd.kind) {
      case 'help':
        return ADMIN_HELP;
      case 'sync': {
        const r = await deps.sync.syncNow();
        if (!r.ok) return `❌ Sync impossible: ${r.error}`;
        return `🔄 Catalogue synchronisé / synced.\n${describeDiff(r.diff)}${
          r.announcement ? '\n\nAnnonce prête : *diffuser annonce* pour la prévisualiser.' : ''
        }`;
      }
      case 'diff': {
        const r = await deps.sync.last();
        if (!r) return 'Aucun sync encore / no sync yet. Envoyez *sync*.';
        if (!r.ok) return `Dernier sync en échec (${new Date(r.at).toISOString()}): ${r.error}`;
        return `Dernier sync ${new Date(r.at).toISOString().slice(0, 16)}Z:\n${describeDiff(r.diff)}`;
      }
      case 'balance':
        try {
          const b = await deps.intech.getBalance();
          return `💰 Solde marchand / merchant balance: ${formatXof(b.balance)}`;
        } catch {
          return '❌ Solde indisponible (Intech ne répond pas) / balance unavailable.';
        }
      case 'stats': {
        const s = await loadDayStats(store.orders, now());
        return [
          `📊 *${s.day}*`,
          `Commandes / orders: ${s.orders} (${s.delivered} livrées, ${s.inProgress} en cours)`,
          `Volume: ${formatXof(s.volume)}`,
          `Échecs / failures: ${s.failures}`,
          `Remboursements en attente / refunds pending: ${s.refundsPending}`,
        ].join('\n');
      }
      case 'enable':
        return setEnabled(cmd.code, cmd.enabled);
      case 'order': {
        const o = await store.orders.get(cmd.id);
        return o ? orderSummary(o) : `Commande introuvable / order not found: ${cmd.id}`;
      }
      case 'pause':
        return setPaused(cmd.phone, cmd.paused);
      case 'broadcast': {
        if (cmd.announcement) {
          const r = await deps.sync.last();
          if (!r?.ok || !r.announcement)
            return "Pas d'annonce prête / no announcement ready (envoyez *sync*).";
          return preview(from, r.announcement);
        }
        const t = parseBroadcastText(cmd.text);
        if (!t) return 'Il faut au moins un texte en français / a French text is required.';
        return preview(from, t);
      }
      case 'send': {
        const id = await store.kv.get<string>(ADMIN_NS, pendingKey(from));
        if (!id) return "Rien à envoyer / nothing to send: d'abord *diffuser <texte>*.";
        await store.kv.set(ADMIN_NS, pendingKey(from), null);
        const b = await deps.broadcasts.start(id);
        return `📤 Diffusion lancée / broadcast started: ${b.total} destinataire(s). *diffusion* pour suivre.`;
      }
      case 'cancel': {
        const pending = await store.kv.get<string>(ADMIN_NS, pendingKey(from));
        if (pending) {
          await store.kv.set(ADMIN_NS, pendingKey(from), null);
          await deps.broadcasts.cancel(pending);
          return '🗑️ Brouillon abandonné / draft discarded.';
        }
        const b = await latest();
        if (b?.state !== 'sending') return 'Aucune diffusion en cours / no broadcast running.';
        const c = await deps.broadcasts.cancel(b.id);
        const p = c ? await deps.broadcasts.progress(c.id) : undefined;
        return `🛑 Diffusion annulée / cancelled.${p ? `\n${progressLine(p)}` : ''}`;
      }
      case 'relink': {
        if (!deps.whatsapp) return 'Pas de canal WhatsApp ici (CHANNEL=sandbox) / no WhatsApp channel.';
        const r = await deps.whatsapp.relink();
        if (r === 'already_open') return '✅ WhatsApp est déjà connecté / already connected.';
        return "🔗 Nouvelle liaison WhatsApp lancée / relinking: ouvrez le tableau de bord (/admin, section WhatsApp) pour scanner le QR code ou lire le code d'association.";
      }
      case 'progress': {
        const b = await latest();
        const p = b ? await deps.broadcasts.progress(b.id) : undefined;
        return p ? progressLine(p) : 'Aucune diffusion / no broadcast yet.';
      }
    }
  }

  return {
    isAdmin,
    async handle(msg) {
      if (!isAdmin(msg)) return false;
      const cmd = parseAdminCommand(msg.text ?? '');
      // Not a command: the admin talks to the bot like any customer.
      if (!cmd) return false;
      // The runner calls us before its own dedupe: a redelivered command must not run twice.
      if (!(await store.dedupe.firstSeen(`admin:${msg.customerId}:${msg.id}`, now(), DEDUPE_TTL_MS)))
        return true;
      let reply: string;
      try {
        reply = await run(msg.phone ?? msg.customerId, cmd);
      } catch (err) {
        logger.error({ err: (err as Error).message, command: cmd.kind }, 'admin command failed');
        reply = `❌ Erreur / error: ${(err as Error).message}`;
      }
      logger.info({ admin: msg.customerId, command: cmd.kind }, 'admin command');
      // Keyed by the command message: a redelivery (already deduped above) cannot queue it twice.
      await outbox.send([
        {
          id: `admin:${msg.customerId}:${msg.id}`,
          chat: msg.customerId,
          kind: 'reply',
          payload: text(reply),
        },
      ]);
      return true;
    },
  };
}
