/**
 * @module A deterministic token count, close enough to LLM tokenizers for chunk
 * sizing and the `fileTokens` meter, with no vocabulary to load.
 *
 * Method:
 * - each Han, Hiragana, Katakana, Hangul or Thai character is one token (these
 *   scripts are written without spaces and tokenizers split them finely);
 * - every other run of letters, marks and digits is one token per started 10
 *   characters ("tokenization" = 2, "a" = 1), so a long unspaced string such as a
 *   hash or base64 is not counted as a single token;
 * - every other visible character (punctuation, symbols, emoji) is one token,
 *   except that a run of the same character (`-----`, `....`) counts one per 4;
 * - whitespace is free.
 */

/** One match per countable unit; see the module comment for the rules. */
export const TOKEN_PATTERN =
  /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\p{sc=Thai}]|[\p{L}\p{M}\p{N}]+|([^\s\p{L}\p{M}\p{N}])\1*/gu;

/** Tokens of one TOKEN_PATTERN match. */
export function unitTokens(match: string): number {
  const first = match.codePointAt(0) ?? 0;
  const firstLength = first > 0xffff ? 2 : 1;
  if (match.length === firstLength) return 1;
  if (/^[\p{L}\p{M}\p{N}]/u.test(match)) return Math.ceil(match.length / 10);
  // A run of one repeated symbol.
  return Math.ceil(match.length / firstLength / 4);
}

/**
 * Approximate token count of a text (see the module comment for the method).
 *
 * @example countTokens("Hello, world!") === 4; countTokens("東京") === 2
 */
export function countTokens(text: string): number {
  let total = 0;
  for (const match of text.matchAll(TOKEN_PATTERN)) total += unitTokens(match[0]);
  return total;
}
