import { existsSync, mkdirSync, writeFileSync, cpSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { executeRun } from '../../src/runner/execute-run.js';
import { PreflightError } from '../../src/runner/preflight/problem.js';
import { checkModelFolder } from '../../src/runner/preflight/model-folder-check.js';
import { ResultStore } from '../../src/store/result-store.js';
import { tempDir } from './helpers/bench-env.js';
import { runCli } from '../helpers/cli.js';

const fixtures = path.join(process.env.PPBENCH_SHARED_DIR ?? path.resolve('shared'), 'fixtures');
const err = { write: () => true } as unknown as NodeJS.WritableStream;
const FIXTURE: Record<string, string> = {
  sd15: 'sd15-tiny', sd21: 'sd21-tiny', 'sd-turbo': 'sd-turbo-tiny', 'sdxl-base': 'sdxl-tiny',
  'sdxl-turbo': 'sdxl-turbo-tiny', ssd1b: 'ssd1b-tiny', playground25: 'playground25-tiny',
};

/** A native 7-model CPU config over the tiny fixture folders; `edit` changes the folders first. */
function sevenModelConfig(dir: string, paths: Record<string, string> = {}, extra: Record<string, unknown> = {}): string {
  const models = Object.keys(FIXTURE).map((key) => ({ key, path: paths[key] ?? path.join(fixtures, FIXTURE[key]!), width: 64, height: 64, steps: 1 }));
  const file = path.join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ engine: 'native', device: 'cpu', models, seedsPerPrompt: 1, prompts: { first: 1 }, scoring: { enabled: false }, ...extra }));
  return file;
}

async function rejection(run: Promise<unknown>): Promise<PreflightError> {
  const error = await run.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PreflightError);
  return error as PreflightError;
}

describe('preflight: everything checked before anything is generated', () => {
  it('a missing last model fails a 7-model config in under 2 s, with the fix, and writes nothing', async () => {
    const dir = tempDir();
    const missing = path.join(dir, 'no-such-folder');
    const config = sevenModelConfig(dir, { playground25: missing });
    const results = path.join(dir, 'results');
    const started = performance.now();
    const error = await rejection(executeRun({ config, resultsDir: results }, { err }));
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeLessThan(2);
    expect(error.code).toBe('ERR_PREFLIGHT');
    expect(error.message).toBe(
      'preflight found 1 problem(s); nothing was generated:\n' +
        `  1. model "playground25": configured path ${missing} has no model_index.json\n` +
        '     fix: fix models[].path of "playground25" in the config, or drop it to use npx ppbench prefetch --models playground25',
    );
    expect(existsSync(results)).toBe(false);
    const cli = runCli(['run', '--config', config, '--results-dir', results]);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toBe(`ppbench: [ERR_PREFLIGHT] ${error.message}\n`);
    expect(existsSync(results)).toBe(false);
  }, 60_000);

  it('lists every problem at once: a truncated weight file, a config that does not parse, a missing scoring model', async () => {
    const dir = tempDir();
    const sd15 = path.join(dir, 'sd15');
    const sd21 = path.join(dir, 'sd21');
    cpSync(path.join(fixtures, 'sd15-tiny'), sd15, { recursive: true });
    cpSync(path.join(fixtures, 'sd21-tiny'), sd21, { recursive: true });
    truncateSync(path.join(sd15, 'unet', 'diffusion_pytorch_model.safetensors'), 4);
    writeFileSync(path.join(sd21, 'vae', 'config.json'), '{ "in_channels": ');
    const models = path.join(dir, 'models');
    mkdirSync(models);
    const config = sevenModelConfig(dir, { sd15, sd21 }, { scoring: { enabled: true } });
    const error = await rejection(executeRun({ config, resultsDir: path.join(dir, 'results') }, { err, env: { ...process.env, PPBENCH_MODELS_DIR: models, HF_HUB_CACHE: path.join(dir, 'hf') } }));
    const subjects = error.problems.map((p) => p.subject);
    expect(subjects).toEqual(['model "sd15"', 'model "sd21"', 'scoring model "clip"', 'scoring model "aesthetic"']);
    expect(error.problems[0]).toEqual({
      subject: 'model "sd15"',
      model: 'sd15',
      problem: `${path.join(sd15, 'unet', 'diffusion_pytorch_model.safetensors')}: 4 bytes, too small to hold weights (an interrupted download?)`,
      fix: `repair or replace the folder ${sd15} (models[].path in the config)`,
    });
    expect(error.problems[1]!.problem).toMatch(new RegExp(`^${path.join(sd21, 'vae', 'config.json')}: invalid JSON`));
    expect(error.problems[2]!.fix).toBe('npx ppbench prefetch (also fetches the scoring models), or run without scoring: --no-scoring');
  });

  it('checks the family the configs describe against the registry', () => {
    expect(checkModelFolder(path.join(fixtures, 'sd21-tiny'), null)).toMatchObject({ family: 'sd2', problems: [] });
    expect(checkModelFolder(path.join(fixtures, 'sdxl-tiny'), 'fp16')).toMatchObject({ family: 'sdxl', problems: [] });
  });

  it('an unwritable results folder and lease path are problems with their fix', async () => {
    const dir = tempDir();
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, '');
    const config = sevenModelConfig(dir, {}, { lease: { enabled: true, path: path.join(blocker, 'lease', 'status.json') } });
    const error = await rejection(executeRun({ config, resultsDir: path.join(blocker, 'results') }, { err }));
    expect(error.problems.map((p) => p.subject)).toEqual(['results folder', 'lease']);
    expect(error.problems[0]!.problem).toBe(`${blocker} is not a folder (so ${path.join(blocker, 'results')} cannot be created)`);
    expect(error.problems[1]!.fix).toBe('set GPU_COORD_PATH (or lease.path in the config) to a writable file on the shared volume');
  });

  it('--skip-missing runs the other models and records the skipped ones in the run and the result', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({
      engine: 'native', device: 'cpu', threads: 1, seedsPerPrompt: 1, prompts: { first: 1 }, scoring: { enabled: false },
      models: [{ key: 'sd15', path: path.join(fixtures, 'sd15-tiny'), width: 64, height: 64, steps: 1 }, { key: 'sd21', path: path.join(dir, 'gone') }],
    }));
    const results = path.join(dir, 'results');
    const notes: string[] = [];
    const result = await executeRun({ config: file, resultsDir: results, skipMissing: true }, { err: { write: (s: string) => notes.push(s) } as unknown as NodeJS.WritableStream });
    expect(result.status).toBe('completed');
    expect(result.skippedModels).toEqual(['sd21']);
    expect(result.summary.map((s) => [s.model, s.ok])).toEqual([['sd15', 1]]);
    expect(notes.join('')).toContain('--skip-missing: leaving out sd21:\n  1. model "sd21": configured path');
    const store = ResultStore.open(result.databaseFile);
    try {
      expect(store.runs.get(result.runId)).toMatchObject({ skippedModels: ['sd21'], demo: false, device: 'cpu', dtype: 'fp32', threads: 1 });
      // A folder given by path is not the registry's snapshot: recorded by path and content fingerprint.
      expect(store.runs.modelLoads(result.runId)).toEqual([
        expect.objectContaining({ model: 'sd15', source: 'local', repo: null, revision: null, modelDir: path.join(fixtures, 'sd15-tiny'), fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) }),
      ]);
      expect(store.images.list(result.runId).map((r) => r.leaseWaitMs)).toEqual([null]);
    } finally {
      store.close();
    }
  }, 60_000);
});
