// Multi-word phrases (normalised, space padded) that mark an intent.
export const STATUS_PHRASES = [
  ' pa recu ',
  ' pas encore venu ',
  ' pas venu ',
  ' est passe ',
  ' paye mais ',
  ' payer mais ',
  ' paye waaye ',
  ' paid but ',
  ' got nothing ',
  ' haven t got ',
  ' havent got ',
  ' not got ',
  ' payment done ',
  ' is my payment ',
  ' go through ',
  ' gone through ',
  ' left my wallet ',
  ' pa encor ',
  ' ou en est ',
  ' ou en ',
  ' pas recu ',
  ' pas encore recu ',
  ' rien recu ',
  ' toujours rien ',
  ' toujours pas ',
  ' jamais recu ',
  ' not received ',
  ' didn t receive ',
  ' didnt receive ',
  ' did not receive ',
  ' haven t received ',
  ' havent received ',
  ' not arrived ',
  ' where is my ',
  ' where s my ',
  ' ma commande ',
  ' my order ',
  ' order status ',
  ' ana sama ',
  ' ana kredi ',
  ' ana credit ',
  ' dafa yagg ',
  ' ma transaction ',
  ' pas passe ',
  ' pas arrive ',
  ' n est pas arrive ',
  ' pas encore arrive ',
  ' toujours en attente ',
  ' en attente ',
];

export const HISTORY_PHRASES = [
  ' j ai achete ',
  ' jai achete ',
  ' what did i buy ',
  ' lan laa jend ',
  ' commande yi ',
  ' achats yi ',
  ' mes dernieres commandes ',
  ' mes derniers achats ',
  ' my last purchases ',
  ' my last orders ',
  ' my previous orders ',
  ' my past orders ',
  ' previous orders ',
  ' my purchases ',
  ' mes achats ',
  ' mes transactions ',
  ' mes operations ',
  ' mes commandes ',
  ' mes recharges ',
  ' mes paiements ',
  ' derniers achats ',
  ' dernieres transactions ',
  ' dernieres operations ',
  ' my purchases ',
  ' my transactions ',
  ' my orders ',
  ' past orders ',
  ' liste des achats ',
  ' sama transactions ',
  ' sama achats ',
];

export const STOP_PHRASES = [
  ' bul ma yonnee ',
  ' bul ma yonne ',
  ' ne plus recevoir ',
  ' plus recevoir ',
  ' plus de message ',
  ' plus de messages ',
  ' pas de messages ',
  ' ne m envoyez plus ',
  ' ne m envoie plus ',
  ' stop sending ',
  ' don t send ',
  ' dont send ',
  ' no more messages ',
];

export const START_PHRASES = [
  ' recevoir les messages ',
  ' recevoir vos messages ',
  ' recevoir les offres ',
  ' recevoir les promos ',
  ' recevoir vos offres ',
  ' send me messages ',
  ' send me offers ',
  ' reactiver les messages ',
];

export const CANCEL_PHRASES = [
  ' laisse tomber ',
  ' laissez tomber ',
  ' pas la peine ',
  ' oublie ca ',
  ' never mind ',
  ' nevermind ',
  ' forget it ',
];

export const REPEAT_PHRASES = [
  ' mm chose ',
  ' ni bu jekk ',
  ' do it again ',
  ' meme chose ',
  ' la meme ',
  ' comme la derniere fois ',
  ' comme d habitude ',
  ' comme avant ',
  ' same again ',
  ' same as last time ',
  ' same thing ',
  ' last time ',
  ' derniere fois ',
  ' ni mu mel ',
];

export const YES_PHRASES = [
  ' c bon ',
  ' that s right ',
  ' thats right ',
  ' c est bon ',
  ' cest bon ',
  ' vas y ',
  ' allez y ',
  ' bien sur ',
  ' of course ',
  ' go ahead ',
];

export const NO_PHRASES = [' non merci ', ' no thanks ', ' pas du tout '];

export const HELP_PHRASES = [
  ' how do i use ',
  ' comprends pas ',
  ' comprends rien ',
  ' comprend pas ',
  ' comprend rien ',
  ' comment ca marche ',
  ' que pouvez vous faire ',
  ' what can you do ',
  ' how does it work ',
  ' c est combien ',
];

export type PhraseKind =
  | 'status'
  | 'history'
  | 'stop'
  | 'start'
  | 'cancel'
  | 'repeat'
  | 'yes'
  | 'no'
  | 'help';

const LISTS: [PhraseKind, string[]][] = [
  ['status', STATUS_PHRASES],
  ['history', HISTORY_PHRASES],
  ['stop', STOP_PHRASES],
  ['start', START_PHRASES],
  ['cancel', CANCEL_PHRASES],
  ['repeat', REPEAT_PHRASES],
  ['yes', YES_PHRASES],
  ['no', NO_PHRASES],
  ['help', HELP_PHRASES],
];

// Phrases indexed by their first word: a message is only compared with phrases that can start in it.
const INDEX = new Map<string, { words: string[]; kind: PhraseKind }[]>();
for (const [kind, list] of LISTS) {
  for (const p of list) {
    const words = p.trim().split(' ');
    const first = words[0]!;
    let bucket = INDEX.get(first);
    if (!bucket) {
      bucket = [];
      INDEX.set(first, bucket);
    }
    bucket.push({ words, kind });
  }
}

/** The phrase kinds found in a message's words (normalised, in order). */
export function matchPhrases(words: readonly string[]): Set<PhraseKind> {
  const found = new Set<PhraseKind>();
  for (let i = 0; i < words.length; i++) {
    const bucket = INDEX.get(words[i]!);
    if (!bucket) continue;
    for (const { words: pw, kind } of bucket) {
      if (found.has(kind) || i + pw.length > words.length) continue;
      let ok = true;
      for (let k = 1; k < pw.length; k++) {
        if (words[i + k] !== pw[k]) {
          ok = false;
          break;
        }
      }
      if (ok) found.add(kind);
    }
  }
  return found;
}
