/**
 * The benchmark corpus: a seeded, reproducible mix of what people type into a phone field in North America, with
 * international and SIP inputs. Every benchmark reads the same corpus.
 */

/** mulberry32: a small, fast, seeded PRNG; the same seed gives the same corpus on every machine. */
export function createRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Area codes the corpus draws from; the scale plans' entries are built from the same list, so that they get hits. */
export const AREA_CODES = [
  '317', '463', '212', '213', '312', '415', '617', '202', '305', '404', '503', '602', '702', '713', '206', '303', '612',
  '615', '704', '801', '813', '816', '901', '904', '919', '972', '314', '412', '414', '502', '504', '512', '513', '614',
  '616', '716', '717', '718', '719', '720', '727', '734', '757', '763', '765', '769', '770', '772', '773', '774', '775',
  '781', '785', '786', '801', '803', '804', '805', '806', '808', '810', '812', '814', '815', '817', '818', '828', '830',
  '831', '832', '843', '845', '847', '848', '850', '856', '857', '858', '859', '860', '862', '863', '864', '865', '870',
  '872', '878', '901', '903', '906', '907', '908', '909', '910', '912', '913', '914', '915', '916', '917', '918', '920',
];
const TOLL_FREE = ['800', '888', '877', '866', '855', '844', '833'];
const SIP_USERS = ['agent', 'jdoe', 'Support.Desk', 'alice', 'bob.smith', '6929'];
const SIP_HOSTS = ['example.com', 'pbx.example.org', 'sip.carrier.net', '10.0.0.12'];
const VANITY = ['FLOWERS', 'CALLNOW', 'GETHELP', 'DIALPLN', 'TAXICAB', 'PIZZAHUT', 'PLUMBER'];
const UK = ['+44 20 7946 0958', '+44 161 496 0000', '+44 7700 900123', '+442079460958'];

/**
 * Builds a corpus of inputs.
 *
 * @param {number} size - how many inputs
 * @param {number} seed - the PRNG seed
 * @returns {string[]} the inputs
 */
export function generateCorpus(size = 100_000, seed = 20261128) {
  const rnd = createRandom(seed);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const digits = (n, first = '0123456789') => {
    let s = pick(first.split(''));
    for (let i = 1; i < n; i++) s += String(Math.floor(rnd() * 10));
    return s;
  };
  const exchange = () => digits(3, '23456789');
  const line = () => digits(4);
  const kinds = [
    // [weight, generator]
    [14, () => `(${pick(AREA_CODES)}) ${exchange()}-${line()}`],
    [10, () => `${pick(AREA_CODES)}-${exchange()}-${line()}`],
    [6, () => `${pick(AREA_CODES)}.${exchange()}.${line()}`],
    [8, () => `${pick(AREA_CODES)}${exchange()}${line()}`],
    [10, () => `1-${pick(AREA_CODES)}-${exchange()}-${line()}`],
    [6, () => `+1 ${pick(AREA_CODES)} ${exchange()} ${line()}`],
    [6, () => `1-${pick(TOLL_FREE)}-${exchange()}-${line()}`],
    [4, () => `1-${pick(TOLL_FREE)}-${pick(VANITY)}`],
    [8, () => `${exchange()}-${line()}`],
    [6, () => `${pick(AREA_CODES)}-${exchange()}-${line()} x${digits(1 + Math.floor(rnd() * 4))}`],
    [3, () => `+1 (${pick(AREA_CODES)}) ${exchange()}-${line()} ext. ${digits(3)}`],
    [3, () => `x${digits(3)}`],
    [5, () => digits(4, '123456789')],
    [2, () => pick(['911', '411', '1-411', '0', '00'])],
    [4, () => pick(UK)],
    [4, () => `011 ${pick(['44', '33', '49', '81', '61', '52'])} ${digits(2)} ${digits(4)} ${digits(4)}`],
    [3, () => `+${pick(['33', '49', '81', '61', '52', '86'])} ${digits(3)} ${digits(3)} ${digits(3)}`],
    [3, () => `sip:${pick(SIP_USERS)}@${pick(SIP_HOSTS)}`],
  ];
  const total = kinds.reduce((n, [w]) => n + w, 0);
  const out = new Array(size);
  for (let i = 0; i < size; i++) {
    let r = rnd() * total;
    let k = 0;
    while (r >= kinds[k][0]) r -= kinds[k++][0];
    out[i] = kinds[k][1]();
  }
  return out;
}
