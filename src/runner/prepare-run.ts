import { existsSync } from 'node:fs';
import { ConfigError } from '../config/config-error.js';
import { didYouMean } from '../config/did-you-mean.js';
import { knownModelKeys } from '../registry/lookup.js';
import { loadRunConfig, parseRunConfig, type LoadedRunConfig } from '../config/load-run-config.js';
import { DEFAULT_CONFIG_FILE, DEMO_CONFIG_FILE } from '../config/project-root.js';
import { databasePath, type ShardSpec } from '../results/result-paths.js';
import { resolveResultsDir } from '../results/results-dir.js';
import { ResultStore } from '../store/result-store.js';
import { chooseRunMode, type RunMode } from './demo-run.js';
import { planRun, type RunPlan } from './plan.js';
import { parseShard } from './shard.js';
import type { StartOptions } from './start-run.js';

/** What `ppbench run` was asked, flags already split into values. */
export interface RunRequest {
  config?: string;
  resume?: string;
  fresh?: boolean;
  runId?: string;
  shard?: string;
  resultsDir?: string;
  limitPrompts?: number;
  /** N prompts of every category (`prompts.perCategory`). */
  perCategory?: number;
  /** Replaces the config's model list; a key the config lists keeps its overrides. */
  models?: string[];
  seeds?: number;
  engine?: string;
  scoring?: boolean;
  /** The engine's CUDA-graph mode (config field cudaGraphs). */
  cudaGraphs?: 'auto' | 'on' | 'off';
  /**
   * true: the demo run (research/configs/demo.json: random-weight demo models on CPU); false:
   * never; absent: $PPBENCH_DEMO, else the demo run when no config was given and the default
   * config's models are not all on this machine (demo-run.ts).
   */
  demo?: boolean;
  /** Run the models that pass preflight and record the others as skipped, instead of failing. */
  skipMissing?: boolean;
}

export interface PreparedRun {
  plan: RunPlan;
  resultsDir: string;
  databaseFile: string;
  start: StartOptions;
  /** Demo or not, and why. */
  mode: RunMode;
}

const CONFIG_FLAGS: Array<[keyof RunRequest, string]> = [
  ['config', '--config'],
  ['limitPrompts', '--limit-prompts'],
  ['perCategory', '--per-category'],
  ['models', '--models'],
  ['seeds', '--seeds'],
  ['engine', '--engine'],
  ['cudaGraphs', '--cuda-graphs'],
];

/**
 * Turns a request into a checked plan without writing anything: a bad config, prompt file or
 * model fails here, before a database or folder exists.
 */
export function prepareRun(request: RunRequest, env: NodeJS.ProcessEnv = process.env): PreparedRun {
  const shard = request.shard === undefined ? undefined : parseShard(request.shard);
  checkModelFlag(request.models);
  const start: StartOptions = { resumeId: request.resume, runId: request.runId, fresh: request.fresh };
  const edit = (raw: Record<string, unknown>) => applyFlags(raw, request);
  const mode = chooseRunMode(request, env, () => loadRunConfig(DEFAULT_CONFIG_FILE, edit));
  if (request.resume !== undefined) return prepareResume(request, shard, start, env);
  const config = loadRunConfig(mode.demo ? DEMO_CONFIG_FILE : (request.config ?? DEFAULT_CONFIG_FILE), edit);
  const resultsDir = resolveResultsDir({ flag: request.resultsDir, config: config.resultsDir, env });
  return { plan: planRun(config, { shard, env }), resultsDir, databaseFile: databasePath(resultsDir, shard), start, mode };
}

/** A resumed run uses the config it stored, so it cannot drift from what it began measuring. */
function prepareResume(request: RunRequest, shard: ShardSpec | undefined, start: StartOptions, env: NodeJS.ProcessEnv): PreparedRun {
  const conflicting = CONFIG_FLAGS.filter(([key]) => request[key] !== undefined).map(([, flag]) => flag);
  if (request.scoring === false) conflicting.push('--no-scoring');
  if (conflicting.length > 0) {
    throw new ConfigError('ERR_CONFIG', `--resume uses the run's stored config; drop ${conflicting.join(', ')}`);
  }
  const resultsDir = resolveResultsDir({ flag: request.resultsDir, env });
  const databaseFile = databasePath(resultsDir, shard);
  if (!existsSync(databaseFile)) {
    throw new ConfigError('ERR_CONFIG', `--resume ${request.resume}: no results database at ${databaseFile} (wrong --results-dir or --shard?)`);
  }
  const store = ResultStore.open(databaseFile);
  let config: LoadedRunConfig;
  try {
    const run = store.runs.get(request.resume!);
    if (!run) {
      const known = store.runs.list().map((r) => `${r.id} (${r.status})`);
      throw new ConfigError('ERR_CONFIG', `--resume ${request.resume}: no such run in ${databaseFile}; runs there: ${known.join(', ') || 'none'}`);
    }
    // Paths in a stored config are already absolute, so the base folder does not matter.
    config = parseRunConfig(JSON.parse(run.configJson), `config of run ${run.id} in ${databaseFile}`, resultsDir);
  } finally {
    store.close();
  }
  const plan = planRun(config, { shard, env });
  const mode: RunMode = { demo: plan.demo !== null, reason: `resuming run ${request.resume!}, ${plan.demo ? 'a demo run' : 'not a demo run'}`, missing: [], checked: 0 };
  return { plan, resultsDir, databaseFile, start, mode };
}

/** A typo in `--models` is the flag's, not the config file's. */
function checkModelFlag(models: string[] | undefined): void {
  const known = knownModelKeys();
  for (const key of models ?? []) {
    if (!known.includes(key)) {
      throw new ConfigError('ERR_UNKNOWN_MODEL', `--models: unknown model "${key}"${didYouMean(key, known)} (known: ${known.join(', ')})`);
    }
  }
}

function applyFlags(raw: Record<string, unknown>, request: RunRequest): void {
  const object = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  if (request.limitPrompts !== undefined) raw.prompts = { ...object(raw.prompts), first: request.limitPrompts };
  if (request.perCategory !== undefined) raw.prompts = { ...object(raw.prompts), perCategory: request.perCategory };
  if (request.seeds !== undefined) raw.seedsPerPrompt = request.seeds;
  if (request.engine !== undefined) raw.engine = request.engine;
  if (request.cudaGraphs !== undefined) raw.cudaGraphs = request.cudaGraphs;
  if (request.scoring === false) raw.scoring = { ...object(raw.scoring), enabled: false };
  if (request.models !== undefined) {
    const listed = Array.isArray(raw.models) ? raw.models : [];
    const keyOf = (m: unknown) => (typeof m === 'string' ? m : object(m).key);
    raw.models = request.models.map((key) => listed.find((m) => keyOf(m) === key) ?? key);
  }
}
