import path from 'node:path';
import { TokenizerLoadError } from './errors.js';
import type { SpecialTokenEntry, TokenizerFiles } from './tokenizer-files.js';

export type SpecialTokenRole = 'bos' | 'eos' | 'unk' | 'pad';

/** A resolved special token: its text and vocabulary id. */
export interface SpecialToken {
  content: string;
  id: number;
}

export type SpecialTokens = Record<SpecialTokenRole, SpecialToken>;

/** transformers' CLIPTokenizer defaults, used when neither json file names the token. */
const CLIP_DEFAULTS: Record<SpecialTokenRole, string> = {
  bos: '<|startoftext|>',
  eos: '<|endoftext|>',
  unk: '<|endoftext|>',
  pad: '<|endoftext|>',
};

const ROLES: readonly SpecialTokenRole[] = ['bos', 'eos', 'unk', 'pad'];

function content(entry: SpecialTokenEntry | null | undefined): string | undefined {
  if (entry === null || entry === undefined) return undefined;
  return typeof entry === 'string' ? entry : entry.content;
}

/**
 * bos/eos/unk/pad of a tokenizer folder. As in transformers' `from_pretrained`, special_tokens_map.json wins over
 * tokenizer_config.json (they disagree on the pad token of the SD 2.x tokenizers: "!" vs "<|endoftext|>").
 */
export function resolveSpecialTokens(files: TokenizerFiles): SpecialTokens {
  const out = {} as SpecialTokens;
  for (const role of ROLES) {
    const key = `${role}_token` as const;
    const fromMap = content(files.specialTokensMap?.[key]);
    const fromConfig = content(files.config[key]);
    const text = fromMap ?? fromConfig ?? CLIP_DEFAULTS[role];
    const file = fromMap !== undefined ? 'special_tokens_map.json' : fromConfig !== undefined ? 'tokenizer_config.json' : null;
    if (text === '') {
      throw new TokenizerLoadError(path.join(files.dir, file ?? 'tokenizer_config.json'), `key "${key}": empty token`);
    }
    const id = files.vocab.get(text);
    if (id === undefined) {
      const where = file ? `key "${key}" = ${JSON.stringify(text)}` : `default ${key} ${JSON.stringify(text)}`;
      throw new TokenizerLoadError(path.join(files.dir, file ?? 'vocab.json'), `${where} is not in vocab.json`);
    }
    out[role] = { content: text, id };
  }
  return out;
}

/** Context length from tokenizer_config.json `model_max_length` (77 for every CLIP text encoder). */
export function resolveMaxLength(files: TokenizerFiles): number {
  const file = path.join(files.dir, 'tokenizer_config.json');
  const n = files.config.model_max_length;
  if (n === undefined) throw new TokenizerLoadError(file, 'key "model_max_length": missing');
  if (!Number.isInteger(n) || n < 2 || n > 1_000_000) {
    throw new TokenizerLoadError(file, `key "model_max_length": ${n} is not a usable context length`);
  }
  return n;
}
