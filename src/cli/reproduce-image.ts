import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { CodedError } from '../errors/coded-error.js';
import { didYouMean } from '../config/did-you-mean.js';
import { defaultDemoRoot } from '../demo/index.js';
import { locateHubModel } from '../registry/locate-model.js';
import { generationModel, knownModelKeys, resolveSource } from '../registry/lookup.js';
import type { ImageSettings } from '../registry/model-entry.js';
import { databasePath } from '../results/result-paths.js';
import { resolveResultsDir } from '../results/results-dir.js';
import { readImageMetadata } from '../store/image-file.js';
import { ResultStore } from '../store/result-store.js';

/** A reproduction that cannot be set up: a bad flag value, a missing database, run, image or model. */
export class ReproduceError extends CodedError<'ERR_INVALID_ARG' | 'ERR_MODEL_NOT_FOUND'> {
  override readonly name = 'ReproduceError';
}

/** Everything `ppbench generate` needs to make one image again. */
export interface Reproduction {
  modelDir: string;
  /** The registry key when known: its weight variant and model card apply. */
  key: string | null;
  settings: ImageSettings;
  seed: number;
  prompt: string;
  device?: string;
  dtype?: 'fp32' | 'fp16' | 'bf16';
  threads?: number;
}

const isFolder = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** `--model`: a diffusers folder, or a registry key found like `ppbench run` finds it. */
export function resolveModelArg(model: string, env: NodeJS.ProcessEnv = process.env): { dir: string; key: string | null } {
  if (isFolder(model)) return { dir: path.resolve(model), key: null };
  if (!knownModelKeys().includes(model)) {
    throw new ReproduceError('ERR_INVALID_ARG', `--model ${model}: not a folder (a diffusers model folder with model_index.json) nor a registry key${didYouMean(model, knownModelKeys())} (keys: ${knownModelKeys().join(', ')})`);
  }
  const entry = generationModel(model, '--model');
  const found = locateHubModel({ key: model, ...resolveSource(entry, {}, env), variant: entry.variant, marker: 'model_index.json' }, { env });
  return { dir: found.dir, key: model };
}

/** The model card's settings (steps, guidance, size, scheduler, negative prompt) for a registry key. */
export const modelCardDefaults = (key: string): ImageSettings => generationModel(key, '--model').defaults;

/** A demo image names `ppbench-demo/<key>`: its folder is under the demo root ($PPBENCH_DEMO_DIR). */
function folderFor(key: string, repo: string, env: NodeJS.ProcessEnv): string {
  if (repo.startsWith('ppbench-demo/')) {
    const dir = path.join(defaultDemoRoot(env), key);
    if (!isFolder(dir)) throw new ReproduceError('ERR_MODEL_NOT_FOUND', `demo model ${dir} is missing: build it with npx ppbench demo (or set PPBENCH_DEMO_DIR)`);
    return dir;
  }
  return resolveModelArg(key, env).dir;
}

/** `--from-png FILE`: the settings a ppbench image carries in its `ppbench` text chunk. */
export async function fromPng(file: string, env: NodeJS.ProcessEnv = process.env): Promise<Reproduction> {
  const read = await readImageMetadata(file);
  if ('problem' in read) throw new ReproduceError('ERR_INVALID_ARG', `--from-png ${file}: ${read.problem}`);
  const m = read.meta;
  return {
    modelDir: folderFor(m.model, m.repo, env),
    key: m.model,
    settings: { width: m.width, height: m.height, steps: m.steps, guidance: m.guidance, scheduler: m.scheduler, negativePrompt: m.negativePrompt },
    seed: m.seed,
    prompt: m.prompt,
    ...(m.device !== undefined && { device: m.device }),
    ...(m.dtype !== undefined && { dtype: m.dtype as Reproduction['dtype'] }),
    ...(m.threads != null && { threads: m.threads }),
  };
}

export interface RunImageRef {
  run: string;
  model: string;
  promptId: string;
  seedIndex: number;
  resultsDir?: string;
  db?: string;
}

/** `--run ID --model KEY --prompt-id P [--seed-index K]`: the image's row and its run's settings. */
export function fromRun(ref: RunImageRef, env: NodeJS.ProcessEnv = process.env): Reproduction {
  const file = ref.db ?? databasePath(resolveResultsDir({ flag: ref.resultsDir, env }));
  if (!existsSync(file)) throw new ReproduceError('ERR_INVALID_ARG', `--run ${ref.run}: no results database at ${file} (use --results-dir or --db)`);
  const store = ResultStore.open(file);
  try {
    const run = store.runs.get(ref.run);
    if (!run) throw new ReproduceError('ERR_INVALID_ARG', `--run ${ref.run}: no such run in ${file} (runs: ${store.runs.list().map((r) => r.id).join(', ') || 'none'})`);
    const image = store.images.list(run.id).find((r) => r.model === ref.model && r.promptId === ref.promptId && r.seedIndex === ref.seedIndex);
    if (!image) throw new ReproduceError('ERR_INVALID_ARG', `--run ${ref.run}: no image ${ref.model}/${ref.promptId}/s${ref.seedIndex} in ${file}`);
    const load = store.runs.modelLoads(run.id).find((l) => l.role === 'generation' && l.model === ref.model && l.status === 'loaded');
    const config = JSON.parse(run.configJson) as { device?: string; dtype?: Reproduction['dtype']; threads?: number };
    const modelDir = load?.modelDir && isFolder(load.modelDir) ? load.modelDir : folderFor(ref.model, load?.repo ?? (run.demo ? 'ppbench-demo/' : ''), env);
    return {
      modelDir,
      key: ref.model,
      settings: { width: image.width, height: image.height, steps: image.steps, guidance: image.guidance, scheduler: image.scheduler, negativePrompt: image.negativePrompt },
      seed: image.seed,
      prompt: image.prompt,
      ...(config.device !== undefined && { device: config.device }),
      ...(config.dtype !== undefined && { dtype: config.dtype }),
      ...((run.threads ?? config.threads) != null && { threads: (run.threads ?? config.threads)! }),
    };
  } finally {
    store.close();
  }
}
