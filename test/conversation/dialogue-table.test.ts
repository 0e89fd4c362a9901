// Issue #9's dialogue table: multi-turn dialogues (FR/EN/WO, Senegal and Côte d'Ivoire) through the real
// bot — sandbox channel, runner, rule parser, machine, order desk — against the in-process Intech
// simulator. For every turn it asserts what reached the simulator: nothing after an ambiguous answer or a
// correction, the corrected recipient/amount in the delivery, the same wallet for the same number, and
// the refusal texts for bad numbers and amounts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Script, SimTransaction } from '../../src/sandbox/simulator/types.js';
import { SimBot } from './sim-harness.js';

const WAVE = 'WAVE_SN_API_CASH_OUT';
const OM = 'ORANGE_SN_API_CASH_OUT';
const FREE_MONEY = 'FREE_SN_WALLET_CASH_OUT';
const ORANGE = 'ORANGE_SN_AIRTIME_CREDIT_TELEPHONIQUE';
const FREE = 'FREE_SN_AIRTIME_CREDIT_TELEPHONIQUE';
const EXPRESSO = 'EXPRESSO_SN_AIRTIME_CREDIT_TELEPHONIQUE';
const ORANGE_CI = 'ORANGE_CI_AIRTIME_CREDIT_TELEPHONIQUE';
const MTN_CI = 'MTN_CI_AIRTIME_CREDIT_TELEPHONIQUE';
const SENELEC = 'SENELEC_SN_BILL_PAY';
const WOYOFAL = 'WOYOFAL_SN_BILL_RELOAD';

/** What one turn must set off at the simulator: a collect (wallet, payer) and its delivery. */
interface Money {
  collect: [code: string, payer: string];
  /** Delivery service, recipient phone or account (national form), amount. */
  deliver: [code: string, to: string, amount: number];
}

interface Turn {
  say: string;
  has?: (string | RegExp)[];
  lacks?: (string | RegExp)[];
  /** Absent: nothing at all may reach the simulator on this turn. */
  money?: Money;
  /** A payment request sent and left waiting on the payer's phone (wallet, payer): no delivery. */
  waiting?: [code: string, payer: string];
  /** Said by another customer (this phone) instead of the case's own. */
  from?: string;
}

interface Case {
  name: string;
  /** 'SN' or 'CI' customer (a fresh number per case). */
  country?: 'SN' | 'CI';
  turns: Turn[];
  /** Simulator scripts set before the case (e.g. a payer who never validates). */
  scripts?: Script[];
}

/** No payment request and nothing else at the simulator. */
const NOTHING = undefined;

const SUMMARY_FR = '*Récapitulatif*';
const SUMMARY_EN = '*Summary*';
const SUMMARY_WO = '*Li nga laaj*';

const CASES: Case[] = [
  // ---------------------------------------------------------------- 1. ambiguous answers never pay
  {
    name: '1a fr "les deux" at the wallet menu pays nothing; asked again with the summary; "2" pays OM',
    turns: [
      { say: 'credit 1000 pour 78 000 11 22', has: [SUMMARY_FR, '1. Wave\n2. Orange Money'] },
      {
        say: 'les deux',
        has: ['« les deux »', SUMMARY_FR, 'Crédit Orange 1 000 FCFA pour 78 000 11 22'],
        money: NOTHING,
      },
      { say: '2', money: { collect: [OM, 'SELF'], deliver: [ORANGE, '780001122', 1000] } },
    ],
  },
  {
    name: '1b fr "j\'hésite entre les deux" is neither a pick nor the amount 2',
    turns: [
      { say: 'credit 1000 pour 78 000 11 23' },
      {
        say: "j'hésite entre les deux",
        has: ['Crédit Orange 1 000 FCFA pour 78 000 11 23'],
        lacks: ['2 FCFA', 'minimum'],
      },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [ORANGE, '780001123', 1000] } },
    ],
  },
  {
    name: '1c fr "deux secondes" pays nothing and is no amount',
    turns: [
      { say: 'credit 2000 pour 78 000 11 24' },
      { say: 'deux secondes', has: ['Crédit Orange 2 000 FCFA'], lacks: ['2 FCFA'] },
      { say: 'le 1', money: { collect: [WAVE, 'SELF'], deliver: [ORANGE, '780001124', 2000] } },
    ],
  },
  {
    name: '1d fr "2 ou 3 ?" is a question, not a pick',
    turns: [
      { say: 'credit 1000 pour 78 000 11 25' },
      { say: '2 ou 3 ?', has: ['« 2 ou 3 ? »', SUMMARY_FR] },
      { say: 'option 2', money: { collect: [OM, 'SELF'], deliver: [ORANGE, '780001125', 1000] } },
    ],
  },
  {
    name: '1e en "both" pays nothing; "two" alone pays Orange Money',
    turns: [
      { say: 'airtime 1000 to 78 000 11 26', has: [SUMMARY_EN] },
      { say: 'both', has: ['"both"', SUMMARY_EN] },
      { say: 'two', money: { collect: [OM, 'SELF'], deliver: [ORANGE, '780001126', 1000] } },
    ],
  },
  {
    name: '1f wo "ñaar walla ñett" pays nothing; "ñaar" alone pays Orange Money',
    turns: [
      { say: 'dama bëgg kredi 1000 ci 78 000 11 27', has: [SUMMARY_WO, 'Kredi Orange 1 000 FCFA'] },
      { say: 'ñaar walla ñett', has: [SUMMARY_WO], lacks: ['Récapitulatif'] },
      { say: 'ñaar', money: { collect: [OM, 'SELF'], deliver: [ORANGE, '780001127', 1000] } },
    ],
  },
  {
    name: '1g fr "les deux" at a list of two Senelec bills picks no bill; "le 2" picks the second',
    turns: [
      { say: 'facture senelec 21050176023', has: ['1. 18 450 FCFA', '2. 21 300 FCFA'] },
      { say: 'les deux', has: ['« les deux »', '1. 18 450 FCFA'], lacks: [SUMMARY_FR] },
      { say: 'le 2', has: [SUMMARY_FR, 'Facture Senelec 21 300 FCFA'] },
      { say: '2', money: { collect: [OM, 'SELF'], deliver: [SENELEC, '21050176023', 21_300] } },
    ],
  },
  {
    name: '1h fr the keycap "2️⃣" alone is a pick',
    turns: [
      { say: 'credit 500 pour 78 000 11 28' },
      { say: '2️⃣', money: { collect: [OM, 'SELF'], deliver: [ORANGE, '780001128', 500] } },
    ],
  },
  {
    name: '1i fr the wallet named alone ("wave") pays with Wave',
    turns: [
      { say: 'credit 1500 pour 78 000 11 29' },
      { say: 'wave', money: { collect: [WAVE, 'SELF'], deliver: [ORANGE, '780001129', 1500] } },
    ],
  },
  {
    name: '1j fr "orange money" named alone pays with Orange Money',
    turns: [
      { say: 'credit 1000 pour 78 000 11 30' },
      { say: 'orange money', money: { collect: [OM, 'SELF'], deliver: [ORANGE, '780001130', 1000] } },
    ],
  },
  {
    name: '1k fr "1 ou 2" pays nothing',
    turns: [
      { say: 'credit 1000 pour 78 000 11 31' },
      { say: '1 ou 2', has: [SUMMARY_FR] },
      { say: 'non', has: ["C'est annulé"], lacks: ['à payer avec'] },
    ],
  },
  {
    name: '1l fr plain "oui" with no remembered wallet asks which wallet, pays nothing',
    turns: [
      { say: 'credit 1000 pour 78 000 11 32' },
      { say: 'oui', has: ['Avec quel moyen de paiement ?', '1. Wave'] },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [ORANGE, '780001132', 1000] } },
    ],
  },
  {
    name: '1m fr "les deux" at the main menu selects nothing',
    turns: [
      { say: 'menu', has: ['1. Crédit téléphone'] },
      { say: 'les deux', lacks: ["C'est pour vous", 'Quelle facture'] },
    ],
  },
  {
    name: '1n fr "les deux" at the bill services list selects nothing; "senelec" does',
    turns: [
      { say: 'payer une facture', has: ['Quelle facture ou recharge ?'] },
      { say: 'les deux', has: ['« les deux »', 'Quelle facture ou recharge ?'] },
      { say: 'senelec', has: ['Quel est votre numéro Senelec ?'] },
    ],
  },
  {
    name: '1o en "1 please" is a pick (a polite tail)',
    turns: [
      { say: 'airtime 1000 to 78 000 11 33' },
      { say: '1 please', money: { collect: [WAVE, 'SELF'], deliver: [ORANGE, '780001133', 1000] } },
    ],
  },
  {
    name: '1p wo "benn" alone pays with Wave',
    turns: [
      { say: 'dama bëgg kredi 1000 ci 78 000 11 34' },
      { say: 'benn', money: { collect: [WAVE, 'SELF'], deliver: [ORANGE, '780001134', 1000] } },
    ],
  },
  // ---------------------------------------------------------------- 2. stable wallet numbers
  {
    name: '2a fr "2" is Orange Money in the first order and again in the second',
    turns: [
      { say: 'credit 1000 pour 78 000 12 01', has: ['2. Orange Money'] },
      { say: '2', money: { collect: [OM, 'SELF'], deliver: [ORANGE, '780001201', 1000] } },
      {
        say: 'credit 500 pour 78 000 12 01',
        has: ['Payer avec Orange Money', '1 pour Wave', '3 pour Free Money'],
        lacks: ['2 pour Wave'],
      },
      { say: '2', money: { collect: [OM, 'SELF'], deliver: [ORANGE, '780001201', 500] } },
    ],
  },
  {
    name: '2b fr after paying with Orange Money, "1" is still Wave',
    turns: [
      { say: 'credit 1000 pour 78 000 12 02' },
      { say: '2', money: { collect: [OM, 'SELF'], deliver: [ORANGE, '780001202', 1000] } },
      { say: 'credit 1000 pour 78 000 12 02' },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [ORANGE, '780001202', 1000] } },
    ],
  },
  {
    name: '2c en Wave first, then "yes" confirms the remembered Wave',
    turns: [
      { say: 'airtime 1000 to 78 000 12 03' },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [ORANGE, '780001203', 1000] } },
      {
        say: 'airtime 2000 to 78 000 12 03',
        has: ['Pay with Wave', 'reply *yes* to confirm', '2 for Orange Money'],
      },
      { say: 'yes', money: { collect: [WAVE, 'SELF'], deliver: [ORANGE, '780001203', 2000] } },
    ],
  },
  {
    name: '2d wo Orange Money first, then "waaw" pays Orange Money again',
    turns: [
      { say: 'dama bëgg kredi 1000 ci 78 000 12 04' },
      { say: '2', money: { collect: [OM, 'SELF'], deliver: [ORANGE, '780001204', 1000] } },
      { say: 'dama bëgg kredi 1000 ci 78 000 12 04', has: ['Fey ak Orange Money', '1 ngir Wave'] },
      { say: 'waaw', money: { collect: [OM, 'SELF'], deliver: [ORANGE, '780001204', 1000] } },
    ],
  },
  {
    name: '2e fr "3" means Free Money before and after a remembered Orange Money',
    turns: [
      { say: 'credit 1000 pour 78 000 12 05', has: ['3. Free Money'] },
      { say: '2', money: { collect: [OM, 'SELF'], deliver: [ORANGE, '780001205', 1000] } },
      { say: 'credit 1000 pour 78 000 12 05', has: ['3 pour Free Money'] },
      { say: '3', money: { collect: [FREE_MONEY, 'SELF'], deliver: [ORANGE, '780001205', 1000] } },
    ],
  },
  // ---------------------------------------------------------------- 3. corrections edit the draft
  {
    name: '3a fr "non plutôt pour le 78 765 43 21" changes the recipient, then "c\'est free" the operator',
    turns: [
      { say: 'credit 1000 pour 77 123 45 01' },
      {
        say: 'non plutôt pour le 78 765 43 21',
        has: [SUMMARY_FR, 'pour 78 765 43 21'],
        lacks: ["C'est annulé"],
      },
      { say: "c'est free", has: ['Crédit Free 1 000 FCFA pour 78 765 43 21'] },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [FREE, '787654321', 1000] } },
    ],
  },
  {
    name: '3b fr "en fait mets 2000" changes the amount',
    turns: [
      { say: 'credit 1000 pour 77 123 45 02' },
      { say: 'en fait mets 2000', has: ['Crédit Orange 2 000 FCFA pour 77 123 45 02'] },
      { say: '2', money: { collect: [OM, 'SELF'], deliver: [ORANGE, '771234502', 2000] } },
    ],
  },
  {
    name: '3c fr "plutôt 2000" changes the amount',
    turns: [
      { say: 'credit 1000 pour 77 123 45 03' },
      { say: 'plutôt 2000', has: ['Crédit Orange 2 000 FCFA'] },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [ORANGE, '771234503', 2000] } },
    ],
  },
  {
    name: '3d en "not that number, 76 123 45 04" changes the recipient and its operator',
    turns: [
      { say: 'airtime 1000 to 77 123 45 04' },
      { say: 'not that number, 76 123 45 04', has: ['Free airtime 1 000 FCFA for 76 123 45 04'] },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [FREE, '761234504', 1000] } },
    ],
  },
  {
    name: '3e en "make it 500" changes the amount',
    turns: [
      { say: 'airtime 1000 to 77 123 45 05' },
      { say: 'make it 500', has: ['Orange airtime 500 FCFA'] },
      { say: '2', money: { collect: [OM, 'SELF'], deliver: [ORANGE, '771234505', 500] } },
    ],
  },
  {
    name: '3f wo "déedéet, ci 78 765 43 06" changes the recipient',
    turns: [
      { say: 'dama bëgg kredi 1000 ci 77 123 45 06' },
      { say: 'déedéet, ci 78 765 43 06', has: [SUMMARY_WO, 'ci 78 765 43 06'], lacks: ['Bàyyi nanu ko'] },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [ORANGE, '787654306', 1000] } },
    ],
  },
  {
    name: '3g fr "c\'est expresso" changes the detected operator',
    turns: [
      { say: 'credit 1000 pour 77 123 45 07', has: ['Opérateur détecté : Orange'] },
      { say: "c'est expresso", has: ['Crédit Expresso 1 000 FCFA'] },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [EXPRESSO, '771234507', 1000] } },
    ],
  },
  {
    name: '3h fr a Woyofal meter corrected at the summary',
    turns: [
      { say: 'woyofal 5000 compteur 14256987412', has: [SUMMARY_FR, 'n° 14256987412'] },
      { say: 'non le compteur 14256987413', has: [SUMMARY_FR, 'n° 14256987413'], lacks: ["C'est annulé"] },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [WOYOFAL, '14256987413', 5000] } },
    ],
  },
  {
    name: '3i fr the payer number changed: the summary says where the payment request goes',
    turns: [
      { say: 'credit 1000 pour 77 123 45 09' },
      {
        say: 'payer avec le 76 999 88 77',
        has: ['La demande de paiement sera envoyée au 76 999 88 77', 'pour 77 123 45 09'],
      },
      { say: '2', money: { collect: [OM, '769998877'], deliver: [ORANGE, '771234509', 1000] } },
    ],
  },
  {
    name: '3j en the payer number changed ("pay from 76 999 88 10")',
    turns: [
      { say: 'airtime 1000 to 77 123 45 10' },
      { say: 'pay from 76 999 88 10', has: ['The payment request will go to 76 999 88 10'] },
      { say: '1', money: { collect: [WAVE, '769998810'], deliver: [ORANGE, '771234510', 1000] } },
    ],
  },
  {
    name: '3k fr a plain "non" cancels and says nothing about paying',
    turns: [
      { say: 'credit 1000 pour 77 123 45 11' },
      { say: 'non', has: ["C'est annulé"], lacks: ['à payer avec', 'Suivez les instructions'] },
      { say: 'oui', lacks: ['Commande'] },
    ],
  },
  {
    name: '3l fr amount then recipient corrected in two steps, delivery carries both',
    turns: [
      { say: 'credit 1000 pour 77 123 45 12' },
      { say: 'plutôt 1500', has: ['1 500 FCFA'] },
      { say: 'non pour le 78 123 45 12', has: ['Crédit Orange 1 500 FCFA pour 78 123 45 12'] },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [ORANGE, '781234512', 1500] } },
    ],
  },
  // ---------------------------------------------------------------- 4. bad numbers named back
  {
    name: '4a fr "credit 1000 pour 77 123 45": too short, named back, never "for you?"',
    turns: [
      {
        say: 'credit 1000 pour 77 123 45',
        has: ['« 77 123 45 »', 'incomplet', 'Quel numéro faut-il recharger'],
        lacks: ["C'est pour vous"],
      },
      { say: 'oui', lacks: [SUMMARY_FR] },
      { say: '77 123 45 67', has: [SUMMARY_FR, 'Crédit Orange 1 000 FCFA pour 77 123 45 67'] },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [ORANGE, '771234567', 1000] } },
    ],
  },
  {
    name: '4b fr "… pour 99 123 45 67": no such prefix, named back',
    turns: [
      {
        say: 'credit 1000 pour 99 123 45 67',
        has: ['« 99 123 45 67 »', 'aucun opérateur mobile'],
        lacks: ["C'est pour vous", SUMMARY_FR],
      },
    ],
  },
  {
    name: '4c en an incomplete number is named back in English',
    turns: [
      {
        say: 'airtime 1000 to 77 123 45',
        has: ['"77 123 45"', 'incomplete', 'Which number should I top up'],
        lacks: ['Is it for you'],
      },
    ],
  },
  {
    name: '4d wo an incomplete number is named back in Wolof',
    turns: [
      { say: 'dama bëgg kredi 1000 ci 77 123 45', has: ['« 77 123 45 »', 'matul'], lacks: ['Ci yow la'] },
    ],
  },
  {
    name: '4e fr a bad number given as a correction at the summary keeps nothing payable',
    turns: [
      { say: 'credit 1000 pour 77 123 45 13' },
      { say: 'non pour le 78 765 43', has: ['« 78 765 43 »', 'incomplet'], lacks: [SUMMARY_FR] },
      { say: '1', lacks: ['Commande'] },
    ],
  },
  {
    name: '4f CI customer: an 8-digit Ivorian number is incomplete',
    country: 'CI',
    turns: [{ say: 'credit 1000 pour 07 07 07 07', has: ['« 07 07 07 07 »', 'incomplet'] }],
  },
  {
    name: '4g fr a bad number at the recipient question is named back',
    turns: [
      { say: 'credit 1000', has: ["C'est pour vous"] },
      { say: 'non', has: ['Quel numéro'] },
      { say: '77 12 34 5', has: ['« 77 12 34 5 »'] },
      { say: '77 123 45 14', has: [SUMMARY_FR] },
    ],
  },
  // ---------------------------------------------------------------- 6. amounts outside the rules
  {
    name: '6a fr "credit 50": below the minimum, with the real range and 100 FCFA',
    turns: [
      {
        say: 'credit 50 pour 77 123 45 15',
        has: [
          '50 FCFA',
          'minimum',
          'de 100 FCFA à 100 000 FCFA',
          'le plus proche : 100 FCFA',
          'Quel montant',
        ],
        lacks: [SUMMARY_FR],
      },
      { say: '1000', has: [SUMMARY_FR] },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [ORANGE, '771234515', 1000] } },
    ],
  },
  {
    name: '6b fr "credit 500000": above the maximum, with the real range and 100 000 FCFA',
    turns: [
      {
        say: 'credit 500000 pour 77 123 45 16',
        has: ['500 000 FCFA', 'maximum', 'de 100 FCFA à 100 000 FCFA', 'le plus proche : 100 000 FCFA'],
        lacks: [SUMMARY_FR],
      },
    ],
  },
  {
    name: '6c en "airtime 50": below the minimum',
    turns: [
      {
        say: 'airtime 50 to 77 123 45 17',
        has: ['50 FCFA is below the minimum', 'from 100 FCFA to 100 000 FCFA'],
      },
    ],
  },
  {
    name: '6d wo "kredi 500000": above the maximum, in Wolof',
    turns: [
      { say: 'dama bëgg kredi 500000 ci 77 123 45 18', has: ['500 000 FCFA dafa bare', '100 000 FCFA'] },
    ],
  },
  {
    name: '6e fr "credit 50" from the customer\'s own phone explains before asking "for you?"',
    turns: [{ say: 'credit 50', has: ['de 100 FCFA à 100 000 FCFA', "C'est pour vous"] }],
  },
  {
    name: '6f fr Woyofal 500: below its own minimum of 1 000 FCFA',
    turns: [{ say: 'woyofal 500 compteur 14256987412', has: ['500 FCFA', 'de 1 000 FCFA à 200 000 FCFA'] }],
  },
  {
    name: '6g fr Rapido 7000: multiples of 5 000, the nearest valid amounts',
    turns: [
      { say: 'rapido 123456789 7000', has: ['par multiples de 5 000 FCFA', '5 000 FCFA ou 10 000 FCFA'] },
    ],
  },
  {
    name: '6h fr "credit 1003": not a multiple of 5, the nearest valid amounts',
    turns: [{ say: 'credit 1003 pour 77 123 45 19', has: ['1 000 FCFA ou 1 005 FCFA'] }],
  },
  {
    name: '6i CI customer: "credit 50 pour 07 07 07 07 20" names Orange CI\'s range',
    country: 'CI',
    turns: [{ say: 'credit 50 pour 07 07 07 07 20', has: ['50 FCFA', 'de 100 FCFA'] }],
  },
  {
    name: '6j fr "credit 150000": above the airtime maximum, nothing asked to pay',
    turns: [
      { say: 'credit 150000 pour 77 123 45 21', has: ['150 000 FCFA', '100 000 FCFA'], lacks: [SUMMARY_FR] },
    ],
  },
  // ---------------------------------------------------------------- 5. cross-border
  {
    name: '5a fr Senegal customer buys Ivorian airtime, pays with a Senegal wallet',
    turns: [
      {
        say: 'credit 1000 pour 07 07 07 07 07',
        has: ['Crédit Orange 1 000 FCFA pour 07 07 07 07 07', '1. Wave', '2. Orange Money'],
        lacks: ['MTN MoMo'],
      },
      { say: '2', money: { collect: [OM, 'SELF'], deliver: [ORANGE_CI, '0707070707', 1000] } },
    ],
  },
  {
    name: "5b en Senegal customer buys MTN Côte d'Ivoire airtime with Wave",
    turns: [
      { say: 'airtime 2000 to 05 05 05 05 05', has: ['MTN airtime 2 000 FCFA'] },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [MTN_CI, '0505050505', 2000] } },
    ],
  },
  {
    name: '5c fr Ivorian customer buying Senegal airtime is offered Ivorian wallets',
    country: 'CI',
    turns: [
      {
        say: 'credit 1000 pour 77 123 45 22',
        has: ['Crédit Orange 1 000 FCFA pour 77 123 45 22'],
        lacks: ['1. Wave'],
      },
    ],
  },
  {
    name: '5d fr after cancelling a cross-border order nothing says "à payer avec"',
    turns: [
      { say: 'credit 1000 pour 07 07 07 07 23' },
      { say: 'annuler', has: ["C'est annulé"], lacks: ['à payer avec'] },
    ],
  },
  {
    name: '5e fr Ivorian customer buys Ivorian airtime with an Ivorian wallet',
    country: 'CI',
    turns: [
      { say: 'credit 1000 pour 07 07 07 07 24', has: [SUMMARY_FR, 'Crédit Orange 1 000 FCFA'] },
      { say: 'non', has: ["C'est annulé"] },
    ],
  },
  {
    name: '5f fr Ivorian customer pays Ivorian airtime with Orange Money CI',
    country: 'CI',
    turns: [
      { say: 'credit 1000 pour 07 07 07 07 25', has: ['1. Orange Money'] },
      {
        say: 'orange money',
        money: { collect: ['ORANGE_CI_API_CASH_OUT', 'SELF'], deliver: [ORANGE_CI, '0707070725', 1000] },
      },
    ],
  },
  {
    name: '5g en Ivorian customer: "2" means the same wallet in two orders',
    country: 'CI',
    turns: [
      { say: 'airtime 1000 to 05 05 05 05 26', has: [SUMMARY_EN, '2. MTN MoMo'] },
      {
        say: '2',
        money: { collect: ['MTN_CI_API_CASH_OUT', 'SELF'], deliver: [MTN_CI, '0505050526', 1000] },
      },
      { say: 'airtime 500 to 05 05 05 05 26', has: ['Pay with MTN MoMo', '1 for Orange Money'] },
      { say: '2', money: { collect: ['MTN_CI_API_CASH_OUT', 'SELF'], deliver: [MTN_CI, '0505050526', 500] } },
    ],
  },
  {
    name: '5h fr Ivorian customer: "les deux" at the wallet menu pays nothing',
    country: 'CI',
    turns: [
      { say: 'credit 1000 pour 07 07 07 07 27' },
      { say: 'les deux', has: ['« les deux »'] },
      { say: 'non', has: ["C'est annulé"] },
    ],
  },
  // ---------------------------------------------------------------- 7. the save offer never steals a message
  {
    name: '7a fr no "save it?" with the payment instructions; "c\'est bon ?" is not a name',
    turns: [
      { say: 'credit 1000 pour 76 123 45 25' },
      {
        say: '1',
        money: { collect: [WAVE, 'SELF'], deliver: [FREE, '761234525', 1000] },
        lacks: ['sous un nom'],
      },
      { say: "c'est bon ?", lacks: ['Quel nom lui donner'] },
    ],
  },
  {
    name: '7b fr the offer comes alone once paid; a name saves it; the name then works',
    turns: [
      { say: 'credit 1000 pour 76 123 45 26' },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [FREE, '761234526', 1000] } },
      { say: 'merci', has: ['Voulez-vous enregistrer le 76 123 45 26 sous un nom ?'] },
      { say: 'tata', has: ['*tata* = 76 123 45 26'] },
      { say: 'recharge tata 500', has: ['Crédit Free 500 FCFA pour 76 123 45 26'] },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [FREE, '761234526', 500] } },
    ],
  },
  {
    name: '7c fr a new request at the offer is handled as a request, nothing saved',
    turns: [
      { say: 'credit 1000 pour 76 123 45 27' },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [FREE, '761234527', 1000] } },
      { say: 'merci', has: ['sous un nom'] },
      { say: 'credit 500 pour 76 123 45 28', has: [SUMMARY_FR, 'pour 76 123 45 28'], lacks: ["C'est noté"] },
    ],
  },
  {
    name: '7d en "no" to the offer drops it',
    turns: [
      { say: 'airtime 1000 to 76 123 45 29' },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [FREE, '761234529', 1000] } },
      { say: 'thanks', has: ['under a name'] },
      { say: 'no', has: ['👍'] },
    ],
  },
  // ---------------------------------------------------------------- 9. menu labels understood
  {
    name: '9a wo "sama commande yi" (the Wolof menu label) opens the orders',
    turns: [
      { say: 'menu' },
      { say: 'sama commande yi', lacks: ['dégguma', 'pas bien compris'], has: [/commande|Amaguloo/] },
    ],
  },
  {
    name: '9b fr "mes commandes" at the menu opens the orders',
    turns: [{ say: 'menu' }, { say: 'mes commandes', has: [/commande/i], lacks: ['pas bien compris'] }],
  },
  {
    name: '9c en "my orders" at the menu opens the orders',
    turns: [{ say: 'hello' }, { say: 'my orders', has: [/order/i], lacks: ["didn't quite get"] }],
  },
  {
    name: '9d fr "crédit téléphone" at the menu starts airtime',
    turns: [{ say: 'menu' }, { say: 'crédit téléphone', has: ["C'est pour vous"] }],
  },
  {
    name: '9e en "phone airtime" at the menu starts airtime',
    turns: [{ say: 'hello' }, { say: 'phone airtime', has: ['Is it for you'] }],
  },
  {
    name: '9f wo "kredi telefon" at the menu starts airtime',
    turns: [
      { say: 'salaam aleekum' },
      { say: 'kredi telefon', has: [/Ci yow la|Is it for you|C'est pour vous/] },
    ],
  },
  {
    name: '9g fr "factures et woyofal" at the menu lists the bills',
    turns: [{ say: 'menu' }, { say: 'factures et woyofal', has: ['Quelle facture ou recharge ?'] }],
  },
  // ---------------------------------------------------------------- whole flows
  {
    name: 'F1 fr Senelec: the bill left after 1g, paid with Wave',
    turns: [
      // Bill 2 was paid in 1g: the one left goes straight to the summary.
      {
        say: 'facture senelec 21050176023',
        has: [SUMMARY_FR, 'Facture Senelec 18 450 FCFA (n° 21050176023)'],
      },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [SENELEC, '21050176023', 18_450] } },
    ],
  },
  {
    name: 'F2 fr SenEau single bill goes straight to the summary',
    turns: [
      { say: 'facture seneau 106032682913', has: [SUMMARY_FR, '9 875 FCFA'] },
      {
        say: 'orange money',
        money: { collect: [OM, 'SELF'], deliver: ['SENEAU_SN_BILL_PAY', '106032682913', 9875] },
      },
    ],
  },
  {
    name: 'F3 en Woyofal step by step',
    turns: [
      { say: 'I want to buy woyofal', has: ['What is your Woyofal number'] },
      { say: '14256987412', has: ['How much for Woyofal'] },
      { say: '5000', has: [SUMMARY_EN, 'Woyofal 5 000 FCFA (no. 14256987412)'] },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [WOYOFAL, '14256987412', 5000] } },
    ],
  },
  {
    name: 'F4 fr missing slots one by one: for me, then the amount',
    turns: [
      { say: 'je veux du crédit', has: ["C'est pour vous"] },
      { say: 'oui', has: ['Quel montant'] },
      { say: '1000', has: [SUMMARY_FR] },
      { say: '1', money: { collect: [WAVE, 'SELF'], deliver: [ORANGE, 'SELF', 1000] } },
    ],
  },
  {
    name: 'F5 wo summary and the confirmation are Wolof (no "Récapitulatif", no "Opérateur")',
    turns: [
      {
        say: 'dama bëgg kredi 1000 ci 77 123 45 30',
        has: [SUMMARY_WO, 'Operatëer : Orange'],
        lacks: ['Récapitulatif', 'Opérateur', 'crédit'],
      },
      { say: 'déedéet', has: ['Bàyyi nanu ko'] },
    ],
  },
  {
    name: 'F6 fr an unknown bill account is named back',
    turns: [{ say: 'facture senelec 21050176000', has: ['Aucune facture impayée', 'Vérifiez le numéro'] }],
  },
  // ---------------------------------------------------------------- amounts refused, unknown services
  {
    name: 'A1 fr "credit -500": refused as typed, never a summary with 500; the amount asked again',
    turns: [
      {
        say: 'credit -500 pour 77 123 45 67',
        has: ['« -500 »', 'nombre entier', 'Quel montant pour Orange'],
        lacks: [SUMMARY_FR, '500 FCFA pour'],
      },
      { say: '1000', has: [SUMMARY_FR, 'Crédit Orange 1 000 FCFA pour 77 123 45 67'] },
      { say: 'non', has: ["C'est annulé"] },
    ],
  },
  {
    name: 'A2 fr "1000,50": a decimal amount is refused, never read as 1 000 or 100 050',
    turns: [
      { say: 'credit pour 78 000 13 01', has: ['Quel montant pour Orange'] },
      {
        say: '1000,50',
        has: ['« 1000,50 »', 'nombre entier'],
        lacks: [SUMMARY_FR, '1 000 FCFA', '100 050'],
      },
      { say: '1000', has: [SUMMARY_FR, 'Crédit Orange 1 000 FCFA pour 78 000 13 01'] },
      { say: '2', money: { collect: [OM, 'SELF'], deliver: [ORANGE, '780001301', 1000] } },
    ],
  },
  {
    name: 'A3 en "airtime -500" and wo "1000.50": refused in the customer\'s language',
    turns: [
      {
        say: 'airtime -500 to 78 000 13 02',
        has: ['"-500"', 'whole number'],
        lacks: [SUMMARY_EN, '500 FCFA for'],
      },
      { say: 'wolof', has: ['wolof'] },
      {
        say: 'kredi 1000.50 ci 78 000 13 02',
        has: ['« 1000.50 »', 'lim bu mat'],
        lacks: [SUMMARY_WO, 'Kredi Orange 1 000'],
      },
    ],
  },
  {
    name: 'U1 fr "payer ma facture Sonatel": the unknown service is named back with the services we pay',
    turns: [
      {
        say: 'payer ma facture Sonatel',
        has: ['Je ne connais pas « Sonatel »', 'Quelle facture ou recharge ?', '1. Senelec', 'Woyofal'],
        lacks: ['pas bien compris'],
      },
      { say: '1', has: ['Senelec'] },
    ],
  },
  {
    name: 'U2 en "pay my Canal bill" names Canal back; wo "fey sama facture Sonatel" in Wolof',
    turns: [
      { say: 'pay my Canal bill', has: ['I don\'t know "Canal"', 'Which bill or top-up?', 'Senelec'] },
      { say: 'wolof', has: ['wolof'] },
      { say: 'fey sama facture Sonatel', has: ['Xamuma « Sonatel »', 'Ban facture walla ban recharge ?'] },
    ],
  },
  // ---------------------------------------------------------------- paying from other numbers (limits)
  {
    name: 'L1 fr two other paying numbers a day are fine; a third gets a clear refusal and no request',
    turns: [
      { say: 'credit 500 pour 78 000 13 11' },
      { say: 'payer avec le 77 999 01 01', has: ['La demande de paiement sera envoyée au 77 999 01 01'] },
      { say: '2', money: { collect: [OM, '779990101'], deliver: [ORANGE, '780001311', 500] } },
      { say: 'credit 500 pour 78 000 13 12' },
      { say: 'payer avec le 77 999 01 02', has: ['77 999 01 02'] },
      { say: '2', money: { collect: [OM, '779990102'], deliver: [ORANGE, '780001312', 500] } },
      { say: 'credit 500 pour 78 000 13 13' },
      { say: 'payer avec le 77 999 01 03', has: ['77 999 01 03'] },
      {
        say: '2',
        has: ['plusieurs autres numéros', 'Aucun montant'],
        lacks: ['validez', 'Paiement de'],
        money: NOTHING,
      },
    ],
  },
  {
    name: 'L2 fr a payment request already waiting on a number: another chat asking it gets a clear refusal',
    scripts: [{ match: { codeService: OM, phone: '779990201' }, outcome: 'never_validated' }],
    turns: [
      { from: '+221773999201', say: 'credit 500 pour 78 000 13 21' },
      { from: '+221773999201', say: 'payer avec le 77 999 02 01' },
      { from: '+221773999201', say: '2', waiting: [OM, '779990201'] },
      { say: 'credit 500 pour 78 000 13 22' },
      { say: 'payer avec le 77 999 02 01', has: ['77 999 02 01'] },
      {
        say: '2',
        has: ['Une demande de paiement attend déjà sur ce numéro', 'Aucun montant'],
        money: NOTHING,
      },
    ],
  },
];

function phoneFor(i: number, country: 'SN' | 'CI'): string {
  return country === 'SN' ? `+22177${String(3_000_000 + i)}` : `+22507${String(30_000_000 + i)}`;
}

const national = (e164: string) => (e164.startsWith('+221') ? e164.slice(4) : e164.slice(4));

function check(text: string, turn: Turn, where: string): void {
  for (const h of turn.has ?? []) {
    if (typeof h === 'string') expect(text, where).toContain(h);
    else expect(text, where).toMatch(h);
  }
  for (const l of turn.lacks ?? []) {
    if (typeof l === 'string') expect(text, where).not.toContain(l);
    else expect(text, where).not.toMatch(l);
  }
}

function checkMoney(txs: SimTransaction[], money: Money | undefined, self: string, where: string): void {
  if (!money) {
    expect(
      txs.map((t) => `${t.codeService} ${t.phone} ${t.amount}`),
      `${where}: nothing may reach Intech`,
    ).toEqual([]);
    return;
  }
  const me = national(self);
  const collects = txs.filter((t) => /CASH_OUT/.test(t.codeService));
  const delivers = txs.filter((t) => !/CASH_OUT/.test(t.codeService));
  expect(
    collects.map((t) => [t.codeService, t.phone]),
    `${where}: collect`,
  ).toEqual([[money.collect[0], money.collect[1] === 'SELF' ? me : money.collect[1]]]);
  const [code, to, amount] = money.deliver;
  expect(delivers, `${where}: one delivery`).toHaveLength(1);
  const d = delivers[0]!;
  expect(d.codeService, `${where}: delivery service`).toBe(code);
  expect(d.amount, `${where}: delivery amount`).toBe(amount);
  expect(collects[0]!.amount, `${where}: collected amount`).toBe(amount);
  const dest = to === 'SELF' ? me : to;
  expect(d.accountNumber ?? d.phone, `${where}: delivered to`).toBe(dest);
}

describe('issue #9 dialogue table (real bot + Intech simulator)', () => {
  let sim: SimBot;
  beforeAll(async () => {
    sim = await SimBot.start();
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('has at least 60 dialogues covering FR, EN, WO, SN and CI', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(CASES.some((c) => c.country === 'CI')).toBe(true);
  });

  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const own = phoneFor(i, c.country ?? 'SN');
    for (const s of c.scripts ?? []) sim.bot.simulator!.control.script(s);
    for (const [n, turn] of c.turns.entries()) {
      const where = `turn ${n + 1} "${turn.say}"`;
      const from = turn.from ?? own;
      const out = await sim.turn(from, turn.say, { settle: !turn.waiting });
      check(out.replies, turn, `${where}:\n${out.replies}\n`);
      if (turn.waiting) {
        expect(
          out.txs.map((t) => [t.codeService, t.phone, t.status]),
          `${where}: one request left waiting`,
        ).toEqual([[turn.waiting[0], turn.waiting[1], 'PENDING']]);
      } else checkMoney(out.txs, turn.money, from, `${where}:\n${out.replies}\n`);
    }
  });
});
