import { z } from 'zod';

/** Keys name folders (`research/models/<key>`, `images/<key>/`) and env variables. */
export const modelKeySchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1-32 characters of lowercase letters, digits or "-"');

const repoIdSchema = z.string().regex(/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/, 'must look like "org/name"');
/** A branch, tag or commit; `main` unless a verified commit is known (never invented). */
const revisionSchema = z.string().min(1);

export const imageSettingsSchema = z
  .object({
    /** The bounds of `ppbench generate --width/--height`, so a config cannot ask for what the CLI refuses. */
    width: z.number().int().min(64).max(16384).multipleOf(8),
    height: z.number().int().min(64).max(16384).multipleOf(8),
    steps: z.number().int().min(1).max(1000),
    guidance: z.number().min(0).max(50),
    /** A diffusers scheduler class name, as `ppbench generate --scheduler` takes it. */
    scheduler: z.string().min(1),
    /** null = no negative prompt at all; "" = an (encoded) empty negative prompt. They differ for SDXL. */
    negativePrompt: z.string().nullable(),
  })
  .strict();
export type ImageSettings = z.infer<typeof imageSettingsSchema>;

const generationModelSchema = z
  .object({
    key: modelKeySchema,
    repo: repoIdSchema,
    revision: revisionSchema,
    /** diffusers weight variant to load (`*.fp16.safetensors`); null where the repo has none. */
    variant: z.literal('fp16').nullable(),
    family: z.enum(['sd1', 'sd2', 'sdxl']),
    defaults: imageSettingsSchema,
    card: z.url(),
    /** Why a default differs from the obvious choice. */
    note: z.string().optional(),
  })
  .strict();
export type GenerationModel = z.infer<typeof generationModelSchema>;

const hubScoringModelSchema = z
  .object({ key: modelKeySchema, source: z.literal('hub'), repo: repoIdSchema, revision: revisionSchema })
  .strict();

/** A file that is not on the Hub: fetched over HTTPS and checked against its sha256. */
const urlScoringModelSchema = z
  .object({
    key: modelKeySchema,
    source: z.literal('url'),
    url: z.url(),
    file: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    sizeBytes: z.number().int().positive(),
  })
  .strict();

export type UrlScoringModel = z.infer<typeof urlScoringModelSchema>;

export const registrySchema = z
  .object({
    generation: z.array(generationModelSchema).min(1),
    scoring: z
      .object({
        clip: hubScoringModelSchema,
        aesthetic: urlScoringModelSchema,
        /** PickScore_v1: a CLIPModel whose processor (preprocessing + tokenizer) lives in another repo. */
        pickscore: hubScoringModelSchema,
        pickscoreProcessor: hubScoringModelSchema,
      })
      .strict(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    r.generation.forEach((m, i) => {
      if (seen.has(m.key)) ctx.addIssue({ code: 'custom', path: ['generation', i, 'key'], message: `duplicate model key "${m.key}"` });
      seen.add(m.key);
    });
  });
export type Registry = z.infer<typeof registrySchema>;
