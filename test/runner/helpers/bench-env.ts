import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { parseRunConfig, type LoadedRunConfig } from '../../../src/config/load-run-config.js';
import type { RunConfigInput } from '../../../src/config/run-config.js';
import type { BenchmarkLease } from '../../../src/runner/benchmark-lease.js';
import { fakeEngine, type Engine } from '../../../src/runner/engines/engine.js';
import type { GenerateRequest, ImageGenerator } from '../../../src/runner/generator.js';
import { planRun, type RunPlan } from '../../../src/runner/plan.js';
import { runBenchmark, type RunResult } from '../../../src/runner/run-benchmark.js';
import type { StartOptions } from '../../../src/runner/start-run.js';
import type { ShardSpec } from '../../../src/results/result-paths.js';
import { ResultStore } from '../../../src/store/result-store.js';
import { fakeLease } from './fake-lease.js';

const madeDirs: string[] = [];
afterAll(() => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder, removed after the test file. */
export function tempDir(name = 'ppbench-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), name));
  madeDirs.push(dir);
  return dir;
}

/** A small, fast run: fake engine, 64x64 images, no calm pause. */
export function testConfig(overrides: Partial<RunConfigInput> = {}): LoadedRunConfig {
  return parseRunConfig(
    {
      engine: 'fake',
      models: [
        { key: 'sd-turbo', width: 64, height: 64 },
        { key: 'ssd1b', width: 64, height: 64, steps: 3 },
      ],
      prompts: { first: 3 },
      seedsPerPrompt: 2,
      device: 'cpu',
      calmPauseMs: 0,
      ...overrides,
    },
    'test config',
    process.cwd(),
  );
}

export interface EngineHooks {
  /** Runs before each generate; may throw (an engine error) or abort things. */
  beforeGenerate?: (model: string, request: GenerateRequest) => void;
  failLoad?: (model: string) => Error | undefined;
}

/** The fake engine with hooks, counting generate and emptyCache calls. */
export function hookedEngine(hooks: EngineHooks = {}, device = 'cpu'): Engine & { calls: { generate: string[]; emptyCache: number } } {
  const base = fakeEngine(device, 0);
  const calls = { generate: [] as string[], emptyCache: 0 };
  return {
    ...base,
    calls,
    device: { info: base.device.info, emptyCache: () => void calls.emptyCache++ },
    createGenerator: async (model, settings) => {
      const failure = hooks.failLoad?.(model.entry.key);
      if (failure) throw failure;
      const inner: ImageGenerator = await base.createGenerator(model, settings);
      return {
        generate: async (request) => {
          calls.generate.push(`${model.entry.key}/${request.seed}`);
          hooks.beforeGenerate?.(model.entry.key, request);
          return inner.generate(request);
        },
        dispose: () => inner.dispose(),
      };
    },
  };
}

export interface BenchRun extends RunResult {
  store: ResultStore;
}

/** Runs a plan into `<resultsDir>/<db>`; the caller closes the store. */
export async function runInto(
  resultsDir: string,
  plan: RunPlan,
  options: { engine?: Engine; lease?: BenchmarkLease; stop?: AbortSignal; start?: StartOptions; db?: string } = {},
): Promise<BenchRun> {
  const store = ResultStore.open(path.join(resultsDir, options.db ?? 'ppbench.sqlite'));
  const result = await runBenchmark(
    plan,
    { store, resultsDir, engine: options.engine ?? hookedEngine(), lease: options.lease ?? fakeLease(), stop: options.stop },
    options.start,
  );
  return { ...result, store };
}

export const plan = (config: LoadedRunConfig, shard?: ShardSpec): RunPlan => planRun(config, { shard });

/** Writes a prompt file and returns its path. */
export function writePrompts(dir: string, prompts: unknown): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'prompts.json');
  writeFileSync(file, JSON.stringify(prompts));
  return file;
}
