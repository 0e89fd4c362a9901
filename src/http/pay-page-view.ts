// What the payment result pages say (pure): the customer lands here from Wave or the card page, after
// "Payer" or "Annuler". The order's own state wins over the redirect that brought them (a redirect can
// be replayed or come late); without an order we only know which redirect it was.
import { formatXof, type Lang } from '../i18n/lang.js';
import type { Order, OrderState } from '../orders/types.js';
import { receiptServiceLabel } from '../receipts/labels.js';

export type PayRedirect = 'done' | 'failed';

/** Where the customer's order stands, as far as this page is concerned. */
export type PayPhase = 'confirming' | 'not_paid' | 'in_progress' | 'finished' | 'problem';

export interface PayPageView {
  lang: Lang;
  phase: PayPhase;
  tone: 'ok' | 'wait' | 'ko';
  title: string;
  lines: string[];
  /** Label of the button back to the chat. */
  back: string;
  /** Said when there is no link to follow. */
  backHint: string;
}

const PHASE_OF: Record<OrderState, PayPhase | 'pending'> = {
  created: 'pending',
  collecting: 'pending',
  collect_failed: 'not_paid',
  cancelled: 'not_paid',
  collected: 'in_progress',
  delivering: 'in_progress',
  delivered: 'finished',
  completed: 'finished',
  refunding: 'problem',
  refunded: 'problem',
  needs_human: 'problem',
};

export function payPhase(redirect: PayRedirect, state: OrderState | undefined): PayPhase {
  const p = state ? PHASE_OF[state] : 'pending';
  // Until Intech's callback lands, the redirect is all we know.
  if (p === 'pending') return redirect === 'done' ? 'confirming' : 'not_paid';
  return p;
}

interface Facts {
  /** "Crédit Orange de 1 000 FCFA" or "" without an order. No phone or account number: the page is
   * reachable by anyone holding the link. */
  item: string;
  ref: string;
}

type Texts = {
  title: Record<PayPhase, string>;
  body: Record<PayPhase, (f: Facts) => string[]>;
  back: string;
  backHint: string;
  of: (service: string, amount: string) => string;
};

const TEXTS: Record<Lang, Texts> = {
  fr: {
    title: {
      confirming: 'Merci, paiement validé',
      not_paid: 'Paiement non effectué',
      in_progress: 'Paiement reçu',
      finished: "C'est fait ✅",
      problem: 'Votre commande a besoin de nous',
    },
    body: {
      confirming: (f) => [
        `Votre paiement${f.ref ? ` pour la commande ${f.ref}` : ''} est validé.`,
        `Nous effectuons maintenant ${f.item ? `votre ${f.item}` : 'votre opération'} et vous envoyons la confirmation et le reçu sur WhatsApp, dans quelques instants.`,
        'Ne payez pas une deuxième fois.',
      ],
      not_paid: (f) => [
        `Le paiement${f.ref ? ` de la commande ${f.ref}` : ''} a été annulé ou n'a pas abouti : rien n'a été débité.`,
        'Revenez sur WhatsApp : écrivez *encore* pour réessayer, ou choisissez un autre moyen de paiement.',
      ],
      in_progress: (f) => [
        `Votre paiement${f.ref ? ` pour la commande ${f.ref}` : ''} est bien reçu.`,
        `${f.item ? `Votre ${f.item} est en cours` : 'Votre opération est en cours'} ; la confirmation et le reçu arrivent sur WhatsApp.`,
      ],
      finished: (f) => [
        `${f.ref ? `Commande ${f.ref} : ` : ''}${f.item ? `${f.item}, ` : ''}c'est fait.`,
        'Votre reçu est sur WhatsApp.',
      ],
      problem: (f) => [
        `L'opération${f.ref ? ` de la commande ${f.ref}` : ''} n'a pas pu aboutir après votre paiement.`,
        'Nous vous remboursons, ou notre équipe vous contacte : les détails sont sur WhatsApp. Ne payez pas une deuxième fois.',
      ],
    },
    back: 'Revenir sur WhatsApp',
    backHint: 'Vous pouvez fermer cette page et revenir sur WhatsApp.',
    // "Crédit Orange" reads "votre crédit Orange"; brands (Woyofal…) keep their capital.
    of: (service, amount) =>
      `${service.replace(/^(Crédit|Facture|Frais|Recharge)\b/, (w) => w.toLowerCase())} de ${amount}`,
  },
  en: {
    title: {
      confirming: 'Thank you, payment approved',
      not_paid: 'Payment not made',
      in_progress: 'Payment received',
      finished: 'Done ✅',
      problem: 'Your order needs our attention',
    },
    body: {
      confirming: (f) => [
        `Your payment${f.ref ? ` for order ${f.ref}` : ''} is approved.`,
        `We are now completing ${f.item ? `your ${f.item}` : 'your order'} and will send the confirmation and receipt on WhatsApp in a few moments.`,
        'Do not pay a second time.',
      ],
      not_paid: (f) => [
        `The payment${f.ref ? ` for order ${f.ref}` : ''} was cancelled or did not go through: nothing was charged.`,
        'Go back to WhatsApp: write *encore* to try again, or choose another payment method.',
      ],
      in_progress: (f) => [
        `Your payment${f.ref ? ` for order ${f.ref}` : ''} has been received.`,
        `${f.item ? `Your ${f.item} is` : 'Your order is'} on its way; the confirmation and receipt will reach you on WhatsApp.`,
      ],
      finished: (f) => [
        `${f.item ? `Your ${f.item}` : 'Your order'}${f.ref ? ` (order ${f.ref})` : ''} is complete.`,
        'Your receipt is on WhatsApp.',
      ],
      problem: (f) => [
        `The order${f.ref ? ` ${f.ref}` : ''} could not be completed after your payment.`,
        'You will be refunded or contacted by our team: the details are on WhatsApp. Do not pay a second time.',
      ],
    },
    back: 'Back to WhatsApp',
    backHint: 'You can close this page and go back to WhatsApp.',
    of: (service, amount) => `${service} of ${amount}`,
  },
  wo: {
    title: {
      confirming: 'Jërëjëf, fey bi jàll na',
      not_paid: 'Fey bi amul',
      in_progress: 'Jot nanu sa fey',
      finished: 'Jeex na ✅',
      problem: 'Sa commande soxla na nu',
    },
    body: {
      confirming: (f) => [
        `Sa fey${f.ref ? ` ngir commande ${f.ref}` : ''} jàll na.`,
        `Léegi nu ngi def ${f.item ? `sa ${f.item}` : 'sa commande'}, te dinanu la yónnee confirmation ak kayitu fey bi ci WhatsApp ci ab diir bu gatt.`,
        'Bul fey ñaari yoon.',
      ],
      not_paid: (f) => [
        `Fey bi${f.ref ? ` ngir commande ${f.ref}` : ''} dañu ko neenal walla jàllul : jëluñu sa xaalis.`,
        'Dellul ci WhatsApp : bindal *encore* ngir jéemaat, walla tànnal beneen anam bu ñuy feye.',
      ],
      in_progress: (f) => [
        `Jot nanu sa fey${f.ref ? ` ngir commande ${f.ref}` : ''}.`,
        `${f.item ? `Sa ${f.item}` : 'Sa commande'} mi ngi ci yoon ; confirmation ak kayitu fey bi dinañu ñëw ci WhatsApp.`,
      ],
      finished: (f) => [
        `${f.item ? `Sa ${f.item}` : 'Sa commande'}${f.ref ? ` (commande ${f.ref})` : ''} jeex na.`,
        'Sa kayitu fey mi ngi ci WhatsApp.',
      ],
      problem: (f) => [
        `Commande${f.ref ? ` ${f.ref}` : ''} bi mënul a jeex ginnaaw sa fey.`,
        'Dinañu la delloo sa xaalis walla sunu équipe dina la woo : li ci des mi ngi ci WhatsApp. Bul fey ñaari yoon.',
      ],
    },
    back: 'Dellu ci WhatsApp',
    backHint: 'Mën nga tëj xët wii te dellu ci WhatsApp.',
    of: (service, amount) => `${service} ${amount}`,
  },
};

export function payPageView(redirect: PayRedirect, order: Order | undefined, lang: Lang): PayPageView {
  const t = TEXTS[lang] ?? TEXTS.fr;
  const phase = payPhase(redirect, order?.state);
  const facts: Facts = order
    ? { item: t.of(receiptServiceLabel(order.codeService, lang), formatXof(order.amount)), ref: order.id }
    : { item: '', ref: '' };
  const tone = phase === 'not_paid' || phase === 'problem' ? 'ko' : phase === 'finished' ? 'ok' : 'wait';
  return {
    lang,
    phase,
    tone,
    title: t.title[phase],
    lines: t.body[phase](facts),
    back: t.back,
    backHint: t.backHint,
  };
}
