// Scripted dialogues end to end through the real rule parser (src/parser/rules.ts) and the machine:
// customer lines -> the reply must contain… / the commands emitted.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/types.js';
import type { Command } from '../../src/conversation/types.js';
import type { PlaceOrderInput } from '../../src/orders/types.js';
import type { Customer } from '../../src/store/types.js';
import {
  Dialog,
  FREE,
  ME,
  OM,
  ORANGE,
  order,
  RAPIDO,
  SENELEC,
  testCatalog,
  WAVE,
  WOYOFAL,
} from './helpers.js';

let catalog: Catalog;
beforeAll(async () => {
  catalog = await testCatalog();
});

interface Line {
  say: string;
  contains?: string[];
  lacks?: string[];
  /** Exactly these orders placed by this line (none when absent). */
  places?: Partial<PlaceOrderInput>[];
  commands?: Command[];
  pending?: string | null;
}

interface Script {
  name: string;
  customer?: Partial<Customer>;
  recentOrders?: ReturnType<typeof order>[];
  lines: Line[];
}

const TWO_BILLS = {
  ok: true as const,
  bills: [
    {
      amount: 12_500,
      billReference: 'F-1',
      infos: [
        { label: 'Nom client', value: 'FALL AWA' },
        { label: "Date d'échéance", value: '15/12/2026' },
      ],
    },
    {
      amount: 9_000,
      billReference: 'F-2',
      infos: [
        { label: 'Nom client', value: 'FALL AWA' },
        { label: "Date d'échéance", value: '15/01/2027' },
      ],
    },
  ],
};

const SCRIPTS: Script[] = [
  {
    name: 'fr one-shot: request, then the wallet number',
    lines: [
      {
        say: 'crédit 1000 au 77 123 45 67',
        contains: [
          '*Récapitulatif*\nCrédit Orange 1 000 FCFA pour 77 123 45 67',
          'Opérateur détecté : Orange',
          '1. Wave\n2. Orange Money',
        ],
      },
      {
        say: '2',
        places: [
          {
            codeService: ORANGE,
            amount: 1000,
            recipient: '+221771234567',
            payment: { codeService: OM, payer: ME },
          },
        ],
        // The order desk's payment message is the only one; the conversation does not repeat it.
        lacks: ['Commande *XB1*'],
      },
    ],
  },
  {
    name: 'en returning customer: request, then just yes',
    customer: { lang: 'en', wallet: { codeService: WAVE, payer: ME } },
    lines: [
      {
        say: 'airtime 2000 to 77 123 45 67',
        contains: ['Pay with Wave (77 000 00 01) — reply *yes* to confirm'],
      },
      { say: 'yes', places: [{ amount: 2000, payment: { codeService: WAVE, payer: ME } }] },
    ],
  },
  {
    name: 'wo returning customer: request, then waaw',
    customer: { lang: 'wo', wallet: { codeService: OM, payer: ME } },
    lines: [
      {
        say: 'dama bëgg kredi 1000 ci 77 123 45 67',
        contains: ['Kredi Orange 1 000 FCFA ci 77 123 45 67', 'Fey ak Orange Money (77 000 00 01)'],
      },
      {
        say: 'waaw',
        places: [{ amount: 1000, recipient: '+221771234567', payment: { codeService: OM, payer: ME } }],
      },
    ],
  },
  {
    name: 'fr missing slots one by one, then operator correction',
    lines: [
      { say: 'je veux du crédit', contains: ["C'est pour vous, *77 000 00 01* ?"] },
      { say: 'oui', contains: ['Quel montant pour Orange'] },
      { say: '1000', contains: ['Crédit Orange 1 000 FCFA pour 77 000 00 01'] },
      { say: 'free', contains: ['Crédit Free 1 000 FCFA pour 77 000 00 01'], lacks: ['Opérateur détecté'] },
      { say: '1', places: [{ codeService: FREE, recipient: ME, payment: { codeService: WAVE, payer: ME } }] },
    ],
  },
  {
    name: 'en: not for me, then the number',
    customer: { lang: 'en' },
    lines: [
      { say: 'airtime 500', contains: ['Is it for you'] },
      { say: 'no', contains: ['Which number should I top up'] },
      { say: '76 123 45 67', contains: ['Free airtime 500 FCFA for 76 123 45 67'] },
      { say: 'no', contains: ['Cancelled, nothing was charged'], pending: null },
    ],
  },
  {
    name: 'fr Senelec: bills listed, pick, confirm',
    lines: [
      {
        say: 'payer ma facture senelec 21050176023',
        contains: [
          '1. 12 500 FCFA — FALL AWA — échéance 15/12/2026',
          '2. 9 000 FCFA — FALL AWA — échéance 15/01/2027',
        ],
        commands: [{ type: 'lookupBills', codeService: SENELEC, account: '21050176023' }],
      },
      { say: '2', contains: ['Facture Senelec 9 000 FCFA (n° 21050176023)', 'Nom : FALL AWA'] },
      {
        say: '1',
        places: [{ kind: 'bill_pay', billReference: 'F-2', amount: 9000, account: '21050176023' }],
      },
    ],
  },
  {
    name: 'fr Rapido: amount rule with the nearest valid amounts',
    lines: [
      {
        say: 'rapido 123456789 7000',
        contains: [
          'multiple de 5 000 FCFA (Rapido). Montants possibles : 5 000 FCFA ou 10 000 FCFA.',
          // The examples obey the same rule as the refusal.
          'Quel montant pour Rapido ? (ex. 5 000, 10 000, 20 000)',
        ],
        lacks: ['ex. 500,'],
        pending: 'amount',
      },
      { say: '10000', contains: ['Rapido 10 000 FCFA'] },
      { say: 'annuler', contains: ["C'est annulé"], pending: null },
    ],
  },
  {
    name: 'wo: "waaw" to a summary with several wallets asks which one, in Wolof',
    customer: { lang: 'wo' },
    lines: [
      { say: 'dama bëgg jënd kredi 500 ci 76 123 45 67', contains: ['Kredi Free 500 FCFA ci 76 123 45 67'] },
      { say: 'waaw', contains: ['Ak lan ngay fey ?', '1. Wave'], lacks: ['moyen de paiement'] },
      { say: '1', places: [{ kind: 'airtime', amount: 500, recipient: '+221761234567' }] },
    ],
  },
  {
    name: 'wo Woyofal step by step',
    customer: { lang: 'wo' },
    lines: [
      { say: 'woyofal', contains: ['Woyofal'], pending: 'account' },
      { say: '12345678901', contains: ['Ñaata'] },
      { say: '5000', contains: ['Woyofal 5 000 FCFA (n° 12345678901)'] },
      {
        say: '1',
        places: [{ codeService: WOYOFAL, account: '12345678901', amount: 5000 }],
        contains: ['ak benn tur'],
      },
      { say: 'kër', contains: ['Denc naa ko : *kër*'] },
    ],
  },
  {
    name: 'fr nickname offered, saved, then used',
    lines: [
      { say: 'credit 1000 76 123 45 67' },
      {
        say: '1',
        contains: ['Voulez-vous enregistrer le 76 123 45 67'],
        places: [{ recipient: '+221761234567' }],
      },
      { say: 'maman', contains: ["C'est noté : *maman* = 76 123 45 67"] },
      { say: 'recharge maman 500', contains: ['Crédit Free 500 FCFA pour 76 123 45 67', 'Payer avec Wave'] },
      {
        say: 'oui',
        places: [{ recipient: '+221761234567', amount: 500, codeService: FREE }],
        lacks: ['enregistrer'],
      },
    ],
  },
  {
    name: 'en unknown phone (WhatsApp @lid): payer number asked',
    customer: { lang: 'en', phone: null, id: 'lid:7@lid' },
    lines: [
      { say: 'airtime 1000 to 77 123 45 67', contains: ['Which number will you pay from'] },
      { say: '78 111 22 33', contains: ['Paying number: 78 111 22 33'] },
      {
        say: '1',
        places: [{ customerId: 'lid:7@lid', payment: { codeService: WAVE, payer: '+221781112233' } }],
      },
    ],
  },
  {
    name: 'fr STOP, START, language switch, cancel with nothing going on',
    lines: [
      { say: 'STOP', commands: [{ type: 'saveCustomer', patch: { subscribed: false } }] },
      { say: 'START', commands: [{ type: 'saveCustomer', patch: { subscribed: true } }] },
      {
        say: 'english',
        contains: ["Noted, I'll speak English"],
        commands: [{ type: 'saveCustomer', patch: { lang: 'en' } }],
      },
      { say: 'cancel', contains: ['Nothing is in progress'] },
    ],
  },
  {
    name: 'fr status, history and repeat of the last order',
    recentOrders: [
      order({
        id: 'XBLAST01',
        state: 'collecting',
        recipient: '+221761234567',
        codeService: FREE,
        amount: 2000,
        payment: { codeService: OM, payer: ME },
      }),
    ],
    lines: [
      { say: 'où en est ma commande', contains: ['*XBLAST01*', 'en attente de paiement'] },
      { say: 'historique', contains: ['*Vos dernières commandes*', '*XBLAST01* Crédit Free 2 000 FCFA'] },
      {
        say: 'comme la dernière fois',
        contains: ['Crédit Free 2 000 FCFA pour 76 123 45 67', 'Payer avec Orange Money'],
      },
      {
        say: 'oui',
        places: [
          {
            codeService: FREE,
            amount: 2000,
            recipient: '+221761234567',
            payment: { codeService: OM, payer: ME },
          },
        ],
      },
    ],
  },
  {
    name: 'wo: not understood shows the menu; menu 1 starts airtime',
    customer: { lang: 'wo' },
    lines: [
      { say: 'xyzzy plop', contains: ['Lan nga bëgg ?\n1. Kredi telefon'] },
      { say: '1', contains: ['Ci yow la, *77 000 00 01* ?'] },
      { say: 'déedéet', contains: ['Ban nimero'] },
    ],
  },
  {
    name: 'fr: the paying number can be changed at the summary without touching the recipient',
    lines: [
      { say: 'crédit 1000 pour 78 000 11 22', contains: ['Crédit Orange 1 000 FCFA pour 78 000 11 22'] },
      {
        say: 'payer avec le 76 999 88 77',
        contains: ['Crédit Orange 1 000 FCFA pour 78 000 11 22', '76 999 88 77'],
        pending: 'confirm',
      },
      {
        say: '2',
        places: [
          {
            recipient: '+221780001122',
            amount: 1000,
            payment: { codeService: 'ORANGE_SN_API_CASH_OUT', payer: '+221769998877' },
          },
        ],
      },
    ],
  },
  {
    name: 'en: pay from another number',
    customer: { lang: 'en' },
    lines: [
      { say: 'top up 500 on 77 123 45 67', contains: ['Orange airtime 500 FCFA for 77 123 45 67'] },
      { say: 'pay from 70 555 44 33', contains: ['70 555 44 33'] },
      {
        say: '1',
        places: [
          {
            recipient: '+221771234567',
            payment: { codeService: 'WAVE_SN_API_CASH_OUT', payer: '+221705554433' },
          },
        ],
      },
    ],
  },
  {
    name: 'fr menu: an amount given instead of the recipient is acknowledged, then kept',
    lines: [
      { say: 'bonjour', contains: ['1. Crédit téléphone'] },
      { say: '1', contains: ["C'est pour vous, *77 000 00 01* ?"] },
      { say: '2000', contains: ["C'est noté : 2 000 FCFA.", "C'est pour vous, *77 000 00 01* ?"] },
      { say: 'oui', contains: ['Crédit Orange 2 000 FCFA pour 77 000 00 01'] },
    ],
  },
];

describe('scripted dialogues through the real parser', () => {
  it.each(SCRIPTS)('$name', (script) => {
    const d = new Dialog(catalog, {
      customer: script.customer,
      recentOrders: script.recentOrders,
      bills: () => TWO_BILLS,
    });
    for (const line of script.lines) {
      const before = d.placed.length;
      const t = d.say(line.say);
      const ctx = `after "${line.say}":\n${t.reply}`;
      for (const c of line.contains ?? []) expect(t.reply, ctx).toContain(c);
      for (const c of line.lacks ?? []) expect(t.reply, ctx).not.toContain(c);
      const placed = d.placed.slice(before);
      expect(placed, ctx).toHaveLength(line.places?.length ?? 0);
      for (const [i, p] of (line.places ?? []).entries()) expect(placed[i], ctx).toMatchObject(p);
      for (const c of line.commands ?? []) expect(t.commands, ctx).toContainEqual(c);
      if (line.pending !== undefined) expect(d.conv.pending, ctx).toBe(line.pending);
    }
  });

  it('Rapido code constant is the one the catalog knows', () => {
    expect(catalog.get(RAPIDO)?.label).toBe('Rapido');
  });
});
