// Everything the order saga says to a customer, in fr / en / wo. Wolof is kept simple; where we are not
// confident the wording leans on French terms customers use anyway.
import { serviceLabel } from '../catalog/derive.js';
import { formatXof, type Lang } from '../i18n/lang.js';
import { displayPhone } from '../phone/phone.js';
import { formatToken } from '../receipts/format.js';
import { accountLabel } from '../receipts/labels.js';
import type { Order } from './types.js';

type Texts = Record<Lang, string>;
const pick = (lang: Lang, t: Texts): string => t[lang] ?? t.fr;

/**
 * "crédit Orange de 1 000 FCFA pour le 77 123 45 67", "facture Senelec de 23 450 FCFA, n° de contrat 2105…".
 * No brackets: messages add "(commande …)" after it.
 */
export function describeOrder(o: Order, lang: Lang): string {
  const amount = formatXof(o.amount);
  const brand = serviceLabel(o.codeService);
  if (o.kind === 'airtime') {
    const to = o.recipient ? displayPhone(o.recipient) : '';
    return pick(lang, {
      fr: `crédit ${brand} de ${amount}${to ? ` pour le ${to}` : ''}`,
      en: `${brand} airtime of ${amount}${to ? ` for ${to}` : ''}`,
      wo: `kredi ${brand} ${amount}${to ? ` ci ${to}` : ''}`,
    });
  }
  const account = o.account ?? o.recipient ?? '';
  const label = accountLabel(o.codeService, lang);
  const which = account ? `, ${label.charAt(0).toLowerCase()}${label.slice(1)} ${account}` : '';
  if (o.kind === 'bill_reload')
    return pick(lang, {
      fr: `recharge ${brand} de ${amount}${which}`,
      en: `${brand} top-up of ${amount}${which}`,
      wo: `recharge ${brand} ${amount}${which}`,
    });
  return pick(lang, {
    fr: `facture ${brand} de ${amount}${which}`,
    en: `${brand} bill of ${amount}${which}`,
    wo: `facture ${brand} ${amount}${which}`,
  });
}

/** What happens once the payment is in, said the way the thing bought is done: airtime is sent, a
 * bill is paid, a meter or card is topped up. */
function nextStep(o: Order): Texts {
  const d = describeOrder(o, o.lang);
  if (o.kind === 'airtime')
    return { fr: `Nous envoyons votre ${d}…`, en: `Sending your ${d}…`, wo: `Nu ngi yónnee sa ${d}…` };
  if (o.kind === 'bill_pay')
    return { fr: `Nous réglons votre ${d}…`, en: `Paying your ${d}…`, wo: `Nu ngi fey sa ${d}…` };
  return { fr: `Nous effectuons votre ${d}…`, en: `Doing your ${d}…`, wo: `Nu ngi def sa ${d}…` };
}

/**
 * Intech ends an accepted payment-link collect (Wave page, card 3-D Secure page) with unknown_error and
 * no error id when the customer presses "Annuler" or abandons the page. A link was handed out, so the
 * customer saw the page; nothing was taken.
 */
export function cancelledOnPaymentPage(o: Order): boolean {
  const c = o.operations.collect;
  return (
    Boolean(c?.deepLinkUrl) && c?.errorType?.code === 'unknown_error' && (c.errorType.id ?? null) === null
  );
}

export const orderMessages = {
  /** The one message after the customer confirmed: what they buy, how to pay, what follows. */
  payWithLink(o: Order, url: string): string {
    const d = describeOrder(o, o.lang);
    const amount = formatXof(o.amount);
    return pick(o.lang, {
      fr: `Commande ${o.id} : ${d}.\nPour payer ${amount} avec Wave, ouvrez ce lien (valable 15 minutes) :\n${url}\nDès que le paiement est validé, nous nous occupons du reste et vous envoyons le reçu ici.`,
      en: `Order ${o.id}: ${d}.\nTo pay ${amount} with Wave, open this link (valid for 15 minutes):\n${url}\nAs soon as the payment is approved, we do the rest and send your receipt here.`,
      wo: `Commande ${o.id} : ${d}.\nNgir fey ${amount} ak Wave, ubbil lien bii (15 minute rekk la baax) :\n${url}\nSu fey bi jàllee, nu def li ci des te yónnee la kayitu fey bi fii.`,
    });
  },

  validateOnPhone(o: Order): string {
    const d = describeOrder(o, o.lang);
    const amount = formatXof(o.amount);
    const wallet = serviceLabel(o.payment.codeService);
    const orange = o.payment.codeService.startsWith('ORANGE_');
    const payer = displayPhone(o.payment.payer);
    const how = orange
      ? {
          fr: `validez la notification Orange Money sur le ${payer}, ou composez #144# pour confirmer le paiement en attente`,
          en: `approve the Orange Money notification on ${payer}, or dial #144# to confirm the pending payment`,
          wo: `valider notification Orange Money bi ci ${payer}, walla bindal #144# ngir confirmer fey bi`,
        }
      : {
          fr: `validez la demande de paiement ${wallet} qui arrive sur le ${payer} (notification ou menu ${wallet})`,
          en: `approve the ${wallet} payment request arriving on ${payer} (notification or the ${wallet} menu)`,
          wo: `valider demande fey ${wallet} bi di ñëw ci ${payer} (notification walla menu ${wallet})`,
        };
    return pick(o.lang, {
      fr: `Commande ${o.id} : ${d}.\nPour payer ${amount}, ${how.fr}. Vous avez 15 minutes.\nDès que le paiement est validé, nous nous occupons du reste et vous envoyons le reçu ici.`,
      en: `Order ${o.id}: ${d}.\nTo pay ${amount}, ${how.en}. You have 15 minutes.\nAs soon as the payment is approved, we do the rest and send your receipt here.`,
      wo: `Commande ${o.id} : ${d}.\nNgir fey ${amount}, ${how.wo}. Am nga 15 minute.\nSu fey bi jàllee, nu def li ci des te yónnee la kayitu fey bi fii.`,
    });
  },

  collected(o: Order): string {
    const next = nextStep(o);
    return pick(o.lang, {
      fr: `Paiement de ${formatXof(o.amount)} reçu, merci ! ${next.fr}`,
      en: `Payment of ${formatXof(o.amount)} received, thank you! ${next.en}`,
      wo: `Jot nanu sa fey ${formatXof(o.amount)}, jërëjëf ! ${next.wo}`,
    });
  },

  delivered(o: Order): string {
    const d = describeOrder(o, o.lang);
    return pick(o.lang, {
      fr: `C'est fait ✅ ${d}. Commande ${o.id} : votre reçu suit.`,
      en: `Done ✅ ${d}. Order ${o.id}: your receipt follows.`,
      wo: `Jeex na ✅ ${d}. Commande ${o.id} : sa kayitu fey ngi ñëw.`,
    });
  },

  /** Woyofal delivered but its code(s) did not come with the outcome (e.g. known from a status lookup only). */
  tokenPending(o: Order): string {
    return pick(o.lang, {
      fr: `Votre recharge Woyofal est payée (commande ${o.id}), mais le code à saisir sur le compteur ne nous est pas encore parvenu. Notre équipe le récupère et vous l'envoie ici au plus vite.`,
      en: `Your Woyofal top-up is paid (order ${o.id}), but the code to enter on the meter has not reached us yet. Our team is getting it and will send it here as soon as possible.`,
      wo: `Sa recharge Woyofal fey nañu ko (commande ${o.id}), waaye code bi ngay dugal ci compteur bi agsagul. Sunu équipe dina ko la yónnee fii ci lu gaaw.`,
    });
  },

  /** The Woyofal code, arrived after the "code follows" message (see transitions' notify_tokens). */
  tokensArrived(o: Order): string {
    const codes = (o.tokens ?? []).map((t) => formatToken(t)).join('\n');
    return pick(o.lang, {
      fr: `Voici le code Woyofal de la commande ${o.id}, à saisir sur le compteur ${o.account ?? ''} :\n${codes}`,
      en: `Here is the Woyofal code for order ${o.id}, to enter on meter ${o.account ?? ''}:\n${codes}`,
      wo: `Code Woyofal bu commande ${o.id}, ngay dugal ci compteur ${o.account ?? ''} :\n${codes}`,
    });
  },

  refunded(o: Order): string {
    const d = describeOrder(o, o.lang);
    const wallet = serviceLabel(o.payment.codeService);
    return pick(o.lang, {
      fr: `Désolé, l'opérateur n'a pas pu traiter votre ${d} (commande ${o.id}). Vos ${formatXof(o.amount)} ont été remboursés sur votre compte ${wallet}. Vous pouvez réessayer plus tard.`,
      en: `Sorry, the operator could not complete your ${d} (order ${o.id}). Your ${formatXof(o.amount)} were refunded to your ${wallet} account. You can try again later.`,
      wo: `Baal nu, operatëer bi manul def sa ${d} (commande ${o.id}). Sa ${formatXof(o.amount)} delloo nanu ko ci sa compte ${wallet}. Mën nga jéemaat ci kanam.`,
    });
  },

  refundFailed(o: Order): string {
    const d = describeOrder(o, o.lang);
    const ref = o.claimRef ? ` / ${o.claimRef}` : '';
    return pick(o.lang, {
      fr: `Désolé, votre ${d} n'a pas pu aboutir et le remboursement automatique n'a pas abouti. Une personne de notre équipe s'en occupe et vous recontactera (référence ${o.id}${ref}). Vous n'avez rien à refaire.`,
      en: `Sorry, your ${d} could not be completed and the automatic refund did not go through. A person from our team is on it and will contact you (reference ${o.id}${ref}). You do not need to do anything.`,
      wo: `Baal nu, sa ${d} amul te remboursement automatique bi jàllul. Kenn ci sunu équipe ngi ci topp te dina la woo (référence ${o.id}${ref}). Doo def dara.`,
    });
  },

  slow(o: Order): string {
    const waitingPayment = o.state === 'collecting';
    if (waitingPayment)
      return pick(o.lang, {
        fr: `Commande ${o.id} : nous attendons toujours la confirmation de votre paiement. Si vous avez déjà validé, patientez un peu, ne payez pas une deuxième fois.`,
        en: `Order ${o.id}: we are still waiting for your payment confirmation. If you already approved it, please wait a little; do not pay twice.`,
        wo: `Commande ${o.id} : nu ngi xaar confirmation sa fey. Su fekkee valider nga ko ba noppi, muñal tuuti, bul fey ñaari yoon.`,
      });
    return pick(o.lang, {
      fr: `Commande ${o.id} : l'opération prend plus de temps que prévu. Nous suivons cela de près et vous écrivons dès que c'est terminé. Inutile de repayer.`,
      en: `Order ${o.id}: this is taking longer than expected. We are following it closely and will write as soon as it is done. No need to pay again.`,
      wo: `Commande ${o.id} : mi ngi yàgg lu ëpp li nu xaaroon. Nu ngi ci topp te dinanu la bind bu jeexee. Bul fey ñaari yoon.`,
    });
  },

  invalid(lang: Lang): string {
    return pick(lang, {
      fr: `Cette commande est incomplète ou invalide, rien n'a été débité. Recommençons : que voulez-vous acheter ?`,
      en: `This order is incomplete or invalid; nothing was charged. Let's start again: what would you like to buy?`,
      wo: `Commande bii matul walla baaxul, jëluñu dara. Nañu tàmbalaat : lan nga bëgg jënd ?`,
    });
  },

  merchantBalanceLow(lang: Lang): string {
    return pick(lang, {
      fr: `Ce service est momentanément indisponible. Vous n'avez pas été débité. Merci de réessayer un peu plus tard.`,
      en: `This service is temporarily unavailable. You were not charged. Please try again a little later.`,
      wo: `Service bi amul léegi. Jëluñu sa xaalis. Jéemaatal ci kanam tuuti.`,
    });
  },

  expired(o: Order): string {
    return pick(o.lang, {
      fr: `Commande ${o.id} annulée : elle n'a pas pu être lancée à temps. Vous n'avez pas été débité. Vous pouvez la refaire.`,
      en: `Order ${o.id} cancelled: it could not be started in time. You were not charged. You can place it again.`,
      wo: `Commande ${o.id} neenal nanu ko : mënul woon tàmbali ci waxtu. Jëluñu sa xaalis. Mën nga ko defaat.`,
    });
  },

  paymentUnreachable(o: Order): string {
    return pick(o.lang, {
      fr: `Commande ${o.id} : impossible de joindre le service de paiement pour le moment. Vous n'avez pas été débité. Réessayez dans quelques minutes.`,
      en: `Order ${o.id}: we could not reach the payment service right now. You were not charged. Please try again in a few minutes.`,
      wo: `Commande ${o.id} : service paiement bi jàppul léegi. Jëluñu sa xaalis. Jéemaatal ci ay minute.`,
    });
  },

  collectFailed(o: Order, reason: string): string {
    if (cancelledOnPaymentPage(o)) return orderMessages.paymentCancelled(o);
    return pick(o.lang, {
      fr: `Commande ${o.id} annulée : ${reason}`,
      en: `Order ${o.id} cancelled: ${reason}`,
      wo: `Commande ${o.id} neenal nanu ko : ${reason}`,
    });
  },

  /** The customer pressed "Annuler" on the payment page (or left it): say so plainly, not "try again later". */
  paymentCancelled(o: Order): string {
    const wallet = serviceLabel(o.payment.codeService);
    return pick(o.lang, {
      fr: `Commande ${o.id} : vous avez annulé le paiement ${wallet}, rien n'a été débité. Pour la refaire, écrivez *encore* ; pour autre chose, écrivez *menu*.`,
      en: `Order ${o.id}: you cancelled the ${wallet} payment; nothing was charged. To place it again, write *encore*; for something else, write *menu*.`,
      wo: `Commande ${o.id} : neenal nga fey ${wallet} bi, jëluñu sa xaalis. Ngir defaat ko, bindal *encore* ; ngir leneen, bindal *menu*.`,
    });
  },

  receiptCaption(o: Order): string {
    return pick(o.lang, { fr: `Reçu ${o.id}`, en: `Receipt ${o.id}`, wo: `Kayitu fey ${o.id}` });
  },

  billsNone(lang: Lang, providerMsg?: string): string {
    const extra = providerMsg ? ` (${providerMsg})` : '';
    return pick(lang, {
      fr: `Aucune facture impayée trouvée pour ce numéro${extra}. Vérifiez le numéro sur votre facture.`,
      en: `No unpaid bill found for this number${extra}. Please check the number on your bill.`,
      wo: `Amul facture bu ñu fayul ci nimero bii${extra}. Xoolaatal nimero bi ci sa facture.`,
    });
  },

  billsUnavailable(lang: Lang): string {
    return pick(lang, {
      fr: `Impossible de consulter les factures pour le moment. Réessayez dans quelques minutes.`,
      en: `We could not look up bills right now. Please try again in a few minutes.`,
      wo: `Mënunu xool factures yi léegi. Jéemaatal ci ay minute.`,
    });
  },
  /** Paying from another number went past its limits (see orders/payer-limits.ts). */
  payerLimit(lang: Lang, why: 'distinct' | 'pending' | 'daily_total'): string {
    if (why === 'pending')
      return pick(lang, {
        fr: `Une demande de paiement attend déjà sur ce numéro. Attendez qu'elle soit validée ou refusée, ou payez avec votre propre numéro.`,
        en: `A payment request is already waiting on that number. Wait until it is approved or declined, or pay with your own number.`,
        wo: `Am na benn laaj fey buy xaar ci nimero boobu. Xaaral mu jeex, walla nga fey ak sa nimero.`,
      });
    if (why === 'distinct')
      return pick(lang, {
        fr: `Vous avez déjà payé avec plusieurs autres numéros aujourd'hui. Pour votre sécurité, payez avec votre propre numéro ou un numéro déjà utilisé aujourd'hui.`,
        en: `You have already paid from several other numbers today. For your safety, pay with your own number or one already used today.`,
        wo: `Fey nga ak ay nimero yu bees tey. Ngir sa kaaraange, fey ak sa nimero walla nimero bu nga jëfandikoo tey.`,
      });
    return pick(lang, {
      fr: `Ce numéro de paiement a atteint le plafond du jour. Réessayez demain ou payez avec un autre numéro.`,
      en: `This paying number has reached today's limit. Try again tomorrow or pay with another number.`,
      wo: `Nimero fey bii jot na plafond bu tey. Jéemaatal ëllëg walla fey ak beneen nimero.`,
    });
  },
};
