import { createHash } from 'node:crypto';
import type { LoadedRunConfig } from '../config/load-run-config.js';
import { loadPrompts, selectPrompts, type Prompt } from '../config/prompts.js';
import type { ModelRunConfig } from '../config/run-config.js';
import { generationModel, resolveSource, type SourceOverride } from '../registry/lookup.js';
import type { GenerationModel, ImageSettings } from '../registry/model-entry.js';
import type { ShardSpec } from '../results/result-paths.js';
import { seedFor } from './seed.js';
import { shardOf } from './shard.js';

/** One image to make: the benchmark's unit of work. */
export interface ImageUnit {
  promptId: string;
  prompt: string;
  seedIndex: number;
  seed: number;
}

export interface PlannedModel {
  key: string;
  entry: GenerationModel;
  source: Required<Pick<SourceOverride, 'repo' | 'revision'>> & Pick<SourceOverride, 'path'>;
  settings: ImageSettings;
  /** This shard's images of the model, in prompt order then seed index. */
  units: ImageUnit[];
}

export interface RunPlan {
  config: LoadedRunConfig;
  prompts: Prompt[];
  models: PlannedModel[];
  shard: ShardSpec | null;
  /** sha256 of what the run measures; equal identities may be resumed into and merged. */
  identity: string;
}

/** Registry defaults, then the config's overrides; `negativePrompt: null` is an override too. */
export function resolveSettings(defaults: ImageSettings, override: ModelRunConfig): ImageSettings {
  return {
    width: override.width ?? defaults.width,
    height: override.height ?? defaults.height,
    steps: override.steps ?? defaults.steps,
    guidance: override.guidance ?? defaults.guidance,
    scheduler: override.scheduler ?? defaults.scheduler,
    negativePrompt: override.negativePrompt !== undefined ? override.negativePrompt : defaults.negativePrompt,
  };
}

/** Loads and checks everything a run needs before anything is written. */
export function planRun(config: LoadedRunConfig, options: { shard?: ShardSpec; env?: NodeJS.ProcessEnv } = {}): RunPlan {
  const file = config.prompts.file;
  const prompts = selectPrompts(loadPrompts(file), config.prompts, file);
  const shard = options.shard && options.shard.count > 1 ? options.shard : null;
  const models = config.models.map((m, i): PlannedModel => {
    const entry = generationModel(m.key, `models[${i}].key`);
    const units: ImageUnit[] = [];
    for (const p of prompts) {
      for (let seedIndex = 0; seedIndex < config.seedsPerPrompt; seedIndex++) {
        if (shard && shardOf(m.key, p.id, seedIndex, shard.count) !== shard.index) continue;
        units.push({ promptId: p.id, prompt: p.text, seedIndex, seed: seedFor(p.id, seedIndex) });
      }
    }
    return {
      key: m.key,
      entry,
      source: resolveSource(entry, m, options.env),
      settings: resolveSettings(entry.defaults, m),
      units,
    };
  });
  return { config, prompts, models, shard, identity: runIdentity(config, prompts, models) };
}

/**
 * Hashes what determines the images and their numbers — engine, device, models with their
 * sources and settings, prompt ids and texts, seed count — and nothing about where files live,
 * so shards on different machines of the same run agree.
 */
function runIdentity(config: LoadedRunConfig, prompts: Prompt[], models: PlannedModel[]): string {
  const what = {
    v: 1,
    engine: config.engine,
    device: config.device,
    dtype: config.dtype,
    seedsPerPrompt: config.seedsPerPrompt,
    prompts: prompts.map((p) => [p.id, p.text]),
    models: models.map((m) => ({ key: m.key, repo: m.source.repo, revision: m.source.revision, settings: m.settings })),
  };
  return createHash('sha256').update(JSON.stringify(what)).digest('hex');
}
