// Number words customers write: French, English and Wolof (accents already stripped, ñ -> n).

/** Plain values (added). */
export const UNITS: Record<string, number> = {
  // French
  zero: 0,
  a: 1,
  un: 1,
  une: 1,
  deux: 2,
  trois: 3,
  quatre: 4,
  cinq: 5,
  six: 6,
  sept: 7,
  huit: 8,
  neuf: 9,
  dix: 10,
  onze: 11,
  douze: 12,
  treize: 13,
  quatorze: 14,
  quinze: 15,
  seize: 16,
  vingt: 20,
  vingts: 20,
  trente: 30,
  quarante: 40,
  cinquante: 50,
  soixante: 60,
  septante: 70,
  huitante: 80,
  nonante: 90,
  // English
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  // Wolof (ñaar -> naar; the -i forms are the linking forms: ñaari junni)
  benn: 1,
  ben: 1,
  naar: 2,
  nar: 2,
  naari: 2,
  nyaar: 2,
  nett: 3,
  netti: 3,
  nyett: 3,
  neent: 4,
  nent: 4,
  neenti: 4,
  juroom: 5,
  jurom: 5,
  juroomi: 5,
  diuroom: 5,
};

/** Multipliers. Wolof counts tens with fukk (ñaar fukk = 20). */
export const MULTIPLIERS: Record<string, number> = {
  cent: 100,
  cents: 100,
  hundred: 100,
  hundreds: 100,
  teemeer: 100,
  temeer: 100,
  teemer: 100,
  temer: 100,
  teemeeri: 100,
  fukk: 10,
  fuk: 10,
  fukki: 10,
  mille: 1000,
  milles: 1000,
  mil: 1000,
  mile: 1000,
  k: 1000,
  thousand: 1000,
  thousands: 1000,
  junni: 1000,
  juni: 1000,
  million: 1_000_000,
  millions: 1_000_000,
};

/** Words that only count as numbers next to another number word ("une recharge" is not 1). */
export const WEAK_UNITS = new Set(['un', 'une', 'one', 'a', 'benn', 'ben', 'nar']);

/** Multipliers that need a number before them ("2k", "2 mil": alone, "mil" is millet). */
export const BOUND_MULTIPLIERS = new Set([
  'k',
  'mil',
  'mile',
  'million',
  'millions',
  'thousands',
  'hundreds',
  'milles',
]);

export const CONNECTORS = new Set(['et', 'ak', 'and']);

/** "1000 F", "1000 FCFA", "1000 francs", "1000 balles". */
export const CURRENCY = new Set([
  'f',
  'fcfa',
  'cfa',
  'francs',
  'franc',
  'frs',
  'fr',
  'frcs',
  'xof',
  'balles',
  'cfas',
]);

/** Traditional Wolof counting: 1 derem = 5 FCFA. */
export const DEREM = new Set(['derem', 'dorom', 'derems', 'drm']);
