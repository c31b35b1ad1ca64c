import { BytePairEncoder, END_OF_WORD_SUFFIX } from './bpe.js';
import { fromByteSymbols } from './byte-level.js';
import { resolveMaxLength, resolveSpecialTokens, type SpecialTokens } from './special-tokens.js';
import { SpecialTokenSplitter } from './special-token-splitter.js';
import { normalizeClipText, preTokenizeClip } from './text-normalization.js';
import { readTokenizerFiles, type TokenizerFiles } from './tokenizer-files.js';

/** Result of {@link ClipTokenizer.encodeWithInfo}. */
export interface ClipEncoding {
  /** `[bos] + ids[:maxLength-2] + [eos]`, padded with the pad id to `maxLength`. */
  inputIds: Int32Array;
  /** Untruncated length including bos and eos (= {@link ClipTokenizer.countTokens}). */
  tokenCount: number;
  /** Whether tokens were dropped (tokenCount > maxLength). */
  truncated: boolean;
}

/**
 * CLIP tokenizer with the exact semantics of HF `CLIPTokenizerFast` (as loaded by diffusers from a `tokenizer/`
 * folder holding vocab.json + merges.txt):
 *  1. split the raw text on the bos/eos/unk/pad tokens (exact match; each occurrence becomes that token's id);
 *  2. per remaining chunk: NFC, whitespace runs -> one space, strip, per-character lowercase, the CLIP split regex;
 *  3. byte-level BPE with the `</w>` end-of-word suffix;
 *  4. `[bos] + ids[:maxLength-2] + [eos]`, padded to `maxLength` with the pad token.
 * Loading is async; tokenizing is synchronous and cached per word.
 */
export class ClipTokenizer {
  readonly bosId: number;
  readonly eosId: number;
  readonly unkId: number;
  readonly padId: number;
  /** Context length (tokenizer_config.json `model_max_length`, 77 for CLIP). */
  readonly maxLength: number;
  /** bos/eos/unk/pad text and ids. */
  readonly specialTokens: Readonly<SpecialTokens>;
  /** Folder the tokenizer was loaded from. */
  readonly dir: string;

  private readonly bpe: BytePairEncoder;
  private readonly splitter: SpecialTokenSplitter;
  private readonly idToToken: Map<number, string>;
  private readonly specialIds: ReadonlySet<number>;

  /** Builds a tokenizer from already-read files (see {@link ClipTokenizer.fromFolder}). */
  constructor(files: TokenizerFiles) {
    this.dir = files.dir;
    this.specialTokens = resolveSpecialTokens(files);
    this.maxLength = resolveMaxLength(files);
    const { bos, eos, unk, pad } = this.specialTokens;
    this.bosId = bos.id;
    this.eosId = eos.id;
    this.unkId = unk.id;
    this.padId = pad.id;
    this.bpe = new BytePairEncoder(files.vocab, files.merges, unk.id, files.dir);
    this.splitter = new SpecialTokenSplitter([bos, eos, unk, pad].map((t) => [t.content, t.id] as const));
    this.specialIds = new Set([bos.id, eos.id, unk.id, pad.id]);
    this.idToToken = new Map();
    for (const [token, id] of files.vocab) if (!this.idToToken.has(id)) this.idToToken.set(id, token);
  }

  /** Loads `dir/{vocab.json, merges.txt, tokenizer_config.json[, special_tokens_map.json]}`. */
  static async fromFolder(dir: string): Promise<ClipTokenizer> {
    return new ClipTokenizer(await readTokenizerFiles(dir));
  }

  /** Token ids of `text` without bos/eos, untruncated. */
  tokenize(text: string): number[] {
    const ids: number[] = [];
    for (const piece of this.splitter.split(text)) {
      if (piece.kind === 'special') {
        ids.push(piece.id);
        continue;
      }
      for (const word of preTokenizeClip(normalizeClipText(piece.text))) {
        for (const id of this.bpe.encodeWord(word)) ids.push(id);
      }
    }
    return ids;
  }

  /**
   * Untruncated token count INCLUDING bos and eos, i.e. `len(tokenizer(text).input_ids)` in transformers
   * (`""` -> 2). The prompt was truncated iff this exceeds {@link maxLength}.
   */
  countTokens(text: string): number {
    return this.tokenize(text).length + 2;
  }

  /** The `maxLength` input ids the text encoder gets (truncated, eos kept, padded). */
  encode(text: string): Int32Array {
    return this.encodeWithInfo(text).inputIds;
  }

  /** {@link encode} plus the untruncated count, from a single tokenization. */
  encodeWithInfo(text: string): ClipEncoding {
    const ids = this.tokenize(text);
    const out = new Int32Array(this.maxLength).fill(this.padId);
    const n = Math.min(ids.length, this.maxLength - 2);
    out[0] = this.bosId;
    for (let i = 0; i < n; i++) out[i + 1] = ids[i]!;
    out[n + 1] = this.eosId;
    const tokenCount = ids.length + 2;
    return { inputIds: out, tokenCount, truncated: tokenCount > this.maxLength };
  }

  /**
   * Text of token ids, as transformers' CLIP decode: byte-level inverse, `</w>` -> space, trimmed. Meant for
   * messages (e.g. the part of a prompt lost to truncation); it does not restore case or whitespace.
   */
  decode(ids: ArrayLike<number>, { skipSpecialTokens = true }: { skipSpecialTokens?: boolean } = {}): string {
    let symbols = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (skipSpecialTokens && this.specialIds.has(id)) continue;
      symbols += this.idToToken.get(id) ?? '';
    }
    const text = new TextDecoder('utf-8').decode(fromByteSymbols(symbols));
    return text.replaceAll(END_OF_WORD_SUFFIX, ' ').trim();
  }
}
