/**
 * @module Language detection (CONTRACT.md D15: the X-Ray `language` is the
 * English name of the language, e.g. "English").
 *
 * franc-min (trigram statistics, 82 languages) ranks languages on the first
 * ~2,000 characters. Trigrams alone are unreliable on short or label-like text
 * ("This is a test document…" scores French first), so each of franc's top
 * candidates is re-scored as franc's normalised score (best = 1) + the share of
 * the sample's words that are that language's stopwords, + 0.06 for English.
 * The English bias settles near-ties (tables of names, JSON keys): GroundX
 * always reports a language and English is its default. When the sample has
 * fewer than 20 letters, or franc answers "und", the answer is "English".
 */
import { francAll } from "franc-min";
import { ownStopwords } from "./stopwords.js";

/** Characters of the document used for detection. */
export const LANGUAGE_SAMPLE_CHARS = 2000;
/** Fewer letters than this → the default language. */
const MIN_LETTERS = 20;
export const DEFAULT_LANGUAGE = "English";
/** franc candidates re-scored with stopword evidence. */
const CANDIDATES = 6;
const ENGLISH_BIAS = 0.06;

interface LanguageInfo {
  /** English name (macrolanguage names for franc's individual-language codes: arb → Arabic). */
  readonly name: string;
  /** ISO 639-3 code of the stopword list in the `stopword` package, when it has one. */
  readonly stopwords?: string;
}

/** Every language franc-min can return (its ISO 639-3 codes). */
const LANGUAGES: Readonly<Record<string, LanguageInfo>> = {
  amh: { name: "Amharic" },
  arb: { name: "Arabic", stopwords: "ara" },
  azj: { name: "Azerbaijani" },
  bel: { name: "Belarusian" },
  ben: { name: "Bengali", stopwords: "ben" },
  bho: { name: "Bhojpuri" },
  bos: { name: "Bosnian", stopwords: "hrv" },
  bul: { name: "Bulgarian", stopwords: "bul" },
  ceb: { name: "Cebuano" },
  ces: { name: "Czech", stopwords: "ces" },
  ckb: { name: "Kurdish", stopwords: "kur" },
  cmn: { name: "Chinese", stopwords: "zho" },
  deu: { name: "German", stopwords: "deu" },
  ell: { name: "Greek", stopwords: "ell" },
  eng: { name: "English", stopwords: "eng" },
  fra: { name: "French", stopwords: "fra" },
  fuv: { name: "Fulah" },
  guj: { name: "Gujarati", stopwords: "guj" },
  hau: { name: "Hausa", stopwords: "hau" },
  hin: { name: "Hindi", stopwords: "hin" },
  hms: { name: "Hmong" },
  hnj: { name: "Hmong" },
  hrv: { name: "Croatian", stopwords: "hrv" },
  hun: { name: "Hungarian", stopwords: "hun" },
  ibo: { name: "Igbo" },
  ilo: { name: "Ilocano" },
  ind: { name: "Indonesian", stopwords: "ind" },
  ita: { name: "Italian", stopwords: "ita" },
  jav: { name: "Javanese" },
  jpn: { name: "Japanese", stopwords: "jpn" },
  kan: { name: "Kannada" },
  kaz: { name: "Kazakh" },
  kin: { name: "Kinyarwanda" },
  koi: { name: "Komi-Permyak" },
  kor: { name: "Korean", stopwords: "kor" },
  lin: { name: "Lingala" },
  mad: { name: "Madurese" },
  mag: { name: "Magahi" },
  mai: { name: "Maithili" },
  mal: { name: "Malayalam" },
  mar: { name: "Marathi", stopwords: "mar" },
  mya: { name: "Burmese", stopwords: "mya" },
  nld: { name: "Dutch", stopwords: "nld" },
  npi: { name: "Nepali" },
  nya: { name: "Chichewa" },
  pan: { name: "Punjabi", stopwords: "panGu" },
  pbu: { name: "Pashto" },
  pes: { name: "Persian", stopwords: "fas" },
  plt: { name: "Malagasy" },
  pol: { name: "Polish", stopwords: "pol" },
  por: { name: "Portuguese", stopwords: "por" },
  qug: { name: "Quechua" },
  ron: { name: "Romanian", stopwords: "ron" },
  run: { name: "Kirundi" },
  rus: { name: "Russian", stopwords: "rus" },
  sin: { name: "Sinhala" },
  skr: { name: "Saraiki" },
  som: { name: "Somali", stopwords: "som" },
  spa: { name: "Spanish", stopwords: "spa" },
  srp: { name: "Serbian", stopwords: "hrv" },
  sun: { name: "Sundanese" },
  swe: { name: "Swedish", stopwords: "swe" },
  swh: { name: "Swahili", stopwords: "swa" },
  tam: { name: "Tamil" },
  tel: { name: "Telugu" },
  tgl: { name: "Tagalog", stopwords: "tgl" },
  tha: { name: "Thai", stopwords: "tha" },
  tur: { name: "Turkish", stopwords: "tur" },
  ukr: { name: "Ukrainian", stopwords: "ukr" },
  urd: { name: "Urdu", stopwords: "urd" },
  uzn: { name: "Uzbek" },
  vie: { name: "Vietnamese", stopwords: "vie" },
  yor: { name: "Yoruba", stopwords: "yor" },
  zlm: { name: "Malay", stopwords: "msa" },
  zul: { name: "Zulu", stopwords: "zul" },
  zyb: { name: "Zhuang" },
};

export interface DetectedLanguage {
  /** English name, e.g. "German". */
  readonly name: string;
  /** ISO 639-3 code franc returned, or "und". */
  readonly code: string;
  /** Key of the stopword list to use (always includes English as a fallback elsewhere). */
  readonly stopwords?: string;
}

/**
 * Detect the language of a text from its first LANGUAGE_SAMPLE_CHARS characters.
 *
 * @example detectLanguage("Der Jahresabschluss zum Geschäftsjahr wurde geprüft.").name === "German"
 */
export function detectLanguage(text: string): DetectedLanguage {
  const sample = text.slice(0, LANGUAGE_SAMPLE_CHARS);
  const letters = sample.match(/\p{L}/gu)?.length ?? 0;
  const fallback: DetectedLanguage = { name: DEFAULT_LANGUAGE, code: "und", stopwords: "eng" };
  if (letters < MIN_LETTERS) return fallback;
  const all = francAll(sample, { minLength: MIN_LETTERS });
  if (all.length === 0 || all[0]?.[0] === "und") return fallback;
  const ranked = all.slice(0, CANDIDATES);
  const words = (sample.toLowerCase().match(/[\p{L}\p{M}'’]+/gu) ?? []).slice(0, 400);
  const stopShare = (key: string | undefined): number => {
    if (!key || words.length === 0) return 0;
    const list = ownStopwords(key);
    return words.filter((w) => list.has(w)).length / words.length;
  };
  const scores = new Map<string, number>(ranked.map(([code, score]) => [code, score]));
  // English always competes, with its own franc score (0 when franc ruled it out by script).
  if (!scores.has("eng")) scores.set("eng", all.find(([code]) => code === "eng")?.[1] ?? 0);
  let best = "eng";
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const [code, francScore] of scores) {
    const info = LANGUAGES[code];
    if (!info) continue;
    const score = francScore + stopShare(info.stopwords) + (code === "eng" ? ENGLISH_BIAS : 0);
    if (score > bestScore) {
      best = code;
      bestScore = score;
    }
  }
  const info = LANGUAGES[best];
  if (!info) return fallback;
  return { name: info.name, code: best, ...(info.stopwords ? { stopwords: info.stopwords } : {}) };
}

/** The English name of a franc/ISO 639-3 code, if known. */
export function languageName(code: string): string | undefined {
  return LANGUAGES[code]?.name;
}
