import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { readJsonFile } from './read-json-file.js';
import { formatIssues } from './zod-issues.js';
import { didYouMean } from './did-you-mean.js';

/** Ids become file names (`<id>-s<index>.png`), so they are restricted to safe characters. */
export const promptIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 characters of letters, digits, "_", "." or "-"');

export const promptSchema = z
  .object({
    id: promptIdSchema,
    text: z.string(),
    category: z.string().min(1),
    tags: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.text.trim() === '') ctx.addIssue({ code: 'custom', path: ['text'], message: `must not be empty (prompt "${p.id}")` });
  });
export type Prompt = z.infer<typeof promptSchema>;

const promptListSchema = z.array(promptSchema).min(1, 'must hold at least one prompt');

/** A prompt file is either a bare array or `{ prompts: [...] }` with free descriptive fields. */
const promptFileSchema = z.looseObject({ prompts: promptListSchema });

export function parsePrompts(file: string, data: unknown): Prompt[] {
  const parsed = Array.isArray(data)
    ? promptListSchema.safeParse(data)
    : promptFileSchema.transform((doc) => doc.prompts).safeParse(data);
  if (!parsed.success) throw new ConfigError('ERR_PROMPTS', `invalid prompt file:\n${formatIssues(file, parsed.error)}`);
  const prompts = parsed.data;
  const at = (i: number) => `${Array.isArray(data) ? '' : 'prompts'}[${i}]`;
  const seen = new Map<string, number>();
  prompts.forEach((p, i) => {
    const first = seen.get(p.id);
    if (first !== undefined) {
      throw new ConfigError('ERR_PROMPTS', `invalid prompt file:\n${file}: ${at(i)}.id: duplicate prompt id "${p.id}" (first used at ${at(first)})`);
    }
    seen.set(p.id, i);
  });
  return prompts;
}

export function loadPrompts(file: string): Prompt[] {
  return parsePrompts(file, readJsonFile(file, 'ERR_PROMPTS', 'prompt file'));
}

export interface PromptSubset {
  ids?: string[];
  categories?: string[];
  first?: number;
  perCategory?: number;
}

/**
 * Narrows the prompt set: by ids (in the file's order), then by categories, then the first N
 * of what is left. Unknown ids or categories are errors, since a typo would silently shrink
 * the benchmark.
 */
export function selectPrompts(prompts: Prompt[], subset: PromptSubset, file: string): Prompt[] {
  let selected = prompts;
  if (subset.ids) {
    const known = new Set(prompts.map((p) => p.id));
    const unknown = subset.ids.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new ConfigError('ERR_CONFIG', `prompts.ids: unknown prompt id(s) ${unknown.map((u) => `"${u}"`).join(', ')} in ${file}`);
    }
    const wanted = new Set(subset.ids);
    selected = selected.filter((p) => wanted.has(p.id));
  }
  if (subset.categories) {
    const known = new Set(prompts.map((p) => p.category));
    const unknown = subset.categories.filter((c) => !known.has(c));
    if (unknown.length > 0) {
      throw new ConfigError(
        'ERR_CONFIG',
        `prompts.categories: unknown categor${unknown.length > 1 ? 'ies' : 'y'} ${unknown.map((u) => `"${u}"${didYouMean(u, [...known])}`).join(', ')} in ${file} (known: ${[...known].join(', ')})`,
      );
    }
    const wanted = new Set(subset.categories);
    selected = selected.filter((p) => wanted.has(p.category));
  }
  if (subset.perCategory !== undefined) {
    const taken = new Map<string, number>();
    selected = selected.filter((p) => {
      const n = taken.get(p.category) ?? 0;
      taken.set(p.category, n + 1);
      return n < subset.perCategory!;
    });
  }
  if (subset.first !== undefined) selected = selected.slice(0, subset.first);
  return selected;
}
