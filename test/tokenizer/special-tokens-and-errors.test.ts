import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClipTokenizer, loadPipelineTokenizers, TokenizerLoadError } from '../../src/tokenizer/index.js';
import { fixturesDir, specDir } from '../helpers/shared.js';

let sd15: ClipTokenizer; // real vocab, pad = eos
let sd21: ClipTokenizer; // real vocab, pad = "!"
let tmp: string;

beforeAll(async () => {
  sd15 = await ClipTokenizer.fromFolder(path.join(specDir(), 'configs/sd15/tokenizer'));
  sd21 = await ClipTokenizer.fromFolder(path.join(specDir(), 'configs/sd21/tokenizer'));
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ppbench-tokenizer-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the tiny sd21 tokenizer folder (pad "!" in special_tokens_map, "<|endoftext|>" in the config). */
function tinyCopy(name: string): string {
  const dir = path.join(tmp, name);
  cpSync(path.join(fixturesDir(), 'sd21-tiny', 'tokenizer'), dir, { recursive: true });
  return dir;
}

function editJson(file: string, edit: (j: Record<string, unknown>) => void): void {
  const j = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(j);
  writeFileSync(file, JSON.stringify(j));
}

async function loadError(dir: string): Promise<TokenizerLoadError> {
  const err = await ClipTokenizer.fromFolder(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TokenizerLoadError);
  return err as TokenizerLoadError;
}

describe('special tokens in the prompt', () => {
  it('with pad "!" every "!" becomes id 0, never part of a BPE piece', () => {
    const hi = sd21.tokenize('hi');
    expect(hi).toEqual([1883]); // "hi</w>" in vocab.json
    expect(sd21.tokenize('hi!!')).toEqual([...hi, 0, 0]);
    expect(Array.from(sd21.encode('hi!!').slice(0, 6))).toEqual([49406, ...hi, 0, 0, 49407, 0]);
    expect(sd21.tokenize('!hi ! !')).toEqual([0, ...hi, 0, 0]);
    // "!" splits words: "wow!cool" is two words, each with its own </w>
    expect(sd21.tokenize('wow!cool')).toEqual([...sd21.tokenize('wow'), 0, ...sd21.tokenize('cool')]);
  });

  it('with pad = eos, "!" goes through BPE', () => {
    const ids = sd15.tokenize('hi!!');
    expect(ids[0]).toBe(1883);
    expect(ids).not.toContain(0);
    expect(ids).toEqual([1883, 748]); // "hi</w>", "!!</w>" (vocab.json ids)
  });

  it('bos/eos written in the prompt become their ids (exact, case-sensitive)', () => {
    expect(sd15.tokenize('a<|endoftext|>b')).toEqual([...sd15.tokenize('a'), 49407, ...sd15.tokenize('b')]);
    expect(sd15.tokenize('<|startoftext|>cat')).toEqual([49406, ...sd15.tokenize('cat')]);
    expect(sd15.tokenize('<|ENDOFTEXT|>')).not.toContain(49407);
  });

  it('the text between special tokens is normalized on its own', () => {
    // NFC: decomposed e + U+0301 equals precomposed é
    expect(sd15.tokenize('cafe\u0301')).toEqual(sd15.tokenize('café'));
    // whitespace of every kind separates words; U+0085 is whitespace, U+FEFF is not (Oniguruma \s)
    expect(sd15.tokenize('red\u0085\u00a0\u3000apple')).toEqual(sd15.tokenize('red apple'));
    expect(sd15.tokenize('red\ufeffapple')).not.toEqual(sd15.tokenize('red apple'));
  });

  it('lowercases per character like HF tokenizers: capital sigma is always σ (no final-sigma rule)', () => {
    expect(sd15.tokenize('ΟΔΟΣ')).toEqual(sd15.tokenize('οδοσ'));
    expect(sd15.tokenize('ΟΔΟΣ')).not.toEqual(sd15.tokenize('οδος'));
    // İ lowercases to i + U+0307 (combining dot), which the CLIP regex keeps as a separate piece
    expect(sd15.tokenize('İ')).toEqual(sd15.tokenize('i\u0307'));
  });
});

describe('special_tokens_map.json vs tokenizer_config.json', () => {
  it('the pad token of special_tokens_map.json wins', async () => {
    const dir = tinyCopy('pad-map-wins');
    const config = JSON.parse(readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8'));
    expect(config.pad_token).toBe('<|endoftext|>');
    const tok = await ClipTokenizer.fromFolder(dir);
    expect(tok.padId).toBe(0);
    expect(tok.encode('a')[4]).toBe(0);
  });

  it('without a pad in special_tokens_map.json the config pad is used', async () => {
    const dir = tinyCopy('pad-from-config');
    editJson(path.join(dir, 'special_tokens_map.json'), (j) => delete j.pad_token);
    const tok = await ClipTokenizer.fromFolder(dir);
    expect(tok.padId).toBe(tok.eosId);
    expect(tok.padId).toBe(913);
    // "!" is no longer special: it is BPE-encoded like any punctuation
    expect(tok.tokenize('!')).not.toContain(0);
  });

  it('special_tokens_map.json is optional (transformers treats it so)', async () => {
    const dir = tinyCopy('no-map');
    unlinkSync(path.join(dir, 'special_tokens_map.json'));
    const tok = await ClipTokenizer.fromFolder(dir);
    expect([tok.bosId, tok.eosId, tok.padId, tok.maxLength]).toEqual([912, 913, 913, 77]);
  });

  it('model_max_length sets the encoded length', async () => {
    const dir = tinyCopy('short');
    editJson(path.join(dir, 'tokenizer_config.json'), (j) => (j.model_max_length = 8));
    const tok = await ClipTokenizer.fromFolder(dir);
    const info = tok.encodeWithInfo('a photo of an astronaut riding a horse on mars');
    expect(info.inputIds.length).toBe(8);
    expect(info.inputIds[0]).toBe(912);
    expect(info.inputIds[7]).toBe(913);
    expect(info.truncated).toBe(true);
    expect(info.tokenCount).toBe(13);
  });
});

describe('load errors name the file', () => {
  it('missing vocab.json', async () => {
    const dir = tinyCopy('no-vocab');
    unlinkSync(path.join(dir, 'vocab.json'));
    const err = await loadError(dir);
    expect(err.message).toBe(`${path.join(dir, 'vocab.json')}: missing`);
    expect(err.file).toBe(path.join(dir, 'vocab.json'));
    expect(err.code).toBe('ERR_TOKENIZER');
  });

  it('missing merges.txt / tokenizer_config.json', async () => {
    for (const f of ['merges.txt', 'tokenizer_config.json']) {
      const dir = tinyCopy(`no-${f}`);
      unlinkSync(path.join(dir, f));
      expect((await loadError(dir)).message).toBe(`${path.join(dir, f)}: missing`);
    }
  });

  it('invalid JSON and bad keys', async () => {
    const bad = tinyCopy('bad-json');
    writeFileSync(path.join(bad, 'vocab.json'), '{"a": 1,');
    expect((await loadError(bad)).message).toMatch(/vocab\.json: invalid JSON/);

    const badId = tinyCopy('bad-id');
    editJson(path.join(badId, 'vocab.json'), (j) => (j['a</w>'] = 'x'));
    expect((await loadError(badId)).message).toMatch(/vocab\.json: key "a<\/w>"/);

    const badPad = tinyCopy('bad-pad');
    editJson(path.join(badPad, 'special_tokens_map.json'), (j) => (j.pad_token = '<pad>'));
    const padErr = await loadError(badPad);
    expect(padErr.message).toMatch(/special_tokens_map\.json: key "pad_token" = "<pad>" is not in vocab\.json/);

    const badType = tinyCopy('bad-type');
    editJson(path.join(badType, 'tokenizer_config.json'), (j) => (j.bos_token = 5));
    expect((await loadError(badType)).message).toMatch(/tokenizer_config\.json: key "bos_token"/);

    const noLen = tinyCopy('no-len');
    editJson(path.join(noLen, 'tokenizer_config.json'), (j) => delete j.model_max_length);
    expect((await loadError(noLen)).message).toMatch(/tokenizer_config\.json: key "model_max_length": missing/);
  });

  it('malformed merges.txt names the line', async () => {
    const dir = tinyCopy('bad-merges');
    const file = path.join(dir, 'merges.txt');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[3] = 'abc';
    writeFileSync(file, lines.join('\n'));
    expect((await loadError(dir)).message).toBe(`${file}: line 4: expected "left right", got "abc"`);

    const dir2 = tinyCopy('oov-merge');
    writeFileSync(path.join(dir2, 'merges.txt'), '#version: 0.2\nq z\n');
    expect((await loadError(dir2)).message).toMatch(/merges\.txt: merge 1 "q z": "qz" is not in vocab\.json/);
  });

  it('loadPipelineTokenizers: missing tokenizer folder', async () => {
    const err = await loadPipelineTokenizers(path.join(tmp, 'no-such-model')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenizerLoadError);
    expect((err as Error).message).toMatch(/no-such-model\/tokenizer: missing/);
  });

  it('loadPipelineTokenizers: a folder model_index.json declares must exist', async () => {
    const model = path.join(tmp, 'model-missing-tok2');
    cpSync(path.join(fixturesDir(), 'sdxl-tiny', 'tokenizer'), path.join(model, 'tokenizer'), { recursive: true });
    cpSync(path.join(fixturesDir(), 'sdxl-tiny', 'model_index.json'), path.join(model, 'model_index.json'));
    const err = await loadPipelineTokenizers(model).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/tokenizer_2: missing \(declared in model_index\.json\)/);
  });
});
