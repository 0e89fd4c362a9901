// Words and phrases the rule parser knows, accents stripped (normalize.ts): intents, operators,
// billers, wallets, and which language a word gives away. Misspellings are listed explicitly; the
// fuzzy matcher (fuzzy.ts) catches one-letter slips on the longer words.
import type { Lang } from '../i18n/lang.js';

export type Tag =
  | 'airtime'
  | 'reload'
  | 'bill'
  | 'pay'
  | 'elec'
  | 'water'
  | 'meter'
  | 'account_kw'
  | 'money_word'
  | 'yes'
  | 'no'
  | 'cancel'
  | 'stop'
  | 'start'
  | 'history'
  | 'status'
  | 'help'
  | 'greeting'
  | 'thanks'
  | 'price'
  | 'repeat'
  | 'self'
  | 'phone_word'
  | 'lang_word'
  | 'speak'
  | 'filler';

/** Space-separated word lists (compact, and the formatter leaves them alone). */
const w = (s: string): string[] => s.split(' ').filter(Boolean);

const entries: [Tag, string[]][] = [
  [
    'airtime',
    w(
      'credit credits credi credis kredi kredit kredits cridit credt crdit cedit crediy creddit airtime ' +
        'unites unite seddo izi topup recharg recharj',
    ),
  ],
  [
    'reload',
    w(
      'recharg recharj recharge recharges recharger rechargez rechargement rechage rechrge reacharge ' +
        'recharche rechargee recharje recharjer rechargé achat acheter achete achetez buy jend jenda ' +
        'jeund jeend top envoie envoyer envoi envoyez envoye send yonnee yonne yonnel yonneel yonnal yone ' +
        'mets met mettre jox diokh dokh joxal may mayma get load reload faire fais fait mettez put jendal jenndal',
    ),
  ],
  ['bill', w('facture factures factur fatur fature facturé factire factu bill bills')],
  ['pay', w('payer paye payez paie paiement regler reglement pay fey fay feyal')],
  ['elec', w('electricite electricity elec courant lumiere kurang kuran')],
  ['water', w('eau water ndox ndokh')],
  ['meter', w('compteur conteur comteur compter meter cashpower')],
  ['account_kw', w('contrat reference ref police carte card account compte numero num number')],
  ['money_word', w('xaalis xalis khalis kaliss argent money')],
  [
    'yes',
    w(
      'oui ouii ouiii wi ouais ouai ok okay okk oki okey dac dacc daccord yes yep yeah yup sure confirm ' +
        'confirme confirmer confirmed valide valider validez waaw waw waaaw wa go 👍 👌 ✅',
    ),
  ],
  ['no', w('non nn nan no nope nah deedeet dedet deedet dedeet deet dede ❌')],
  [
    'cancel',
    w('annule annuler annulez annulation anule anuler annul cancel bayyi bayi baayi oublie bayyil bayyi'),
  ],
  [
    'stop',
    w(
      'stop stopp arret arrete arreter arretez arreté desabonner desabonne desabonnez desinscrire ' +
        'unsubscribe desabonnement desinscription',
    ),
  ],
  ['start', w('start abonner reabonner abonne subscribe resubscribe reabonnez')],
  ['history', w('historique historik histrique histo historiques history releve historic')],
  [
    'status',
    w('statut status suivi agsul aksul yagg yaag probleme problem souci reclamation debite debited preleve'),
  ],
  ['help', w('menu aide aidez help info infos ndimbal ndimbali jappale jappal services options')],
  [
    'greeting',
    w(
      'bonjour bjr bonsoir bsr salut slt hello hi hey salam salaam salamalekum salamaleikoum ' +
        'salamaleykoum salamalekoum assalamu assalamou asalamalekum alaykum aleykoum alaikum alaykoum ' +
        'nangadef nanga coucou yo morning evening afternoon',
    ),
  ],
  ['thanks', w('merci mrc thanks thank thx jerejef jerejeff djerejef jerejefe jerejeuf 🙏')],
  ['price', w('naata nyaata combien prix tarif tarifs frais cost fees fee')],
  ['repeat', w('encore again repeat refais refaire recommence ankit waatu encor')],
  ['self', w('moi me myself man mon sama my')],
  ['phone_word', w('telephone tel portable phone mobile telefon line ligne puce')],
  ['lang_word', w('francais french anglais english wolof ouolof lakk langue language')],
  ['speak', w('parle parler parlez speak wax waxal ecris ecrire write switch change changer')],
  [
    'filler',
    w(
      '? good oui non merci encore je j veux voudrais veut vouloir aimerais souhaite peux pouvez besoin pour ' +
        'pr au a aux le la les l de d du des un une ma mes ton sur avec svp stp sil plait vous tu te t il ' +
        'elle est c ce cet cette ca et ou en dans par m n ne pas plus qu que quoi y vas bien bon cest sa ' +
        'son se s mais donc alors aussi juste messages message msg sms francs fcfa f cfa frs maintenant ' +
        'vite rapidement telephone tel portable mobile chiffre montant somme toujours rien ai as avez ' +
        'recu recois recevoir commande commandes transaction transactions operation operations achats ' +
        'dernier derniere dernieres fois meme chose comme habitude ici frere soeur ami amie beaucoup ' +
        'tomber laisse laissez peine on of the to for i want would like need please pls plz can could you ' +
        'your is it in up some and with from just now order orders purchases received receive not didnt ' +
        'havent where what how much same last time phone do did be am are an this that very still dama ' +
        'damay begg beug begue bugg bug ci ko ak fi rekk rek bi yi gi li ba kay waay yow moom amul dafa ' +
        'dafay laa nga ngay mangi maangi ndax ana leen tey legi leegi maa nu loolu baax baal na def naka ' +
        'mu nekk jamm sunu seen xam xamul dinaa yaa bu dem jaay ni mel dekk kenn yonn dara ngir naa lay ' +
        'naan nyaan nimero avance give mettez mettre voici voila quels quel quelle sont vos votre ' +
        'impayees impayee impaye ya avoir comprends comprend pub pubs',
    ),
  ],
];

export const TAGS = new Map<string, Set<Tag>>();
for (const [tag, words] of entries) {
  for (const word of words) {
    let set = TAGS.get(word);
    if (!set) {
      set = new Set();
      TAGS.set(word, set);
    }
    set.add(tag);
  }
}

/** Operators: word -> operator. "free money", "orange money" are wallets, handled by the parser. */
export const OPERATORS: Record<string, string> = {
  orange: 'orange',
  orang: 'orange',
  oranje: 'orange',
  ornage: 'orange',
  oarnge: 'orange',
  orenge: 'orange',
  seddo: 'orange',
  free: 'free',
  fre: 'free',
  frii: 'free',
  fri: 'free',
  yas: 'free',
  izi: 'free',
  expresso: 'expresso',
  expreso: 'expresso',
  expresse: 'expresso',
  espresso: 'expresso',
  xpresso: 'expresso',
  exppresso: 'expresso',
  mtn: 'mtn',
  moov: 'moov',
  mouv: 'moov',
  moove: 'moov',
};

/** Wallets to pay from (collect), by word. Two-word forms are matched as phrases. */
export const WALLETS: Record<string, { SN?: string; CI?: string }> = {
  wave: { SN: 'WAVE_SN_API_CASH_OUT' },
  wav: { SN: 'WAVE_SN_API_CASH_OUT' },
  om: { SN: 'ORANGE_SN_API_CASH_OUT', CI: 'ORANGE_CI_API_CASH_OUT' },
  'orange money': { SN: 'ORANGE_SN_API_CASH_OUT', CI: 'ORANGE_CI_API_CASH_OUT' },
  'free money': { SN: 'FREE_SN_WALLET_CASH_OUT' },
  'yas money': { SN: 'FREE_SN_WALLET_CASH_OUT' },
  'e money': { SN: 'EXPRESSO_SN_WALLET_CASH_OUT' },
  emoney: { SN: 'EXPRESSO_SN_WALLET_CASH_OUT' },
  wizall: { SN: 'WIZALL_SN_API_CASH_OUT' },
  wizal: { SN: 'WIZALL_SN_API_CASH_OUT' },
  carte: { SN: 'BANK_CARD_API_CASH_OUT' },
  card: { SN: 'BANK_CARD_API_CASH_OUT' },
  'mtn money': { CI: 'MTN_CI_API_CASH_OUT' },
  momo: { CI: 'MTN_CI_API_CASH_OUT' },
  'moov money': { CI: 'MOOV_CI_API_CASH_OUT' },
  flooz: { CI: 'MOOV_CI_API_CASH_OUT' },
};

/** Billers by word; "woyo fal", "sen eau", "cash power", "der fj", "baobab plus" are joined first. */
export const BILLERS: Record<string, string> = {
  senelec: 'SENELEC_SN_BILL_PAY',
  senelek: 'SENELEC_SN_BILL_PAY',
  senelc: 'SENELEC_SN_BILL_PAY',
  senlec: 'SENELEC_SN_BILL_PAY',
  snelec: 'SENELEC_SN_BILL_PAY',
  senellec: 'SENELEC_SN_BILL_PAY',
  seneleck: 'SENELEC_SN_BILL_PAY',
  senelecc: 'SENELEC_SN_BILL_PAY',
  senelece: 'SENELEC_SN_BILL_PAY',
  senlek: 'SENELEC_SN_BILL_PAY',
  woyofal: 'WOYOFAL_SN_BILL_RELOAD',
  woyofall: 'WOYOFAL_SN_BILL_RELOAD',
  woyofale: 'WOYOFAL_SN_BILL_RELOAD',
  woyafal: 'WOYOFAL_SN_BILL_RELOAD',
  wayofal: 'WOYOFAL_SN_BILL_RELOAD',
  woyoufal: 'WOYOFAL_SN_BILL_RELOAD',
  woyfal: 'WOYOFAL_SN_BILL_RELOAD',
  woyoofal: 'WOYOFAL_SN_BILL_RELOAD',
  woyofaal: 'WOYOFAL_SN_BILL_RELOAD',
  cashpower: 'WOYOFAL_SN_BILL_RELOAD',
  seneau: 'SENEAU_SN_BILL_PAY',
  seneaux: 'SENEAU_SN_BILL_PAY',
  senau: 'SENEAU_SN_BILL_PAY',
  sde: 'SENEAU_SN_BILL_PAY',
  rapido: 'RAPIDO_SN_BILL_RELOAD',
  rapidos: 'RAPIDO_SN_BILL_RELOAD',
  peage: 'RAPIDO_SN_BILL_RELOAD',
  ucad: 'UCAD_SN_BILL_PAY',
  uvs: 'UVS_SN_BILL_PAY',
  aquatech: 'AQUATECH_SN_BILL_PAY',
  aquatec: 'AQUATECH_SN_BILL_PAY',
  akuatek: 'AQUATECH_SN_BILL_PAY',
  aquatek: 'AQUATECH_SN_BILL_PAY',
  aquateck: 'AQUATECH_SN_BILL_PAY',
  xeweul: 'XEWEUL_SN_BILL_RELOAD',
  xewel: 'XEWEUL_SN_BILL_RELOAD',
  kheweul: 'XEWEUL_SN_BILL_RELOAD',
  khewel: 'XEWEUL_SN_BILL_RELOAD',
  xeewel: 'XEWEUL_SN_BILL_RELOAD',
  oolu: 'OOLUSOLAR_SN_BILL_RELOAD',
  oolusolar: 'OOLUSOLAR_SN_BILL_RELOAD',
  olu: 'OOLUSOLAR_SN_BILL_RELOAD',
  baobab: 'BAOBAP_PLUS_SN_BILL_RELOAD',
  baobap: 'BAOBAP_PLUS_SN_BILL_RELOAD',
  baobabplus: 'BAOBAP_PLUS_SN_BILL_RELOAD',
  der: 'DER_FJ_SN_BILL_RELOAD',
  derfj: 'DER_FJ_SN_BILL_RELOAD',
  fj: 'DER_FJ_SN_BILL_RELOAD',
};

/** Two words customers split that mean one: joined before lookup. */
export const JOINS: Record<string, string> = {
  'woyo fal': 'woyofal',
  'woyo fall': 'woyofal',
  'sen eau': 'seneau',
  'sen elec': 'senelec',
  'cash power': 'cashpower',
  'der fj': 'derfj',
  'baobab plus': 'baobabplus',
  'oolu solar': 'oolusolar',
  'top up': 'topup',
  'jere jef': 'jerejef',
  'jerre jef': 'jerejef',
  'dee deet': 'deedeet',
  'nanga def': 'nangadef',
  'na nga def': 'nangadef',
  'naka nga def': 'nangadef',
  'd accord': 'daccord',
  'e money': 'emoney',
};

/** Words that give the language away, with a weight. Brand names and numbers are neutral; French loanwords
 * common inside Wolof sentences (facture, payer, crédit) weigh 1. */
export const LANG_WEIGHTS: Record<string, [Lang, number]> = {};
const langWords: [Lang, number, string[]][] = [
  [
    'fr',
    2,
    w(
      'je veux voudrais pour au avec svp stp merci bonjour bonsoir salut oui non mon mes des du le les ' +
        'est sur moi envoie envoyer annule annuler arrete arreter historique commande recu pas eau cent ' +
        'cents deux trois cinq quatre dix vingt ou encore meme chose aide comment ca marche parle ' +
        'francais anglais mets fais combien de j ai ne plus ouais daccord dac confirme valider ' +
        'toujours rien derniere fois bjr slt frere maman papa maison desabonner abonner recevoir statut ' +
        'suivi en vous tu et dans un une laisse tomber voir ouii ouiii mettre peux quoi veut besoin ' +
        'aimerais ici beaucoup quels quel quelle sont vos votre impayees impayee comprends il ya desabonnement langue',
    ),
  ],
  [
    'fr',
    1,
    w(
      'paiement compte etudiant credit recharge kredi kredit recharj unites info facture payer acheter achat numero compteur ' +
        'francs mille factur credi electricite courant carte contrat reference recharger rechargez ' +
        'montant paye recharges achete factures',
    ),
  ],
  ['en', 1, w('on')],
  [
    'en',
    2,
    w(
      'i want please pls plz that right correct confirm bills sending good morning evening afternoon top topup to for my the buy send pay bill yes thanks thank you hello hi ' +
        'hey help history status order where is cancel same again english speak water electricity airtime ' +
        'received not didnt havent need can would like get number thousand hundred two three five last ' +
        'time purchases what how much yeah yep nope sure of and it unsubscribe subscribe still no show ' +
        'phone with give meter language switch',
    ),
  ],
  [
    'wo',
    2,
    w(
      'dama damay jappale men waaye jekk lool torop bul won gis lan jendal bayyil telefon dara bugg jend jeund jenda yonnee yonne yonnel yonnal jox diokh dokh xaalis ' +
        'xalis khalis naata nyaata sama ci fey bayyi bayi waaw waw deedeet dedet deedet jerejef jerejeff ' +
        'djerejef nangadef naka ana ndax leen ko ak wax lakk mangi rekk rek bi gi yi kay waay yow amul ' +
        'agsul aksul yagg dafa dafay laa nga benn naar nett neent juroom fukk teemeer junni derem ndimbal ' +
        'ndox ankit legi leegi tey baal dinaa mayma joxal feyal nanga def jamm maa xam ngir naa lay naan ' +
        'nyaan yonneel yaay baay boroom ker ndeysaan nimero',
    ),
  ],
  [
    'wo',
    1,
    w(
      'salam salaam salamalekum asalamalekum salamaleykoum salamaleikoum salamalekoum assalamu ' +
        'assalamou alaykum aleykoum alaikum alaykoum',
    ),
  ],
];
for (const [lang, weight, words] of langWords) {
  for (const word of words) if (!LANG_WEIGHTS[word]) LANG_WEIGHTS[word] = [lang, weight];
}
