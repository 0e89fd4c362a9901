// Pending-bill fixtures for every _BILL_PAY service (documented in README.md).
import type { PendingBill } from '../../intech/types.js';

export type BillAccount =
  | { kind: 'bills'; bills: (PendingBill & { paid?: boolean; reservedBy?: string })[] }
  /** list-pending-bills fails with code 4000 and this msg (e.g. an older unpaid bill). */
  | { kind: 'blocked'; msg: string };

const info = (label: string, value: string) => ({ label, value });
const bill = (
  amount: number,
  billReference: string,
  name: string,
  due: string,
  extra: [string, string][] = [],
) => ({
  amount,
  billReference,
  infos: [info('Nom client', name), info("Date d'échéance", due), ...extra.map(([l, v]) => info(l, v))],
});
const OLDER_UNPAID =
  "Une facture plus ancienne est impayée pour ce compte. Veuillez d'abord régler la facture la plus ancienne en agence.";

/** codeService -> billAccountNumber -> account. */
export function billFixtures(): Record<string, Record<string, BillAccount>> {
  return {
    SENELEC_SN_BILL_PAY: {
      '21050176023': {
        kind: 'bills',
        bills: [
          bill(18_450, '202609-21050176023', 'Moussa Diop', '15/10/2026', [['Période', 'Septembre 2026']]),
          bill(21_300, '202610-21050176023', 'Moussa Diop', '15/11/2026', [['Période', 'Octobre 2026']]),
        ],
      },
      '21050176000': { kind: 'bills', bills: [] },
      '21050176099': { kind: 'blocked', msg: OLDER_UNPAID },
    },
    SENEAU_SN_BILL_PAY: {
      '106032682913': {
        kind: 'bills',
        bills: [bill(9_875, 'SDE-2026-10-106032682913', 'Awa Ndiaye', '20/11/2026')],
      },
      '106032682900': { kind: 'bills', bills: [] },
      '106032682999': { kind: 'blocked', msg: OLDER_UNPAID },
    },
    AQUATECH_SN_BILL_PAY: {
      '7001234567': {
        kind: 'bills',
        bills: [bill(6_500, 'AQT-2026-10-7001234567', 'Ibrahima Fall', '30/11/2026')],
      },
      '7001234500': { kind: 'bills', bills: [] },
      '7001234599': { kind: 'blocked', msg: OLDER_UNPAID },
    },
    UCAD_SN_BILL_PAY: {
      '20240001': {
        kind: 'bills',
        bills: [
          bill(25_000, 'UCAD-2026-INS-20240001', 'Fatou Sarr', '31/12/2026', [
            ['Libellé', "Frais d'inscription"],
          ]),
        ],
      },
      '20240000': { kind: 'bills', bills: [] },
      '20240099': { kind: 'blocked', msg: OLDER_UNPAID },
    },
    UVS_SN_BILL_PAY: {
      '30240001': {
        kind: 'bills',
        bills: [
          bill(30_000, 'UVS-2026-INS-30240001', 'Cheikh Ba', '31/12/2026', [
            ['Libellé', "Frais d'inscription"],
          ]),
        ],
      },
      '30240000': { kind: 'bills', bills: [] },
      '30240099': { kind: 'blocked', msg: OLDER_UNPAID },
    },
  };
}
