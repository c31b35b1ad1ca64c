import { createHash } from 'node:crypto';
import path from 'node:path';
import { ConfigError } from '../config/config-error.js';
import type { LoadedRunConfig } from '../config/load-run-config.js';
import { defaultDemoRoot, demoFingerprint, demoModelSettings, DEMO_MODEL_KEYS, type DemoModelKey } from '../demo/index.js';
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
  /** The prompt's category in the prompt file. */
  category: string;
}

export interface PlannedModel {
  key: string;
  entry: GenerationModel;
  source: Required<Pick<SourceOverride, 'repo' | 'revision'>> & Pick<SourceOverride, 'path'>;
  settings: ImageSettings;
  /** This shard's images of the model, in prompt order then seed index. */
  units: ImageUnit[];
}

/** Where a demo run's models are (config `demo`); null for a run on real weights. */
export interface DemoPlan {
  /** Root of the demo folders (`<dir>/<key>`, `<dir>/clip`, `<dir>/aesthetic/model.safetensors`). */
  dir: string;
  /** `demo-<first 12 hex of the generator fingerprint>`: other demo bytes, another run identity. */
  revision: string;
  clipDir: string;
  aestheticFile: string;
  /** The demo PickScore and its processor folder. */
  pickscoreDir: string;
  pickscoreProcessorDir: string;
}

export interface RunPlan {
  config: LoadedRunConfig;
  prompts: Prompt[];
  models: PlannedModel[];
  shard: ShardSpec | null;
  demo: DemoPlan | null;
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
  const demo = config.demo ? demoPlan(config.demo.dir ?? defaultDemoRoot(options.env ?? process.env)) : null;
  const models = config.models.map((m, i): PlannedModel => {
    const entry = generationModel(m.key, `models[${i}].key`);
    const source = demo ? demoSource(demo, m.key, i) : resolveSource(entry, m, options.env);
    const defaults = demo ? demoModelSettings[m.key as DemoModelKey] : entry.defaults;
    const units: ImageUnit[] = [];
    for (const p of prompts) {
      for (let seedIndex = 0; seedIndex < config.seedsPerPrompt; seedIndex++) {
        if (shard && shardOf(m.key, p.id, seedIndex, shard.count) !== shard.index) continue;
        units.push({ promptId: p.id, prompt: p.text, seedIndex, seed: seedFor(p.id, seedIndex), category: p.category });
      }
    }
    return { key: m.key, entry, source, settings: resolveSettings(defaults, m), units };
  });
  return { config, prompts, models, shard, demo, identity: runIdentity(config, prompts, models) };
}

export function demoPlan(dir: string): DemoPlan {
  const root = path.resolve(dir);
  return {
    dir: root,
    revision: `demo-${demoFingerprint().slice(0, 12)}`,
    clipDir: path.join(root, 'clip'),
    aestheticFile: path.join(root, 'aesthetic', 'model.safetensors'),
    pickscoreDir: path.join(root, 'pickscore'),
    pickscoreProcessorDir: path.join(root, 'pickscore', 'processor'),
  };
}

function demoSource(demo: DemoPlan, key: string, index: number): PlannedModel['source'] {
  if (!(DEMO_MODEL_KEYS as readonly string[]).includes(key)) {
    throw new ConfigError('ERR_CONFIG', `models[${index}].key: "${key}" has no demo model (demo models: ${DEMO_MODEL_KEYS.join(', ')})`);
  }
  return { repo: `ppbench-demo/${key}`, revision: demo.revision, path: path.join(demo.dir, key) };
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
