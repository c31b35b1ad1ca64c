/*
 * A small CLIP-format BPE vocabulary for the demo models: the 256 byte symbols (GPT-2/CLIP
 * bytes_to_unicode order), the same with the `</w>` end-of-word suffix, merges learned
 * deterministically from the demo corpus, then `<|startoftext|>` and `<|endoftext|>` (the
 * highest id, as in the real vocabulary: transformers pools the EOS token by argmax of the ids).
 */
import { demoCorpus } from './corpus.js';

export const END_OF_WORD = '</w>';
export const BOS_TOKEN = '<|startoftext|>';
export const EOS_TOKEN = '<|endoftext|>';

export interface DemoVocabulary {
  /** token -> id, in id order. */
  vocab: Map<string, number>;
  /** Merge rules in rank order. */
  merges: Array<[string, string]>;
  bosId: number;
  eosId: number;
}

/**
 * GPT-2/CLIP `bytes_to_unicode`: `symbols[i]` is the vocabulary's i-th byte symbol and
 * `ofByte[b]` the symbol of byte b (printable latin-1 bytes stand for themselves, the others
 * map to U+0100 upwards).
 */
export function byteSymbols(): { symbols: string[]; ofByte: string[] } {
  const bytes: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bytes.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bytes.push(b);
  for (let b = 0xae; b <= 0xff; b++) bytes.push(b);
  const codePoints = [...bytes];
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (bytes.includes(b)) continue;
    bytes.push(b);
    codePoints.push(256 + extra++);
  }
  const ofByte = new Array<string>(256);
  const symbols = bytes.map((b, i) => (ofByte[b] = String.fromCodePoint(codePoints[i]!)));
  return { symbols, ofByte };
}

/** The CLIP pre-tokenizer split (after lower-casing): contractions, letter runs, single digits, other runs. */
const CLIP_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/gu;

export function splitWords(text: string): string[] {
  return text.toLowerCase().match(CLIP_SPLIT) ?? [];
}

/**
 * Learns up to `maxMerges` merges by classic BPE: repeatedly merge the most frequent adjacent
 * pair (ties: the lexicographically smallest "a b"), never creating a token that already exists.
 */
export function buildDemoVocabulary(maxMerges = 1200): DemoVocabulary {
  const { symbols, ofByte } = byteSymbols();
  const encoder = new TextEncoder();
  const vocab = new Map<string, number>();
  for (const s of symbols) vocab.set(s, vocab.size);
  for (const s of symbols) vocab.set(s + END_OF_WORD, vocab.size);

  // Words as symbol sequences with counts (identical words folded together).
  const counts = new Map<string, number>();
  for (const [text, count] of demoCorpus()) {
    for (const w of splitWords(text)) counts.set(w, (counts.get(w) ?? 0) + count);
  }
  const words: Array<{ symbols: string[]; count: number }> = [];
  for (const [w, count] of counts) {
    const syms = [...encoder.encode(w)].map((b) => ofByte[b]!);
    syms[syms.length - 1] += END_OF_WORD;
    words.push({ symbols: syms, count });
  }

  const merges: Array<[string, string]> = [];
  while (merges.length < maxMerges) {
    const pairCounts = new Map<string, number>();
    for (const { symbols: syms, count } of words) {
      for (let i = 0; i + 1 < syms.length; i++) {
        const key = `${syms[i]} ${syms[i + 1]}`;
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + count);
      }
    }
    let best: string | null = null;
    let bestCount = 0;
    for (const [key, c] of pairCounts) {
      if (c < bestCount || (c === bestCount && best !== null && key >= best)) continue;
      if (vocab.has(key.replace(' ', ''))) continue;
      best = key;
      bestCount = c;
    }
    if (best === null) break;
    const [a, b] = best.split(' ') as [string, string];
    const merged = a + b;
    merges.push([a, b]);
    vocab.set(merged, vocab.size);
    for (const word of words) {
      const syms = word.symbols;
      if (syms.length < 2) continue;
      const out: string[] = [];
      for (let i = 0; i < syms.length; i++) {
        if (i + 1 < syms.length && syms[i] === a && syms[i + 1] === b) {
          out.push(merged);
          i++;
        } else {
          out.push(syms[i]!);
        }
      }
      word.symbols = out;
    }
  }
  const bosId = vocab.size;
  vocab.set(BOS_TOKEN, bosId);
  const eosId = vocab.size;
  vocab.set(EOS_TOKEN, eosId);
  return { vocab, merges, bosId, eosId };
}

/** vocab.json text (one object, ids in order). */
export function vocabJson(v: DemoVocabulary): string {
  return JSON.stringify(Object.fromEntries(v.vocab));
}

/** merges.txt text with the usual version header. */
export function mergesText(v: DemoVocabulary): string {
  return `#version: 0.2\n${v.merges.map(([a, b]) => `${a} ${b}`).join('\n')}\n`;
}
