/**
 * CLIPTokenizerFast's normalizer and pre-tokenizer, applied to one chunk of text between special tokens.
 *
 * Whitespace is Unicode White_Space, which is what Oniguruma's `\s` (used by HF `tokenizers`) matches; JavaScript's
 * `\s` differs (it adds U+FEFF and misses U+0085), so the patterns spell the property out.
 */

const WHITESPACE_RUN = /\p{White_Space}+/gu;

/** The CLIP split pattern; only its matches are kept (whitespace between them is dropped). */
const CLIP_WORD =
  /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\p{White_Space}\p{L}\p{N}]+/gu;

const CAPITAL_SIGMA = /\u03a3/g;

/** After the collapse only a single space can remain at either end (JS `trim` would also drop U+FEFF). */
const EDGE_SPACE = /^ | $/g;

/**
 * Per-character Unicode lowercase, as the Rust `tokenizers` Lowercase normalizer does (`char::to_lowercase` on each
 * char). JavaScript's `toLowerCase` is the same except for its one context rule, Final_Sigma (word-final `Σ` -> `ς`);
 * per character `Σ` is always `σ`, so map it first.
 */
export function lowercasePerChar(text: string): string {
  return text.replace(CAPITAL_SIGMA, '\u03c3').toLowerCase();
}

/** NFC, whitespace runs -> one space, strip, lowercase. */
export function normalizeClipText(text: string): string {
  return lowercasePerChar(text.normalize('NFC').replace(WHITESPACE_RUN, ' ').replace(EDGE_SPACE, ''));
}

/** Splits normalized text into the words that BPE encodes one by one. */
export function preTokenizeClip(normalized: string): string[] {
  return normalized.match(CLIP_WORD) ?? [];
}
