import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultDemoRoot, DEMO_MODEL_KEYS, ensureDemoModels } from '../../src/demo/index.js';
import { readPng } from '../../src/image/png-decode.js';
import { executeRun, type ExecutedRun } from '../../src/runner/execute-run.js';
import { ResultStore } from '../../src/store/result-store.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../runner/helpers/bench-env.js';

const fixtures = path.join(process.env.PPBENCH_SHARED_DIR ?? path.resolve('shared'), 'fixtures');
const err = { write: () => true } as unknown as NodeJS.WritableStream;
let results: string;
let run: ExecutedRun;
let images: Array<{ model: string; promptId: string; seedIndex: number; file: string }>;

describe('reproduce any image with one command', () => {
  beforeAll(async () => {
    await ensureDemoModels(defaultDemoRoot());
    results = path.join(tempDir(), 'results');
    run = await executeRun({ demo: true, resultsDir: results, limitPrompts: 1, scoring: false }, { err });
    const store = ResultStore.open(run.databaseFile);
    try {
      images = store.images.list(run.runId).map((r) => ({ model: r.model, promptId: r.promptId, seedIndex: r.seedIndex, file: path.join(results, r.filePath!) }));
    } finally {
      store.close();
    }
  }, 300_000);

  it('generate --from-png makes one image of every demo model again, bit-identical, from its PNG alone', () => {
    expect(run.status).toBe('completed');
    expect(images.map((i) => i.model).sort()).toEqual([...DEMO_MODEL_KEYS].sort());
    const dir = tempDir();
    for (const image of images) {
      const out = path.join(dir, `${image.model}.png`);
      const r = runCli(['generate', '--from-png', image.file, '--out', out]);
      expect(r.status, r.stderr).toBe(0);
      expect(Buffer.from(readPng(out).data).equals(Buffer.from(readPng(image.file).data)), image.model).toBe(true);
    }
  }, 300_000);

  it('generate --run ID --model KEY --prompt-id P --seed-index K makes the same image from the database', () => {
    const image = images.find((i) => i.model === 'sd-turbo')!;
    const out = path.join(tempDir(), 'again.png');
    const r = runCli(['generate', '--run', run.runId, '--model', 'sd-turbo', '--prompt-id', image.promptId, '--seed-index', '0', '--results-dir', results, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(Buffer.from(readPng(out).data).equals(Buffer.from(readPng(image.file).data))).toBe(true);
  }, 120_000);

  it('--model takes a registry key, found like ppbench run finds it, with the model card as defaults (SD-Turbo: 1 step, guidance 0)', () => {
    const models = tempDir();
    symlinkSync(path.join(fixtures, 'sd-turbo-tiny'), path.join(models, 'sd-turbo'));
    const r = runCli(['generate', '--model', 'sd-turbo', '--prompt', 'a fox', '--width', '64', '--height', '64', '--threads', '1', '--json'], { env: { PPBENCH_MODELS_DIR: models } });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { model: string; steps: number; guidance: number; scheduler: string };
    expect(report).toMatchObject({ model: path.join(models, 'sd-turbo'), steps: 1, guidance: 0, scheduler: 'EulerDiscreteScheduler' });
  }, 120_000);

  it('names what is wrong: an unknown run, a missing image, a model that is neither folder nor key', () => {
    expect(runCli(['generate', '--run', 'nope', '--model', 'sd15', '--prompt-id', 'p001', '--results-dir', results]).stderr).toBe(
      `ppbench: [ERR_INVALID_ARG] --run nope: no such run in ${run.databaseFile} (runs: ${run.runId})\n`,
    );
    expect(runCli(['generate', '--run', run.runId, '--model', 'sd15', '--prompt-id', 'p999', '--results-dir', results]).stderr).toBe(
      `ppbench: [ERR_INVALID_ARG] --run ${run.runId}: no image sd15/p999/s0 in ${run.databaseFile}\n`,
    );
    expect(runCli(['generate', '--model', 'sd-trubo', '--prompt', 'x']).stderr).toBe(
      'ppbench: [ERR_INVALID_ARG] --model sd-trubo: not a folder (a diffusers model folder with model_index.json) nor a registry key (did you mean "sd-turbo"?) (keys: sd15, sd21, sd-turbo, sdxl-base, sdxl-turbo, ssd1b, playground25)\n',
    );
  }, 120_000);
});
