/** Stopword lists of the `stopword` package, keyed by its ISO 639-3 style keys ("eng", "deu", "panGu"). */
import stopword from "stopword";

const lists = stopword as unknown as Record<string, readonly string[] | undefined>;
/**
 * Function words missing from the package's short English list (it has "he" and
 * "his" but not "she", "not" or "will"), found while testing on English novels
 * and filings.
 */
const ENGLISH_EXTRA = [
  "she",
  "hers",
  "herself",
  "its",
  "itself",
  "us",
  "ours",
  "ourselves",
  "yours",
  "yourself",
  "yourselves",
  "theirs",
  "themselves",
  "myself",
  "whom",
  "whose",
  "why",
  "when",
  "not",
  "no",
  "nor",
  "yes",
  "so",
  "just",
  "own",
  "will",
  "shall",
  "may",
  "upon",
  "one",
  "ones",
  "also",
  "every",
  "few",
  "further",
  "again",
  "once",
  "off",
  "down",
  "above",
  "below",
  "until",
  "against",
  "during",
  "without",
  "within",
  "does",
  "doing",
  "done",
  "having",
  "let",
  "ought",
  "per",
  "via",
  "whether",
  "though",
  "although",
  "yet",
  "either",
  "neither",
  "etc",
  "cannot",
  "can't",
  "don't",
  "didn't",
  "won't",
  "isn't",
  "wasn't",
  "i'm",
  "it's",
  "that's",
  "there's",
];
const ENGLISH: ReadonlySet<string> = new Set([...stopword.eng, ...ENGLISH_EXTRA]);
const ownCache = new Map<string, ReadonlySet<string>>();
const withEnglishCache = new Map<string, ReadonlySet<string>>();

/** The stopwords of one language only (empty when the package has no list for it). */
export function ownStopwords(key: string): ReadonlySet<string> {
  if (key === "eng") return ENGLISH;
  let set = ownCache.get(key);
  if (!set) {
    set = new Set((lists[key] ?? []).map((w) => w.toLowerCase()));
    ownCache.set(key, set);
  }
  return set;
}

/** Stopwords of a language plus the English ones (documents mix English terms in). */
export function stopwordsFor(key: string | undefined): ReadonlySet<string> {
  if (!key || key === "eng") return ENGLISH;
  let set = withEnglishCache.get(key);
  if (!set) {
    set = new Set([...ENGLISH, ...ownStopwords(key)]);
    withEnglishCache.set(key, set);
  }
  return set;
}
