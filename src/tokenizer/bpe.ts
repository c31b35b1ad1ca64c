import path from 'node:path';
import { toByteSymbols } from './byte-level.js';
import { TokenizerLoadError } from './errors.js';

/** CLIP marks the last symbol of every word with this suffix (`cat` -> `c a t</w>`). */
export const END_OF_WORD_SUFFIX = '</w>';

/** Cached words before the cache is dropped (prompts reuse a small vocabulary; this bounds memory). */
const MAX_CACHE_ENTRIES = 100_000;

/**
 * Byte-level BPE with CLIP's `</w>` end-of-word suffix, the merge order of HF `tokenizers`' BPE model:
 * repeatedly merge the adjacent pair with the lowest merge rank, the leftmost one on ties.
 */
export class BytePairEncoder {
  private readonly ranks = new Map<string, number>();
  private readonly cache = new Map<string, readonly number[]>();

  constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    merges: ReadonlyArray<readonly [string, string]>,
    private readonly unkId: number,
    /** Folder the files came from, for error messages. */
    dir = '.',
  ) {
    const mergesFile = path.join(dir, 'merges.txt');
    merges.forEach(([left, right], rank) => {
      for (const piece of [left, right, left + right]) {
        if (!vocab.has(piece)) {
          throw new TokenizerLoadError(
            mergesFile,
            `merge ${rank + 1} "${left} ${right}": ${JSON.stringify(piece)} is not in vocab.json`,
          );
        }
      }
      const key = `${left} ${right}`;
      if (!this.ranks.has(key)) this.ranks.set(key, rank);
    });
  }

  /** Token ids of one pre-tokenized word (a CLIP regex match, already normalized). */
  encodeWord(word: string): readonly number[] {
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached;
    const ids = this.bpe(word);
    if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.clear();
    this.cache.set(word, ids);
    return ids;
  }

  private bpe(word: string): number[] {
    const symbols = toByteSymbols(word);
    if (symbols.length === 0) return [];
    symbols[symbols.length - 1] += END_OF_WORD_SUFFIX;
    for (;;) {
      let bestRank = Infinity;
      let best = -1;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const rank = this.ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      symbols.splice(best, 2, symbols[best]! + symbols[best + 1]!);
    }
    return symbols.map((s) => this.vocab.get(s) ?? this.unkId);
  }
}
