import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ClipTokenizer } from './clip-tokenizer.js';
import { TokenizerLoadError } from './errors.js';

/** Tokenizer components of a diffusers pipeline, in text-encoder order (`tokenizer` -> index 0). */
export const TOKENIZER_COMPONENTS = ['tokenizer', 'tokenizer_2'] as const;

/** model_index.json entries: `[library, class]`, or `[null, null]` for a component the pipeline lacks. */
const ComponentEntrySchema = z.tuple([z.string().nullable(), z.string().nullable()]).nullish();
const ModelIndexSchema = z.looseObject({ tokenizer: ComponentEntrySchema, tokenizer_2: ComponentEntrySchema });

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

/** Which tokenizer components model_index.json declares; null when the folder has no model_index.json. */
async function declaredComponents(modelDir: string): Promise<Set<string> | null> {
  const file = path.join(modelDir, 'model_index.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new TokenizerLoadError(file, `cannot be read (${String(err)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TokenizerLoadError(file, `invalid JSON (${(err as Error).message})`);
  }
  const parsed = ModelIndexSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TokenizerLoadError(file, `key "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid'}`);
  }
  const index = parsed.data;
  return new Set(TOKENIZER_COMPONENTS.filter((c) => index[c]?.[1] != null));
}

/**
 * The tokenizers of a diffusers model folder: `tokenizer/` and, when present, `tokenizer_2/` (SDXL family),
 * in that order, so index K matches text encoder K. Components come from model_index.json when it exists
 * (a component it declares must have its folder), otherwise from the folders present.
 */
export async function loadPipelineTokenizers(modelDir: string): Promise<ClipTokenizer[]> {
  const declared = await declaredComponents(modelDir);
  const dirs: string[] = [];
  for (const component of TOKENIZER_COMPONENTS) {
    const dir = path.join(modelDir, component);
    if (declared ? declared.has(component) : await exists(dir)) {
      if (!(await exists(dir))) throw new TokenizerLoadError(dir, 'missing (declared in model_index.json)');
      dirs.push(dir);
    }
  }
  if (dirs.length === 0) throw new TokenizerLoadError(path.join(modelDir, 'tokenizer'), 'missing');
  return Promise.all(dirs.map((dir) => ClipTokenizer.fromFolder(dir)));
}
