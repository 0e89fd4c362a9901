// The WhatsApp link as the dashboard shows it: state, a real QR image (data URL, rendered here: the
// page loads nothing from outside), the pairing code, and the relink action.
import QRCode from 'qrcode';
import type { LinkStatus } from '../channels/whatsapp/link.js';

/** What the admin area needs from the WhatsApp channel (absent with CHANNEL=sandbox). */
export interface WhatsAppLink {
  link(): LinkStatus;
  relink(): Promise<'relinking' | 'already_open'>;
}

export interface LinkView {
  channel: 'whatsapp' | 'sandbox';
  state?: LinkStatus['state'];
  linked?: boolean;
  since?: number;
  /** data:image/png;base64,… of the current QR, or null. */
  qrImage: string | null;
  qrAt?: number;
  /** "ABCD-1234", or null. */
  pairingCode: string | null;
  pairingCodeAt?: number;
  lastDisconnect?: LinkStatus['lastDisconnect'];
}

export function formatPairingCode(code: string): string {
  return code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

/** Renders the QR once per new QR string (the dashboard polls every few seconds). */
export function createLinkViewer(whatsapp: WhatsAppLink | undefined) {
  let cached: { qr: string; image: string } | undefined;
  return async function view(): Promise<LinkView> {
    if (!whatsapp) return { channel: 'sandbox', qrImage: null, pairingCode: null };
    const l = whatsapp.link();
    let qrImage: string | null = null;
    if (l.qr) {
      if (cached?.qr !== l.qr) {
        cached = {
          qr: l.qr,
          image: await QRCode.toDataURL(l.qr, { margin: 2, width: 280, errorCorrectionLevel: 'L' }),
        };
      }
      qrImage = cached.image;
    }
    return {
      channel: 'whatsapp',
      state: l.state,
      linked: l.linked,
      since: l.since,
      qrImage,
      ...(l.qrAt !== undefined ? { qrAt: l.qrAt } : {}),
      pairingCode: l.pairingCode ? formatPairingCode(l.pairingCode) : null,
      ...(l.pairingCodeAt !== undefined ? { pairingCodeAt: l.pairingCodeAt } : {}),
      ...(l.lastDisconnect ? { lastDisconnect: l.lastDisconnect } : {}),
    };
  };
}
