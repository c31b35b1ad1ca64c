import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { readPng } from '../image/png-decode.js';
import { encodePng } from './png/encode-png.js';
import { readPngText } from './png/text-chunks.js';

/**
 * What an image file says about itself (the `ppbench` text chunk, JSON): enough to rebuild its
 * database row when a crash came between the rename and the commit.
 */
const imageMetadataSchema = z.object({
  v: z.literal(1),
  runId: z.string(),
  model: z.string(),
  repo: z.string(),
  revision: z.string(),
  promptId: z.string(),
  seedIndex: z.number().int().min(0),
  seed: z.number().int().min(0),
  prompt: z.string(),
  negativePrompt: z.string().nullable(),
  steps: z.number().int(),
  guidance: z.number(),
  width: z.number().int(),
  height: z.number().int(),
  scheduler: z.string(),
  timings: z.record(z.string(), z.union([z.number(), z.array(z.number())])),
  latencyMs: z.number(),
  leaseWaitMs: z.number().nullable(),
  peakMemoryBytes: z.number().nullable(),
  /** How it was computed, for a bit-identical reproduction (absent in files written before). */
  device: z.string().optional(),
  dtype: z.string().optional(),
  threads: z.number().int().positive().nullable().optional(),
});
export type ImageMetadata = z.infer<typeof imageMetadataSchema>;

const METADATA_KEY = 'ppbench';

/** Human-readable chunks for image viewers, plus the full record as JSON. */
function textEntries(meta: ImageMetadata): Array<[string, string]> {
  const entries: Array<[string, string]> = [
    ['Software', 'ppbench'],
    ['prompt', meta.prompt],
    ['model', `${meta.model} (${meta.repo}@${meta.revision})`],
    ['prompt_id', meta.promptId],
    ['seed', String(meta.seed)],
    ['seed_index', String(meta.seedIndex)],
  ];
  if (meta.negativePrompt !== null) entries.push(['negative_prompt', meta.negativePrompt]);
  entries.push([METADATA_KEY, JSON.stringify(meta)]);
  return entries;
}

export async function writeImageFile(file: string, image: { rgb: Uint8Array; width: number; height: number }, meta: ImageMetadata): Promise<void> {
  await writeFileAtomic(file, await encodePng(image.rgb, image.width, image.height, textEntries(meta)));
}

/** The file's own record, or why it cannot be trusted (unreadable, corrupt, not ours). */
export async function readImageMetadata(file: string): Promise<{ meta: ImageMetadata } | { problem: string }> {
  try {
    const text = readPngText(await readFile(file), file).get(METADATA_KEY);
    if (text === undefined) return { problem: `${file} has no ${METADATA_KEY} metadata` };
    const parsed = imageMetadataSchema.safeParse(JSON.parse(text));
    return parsed.success ? { meta: parsed.data } : { problem: `${file}: unexpected ${METADATA_KEY} metadata` };
  } catch (err) {
    return { problem: (err as Error).message };
  }
}

/** Pixels for scoring, through the project's one PNG decoder. */
export function readImagePixels(file: string): { rgb: Uint8Array; width: number; height: number } {
  const { data, width, height } = readPng(file);
  return { rgb: data, width, height };
}
