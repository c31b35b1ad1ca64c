import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { TokenizerLoadError } from './errors.js';

/**
 * A special-token entry as written by transformers: a bare string, or an AddedToken dict
 * (`{"__type": "AddedToken", "content": "<|endoftext|>", ...}` in tokenizer_config.json,
 * the same without `__type` in special_tokens_map.json).
 */
export const SpecialTokenSchema = z.union([z.string(), z.looseObject({ content: z.string() })]);
export type SpecialTokenEntry = z.infer<typeof SpecialTokenSchema>;

const specialTokenFields = {
  bos_token: SpecialTokenSchema.nullish(),
  eos_token: SpecialTokenSchema.nullish(),
  unk_token: SpecialTokenSchema.nullish(),
  pad_token: SpecialTokenSchema.nullish(),
};

/** vocab.json: token string -> id. */
export const VocabSchema = z.record(z.string(), z.number().int().nonnegative());

/** tokenizer_config.json (only the keys the CLIP tokenizer uses are checked; the rest pass through). */
export const TokenizerConfigSchema = z.looseObject({
  ...specialTokenFields,
  model_max_length: z.number().optional(),
});
export type TokenizerConfig = z.infer<typeof TokenizerConfigSchema>;

/** special_tokens_map.json. */
export const SpecialTokensMapSchema = z.looseObject(specialTokenFields);
export type SpecialTokensMap = z.infer<typeof SpecialTokensMapSchema>;

/** The raw contents of a CLIP tokenizer folder (vocab.json, merges.txt and the two json configs). */
export interface TokenizerFiles {
  dir: string;
  vocab: Map<string, number>;
  /** Merge rules in priority order (line order of merges.txt, header excluded). */
  merges: Array<[string, string]>;
  config: TokenizerConfig;
  /** null when the folder has no special_tokens_map.json (transformers treats it as optional). */
  specialTokensMap: SpecialTokensMap | null;
}

/**
 * transformers' CLIPTokenizer reads only `merges.txt` lines 1 .. 49152-256-2 (the fast tokenizer is converted
 * from it, so it inherits the cut). The real CLIP file has exactly that many merges; keep the cut for fidelity.
 */
export const CLIP_MAX_MERGES = 49152 - 256 - 2;

/** Contents of `file`, or null when it does not exist and `required` is false. */
async function readText(file: string, required: true): Promise<string>;
async function readText(file: string, required: false): Promise<string | null>;
async function readText(file: string, required: boolean): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      if (!required) return null;
      throw new TokenizerLoadError(file, 'missing');
    }
    throw new TokenizerLoadError(file, `cannot be read (${code ?? String(err)})`);
  }
}

function parseJsonFile<S extends z.ZodType>(file: string, text: string, schema: S): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TokenizerLoadError(file, `invalid JSON (${(err as Error).message})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `key "${issue.path.join('.')}": ` : '';
    throw new TokenizerLoadError(file, `${where}${issue?.message ?? 'invalid content'}`);
  }
  return parsed.data;
}

/** Parses merges.txt: optional `#version` header, then one `left right` pair per line. */
export function parseMerges(file: string, text: string): Array<[string, string]> {
  const lines = text.split('\n');
  const merges: Array<[string, string]> = [];
  let start = 0;
  if (lines[0]?.startsWith('#version')) start = 1;
  for (let i = start; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (line === '') {
      if (lines.slice(i + 1).every((l) => l.trim() === '')) break; // trailing newline(s)
      throw new TokenizerLoadError(file, `line ${i + 1}: empty merge rule`);
    }
    const parts = line.split(' ');
    if (parts.length !== 2 || !parts[0] || !parts[1]) {
      throw new TokenizerLoadError(file, `line ${i + 1}: expected "left right", got ${JSON.stringify(line)}`);
    }
    merges.push([parts[0], parts[1]]);
    if (merges.length === CLIP_MAX_MERGES) break;
  }
  return merges;
}

/** Reads and validates the files of a CLIP tokenizer folder. Errors name the file (and key) at fault. */
export async function readTokenizerFiles(dir: string): Promise<TokenizerFiles> {
  const vocabFile = path.join(dir, 'vocab.json');
  const mergesFile = path.join(dir, 'merges.txt');
  const configFile = path.join(dir, 'tokenizer_config.json');
  const mapFile = path.join(dir, 'special_tokens_map.json');
  const [vocabText, mergesText, configText, mapText] = await Promise.all([
    readText(vocabFile, true),
    readText(mergesFile, true),
    readText(configFile, true),
    readText(mapFile, false),
  ]);
  const vocabObj = parseJsonFile(vocabFile, vocabText, VocabSchema);
  const vocab = new Map(Object.entries(vocabObj));
  if (vocab.size === 0) throw new TokenizerLoadError(vocabFile, 'empty vocabulary');
  return {
    dir,
    vocab,
    merges: parseMerges(mergesFile, mergesText),
    config: parseJsonFile(configFile, configText, TokenizerConfigSchema),
    specialTokensMap: mapText === null ? null : parseJsonFile(mapFile, mapText, SpecialTokensMapSchema),
  };
}
