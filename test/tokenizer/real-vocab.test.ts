import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClipTokenizer } from '../../src/tokenizer/index.js';
import { sharedDir, specDir } from '../helpers/shared.js';

interface RealVocabCase {
  tokenizer: string;
  pad_rule: string;
  prompt: string;
  input_ids: number[];
  n_tokens_untruncated: number;
}

const casesFile = path.join(sharedDir(), 'fixtures', 'tokenizer', 'real-vocab-cases.json');
const cases = (JSON.parse(readFileSync(casesFile, 'utf8')) as { cases: RealVocabCase[] }).cases;

const tokenizers = new Map<string, ClipTokenizer>();
beforeAll(async () => {
  for (const rel of new Set(cases.map((c) => c.tokenizer))) {
    tokenizers.set(rel, await ClipTokenizer.fromFolder(path.join(sharedDir(), rel)));
  }
});

describe('real CLIP vocabulary cases (real-vocab-cases.json)', () => {
  it('covers both real tokenizers', () => {
    expect(cases.length).toBeGreaterThanOrEqual(22);
    expect(new Set(cases.map((c) => c.pad_rule))).toEqual(new Set(['pad_eos', 'pad_bang']));
  });

  it.each(cases.map((c, i) => [i, c.tokenizer, JSON.stringify(c.prompt).slice(0, 60), c] as const))(
    'case %i (%s) %s',
    (_i, rel, _label, c) => {
      const tok = tokenizers.get(rel)!;
      const info = tok.encodeWithInfo(c.prompt);
      expect(Array.from(info.inputIds)).toEqual(c.input_ids);
      expect(Array.from(tok.encode(c.prompt))).toEqual(c.input_ids);
      expect(tok.countTokens(c.prompt)).toBe(c.n_tokens_untruncated);
      expect(info.tokenCount).toBe(c.n_tokens_untruncated);
      expect(info.truncated).toBe(c.n_tokens_untruncated > 77);
    },
  );

  it('loads the real SD 1.5 tokenizer with the expected special ids and length', () => {
    const tok = tokenizers.get('spec/configs/sd15/tokenizer')!;
    expect([tok.bosId, tok.eosId, tok.unkId, tok.padId, tok.maxLength]).toEqual([49406, 49407, 49407, 49407, 77]);
  });

  it('real SD 2.1 tokenizer: special_tokens_map.json pad "!" (id 0) wins over tokenizer_config.json', () => {
    const config = JSON.parse(readFileSync(path.join(specDir(), 'configs/sd21/tokenizer/tokenizer_config.json'), 'utf8'));
    expect(config.pad_token).toBe('<|endoftext|>'); // the two files really disagree
    const tok = tokenizers.get('spec/configs/sd21/tokenizer')!;
    expect(tok.specialTokens.pad).toEqual({ content: '!', id: 0 });
    expect(tok.padId).toBe(0);
    expect(tok.eosId).toBe(49407);
  });

  it('truncates to [bos] + 75 tokens + [eos] and reports it', () => {
    const tok = tokenizers.get('spec/configs/sd15/tokenizer')!;
    const text = Array.from({ length: 100 }, () => 'cat').join(' ');
    const info = tok.encodeWithInfo(text);
    expect(info.tokenCount).toBe(102);
    expect(info.truncated).toBe(true);
    expect(info.inputIds.length).toBe(77);
    expect(info.inputIds[0]).toBe(49406);
    expect(info.inputIds[76]).toBe(49407);
    const catId = tok.tokenize('cat')[0]!;
    expect(Array.from(info.inputIds.slice(1, 76)).every((id) => id === catId)).toBe(true);
    // exactly 75 content tokens fit without truncation
    const fits = Array.from({ length: 75 }, () => 'cat').join(' ');
    expect(tok.encodeWithInfo(fits).truncated).toBe(false);
    expect(tok.countTokens(fits)).toBe(77);
  });

  it('decodes back to the normalized text', () => {
    const tok = tokenizers.get('spec/configs/sd15/tokenizer')!;
    expect(tok.decode(tok.encode('A Photo of a  CAT, café!'))).toBe('a photo of a cat , café !');
  });
});
