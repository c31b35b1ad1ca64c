import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRunConfig, type LoadedRunConfig } from '../../src/config/load-run-config.js';
import type { RunConfigInput } from '../../src/config/run-config.js';
import { defaultDemoRoot, ensureDemoModels } from '../../src/demo/index.js';
import { decodePng } from '../../src/image/png-decode.js';
import { NativeEngineError } from '../../src/native/errors.js';
import type { Pipeline } from '../../src/pipeline/pipeline.js';
import { databasePath } from '../../src/results/result-paths.js';
import { nativeEngine, type Engine } from '../../src/runner/engines/engine.js';
import { NativeGenerator } from '../../src/runner/engines/native-generator.js';
import { NativeScorer } from '../../src/runner/engines/native-scorer.js';
import { mergeDatabases } from '../../src/store/merge-databases.js';
import { ResultStore } from '../../src/store/result-store.js';
import type { ImageResult } from '../../src/store/rows.js';
import { plan, runInto, tempDir } from './helpers/bench-env.js';
import { fakeLease } from './helpers/fake-lease.js';

/** The shared demo folder (research/models/.demo or $PPBENCH_DEMO_DIR): built once, reused by every run. */
const demoDir = defaultDemoRoot();

function demoConfig(overrides: Partial<RunConfigInput> = {}): LoadedRunConfig {
  return parseRunConfig(
    {
      demo: { dir: demoDir },
      engine: 'native',
      models: ['sd15', 'sdxl-turbo'],
      prompts: { first: 3 },
      seedsPerPrompt: 1,
      device: 'cpu',
      threads: 1,
      scoring: { enabled: true, batchSize: 4 },
      ...overrides,
    },
    'native test config',
    process.cwd(),
  );
}

const unitOf = (r: { model: string; promptId: string; seedIndex: number; seed: number }) => `${r.model}/${r.promptId}/s${r.seedIndex}/${r.seed}`;

/** Decoded pixels per unit: PNG metadata (run id, timings) differs between runs, the pixels must not. */
function pixelsByUnit(resultsDir: string, rows: readonly ImageResult[]): Map<string, Buffer> {
  return new Map(
    rows.map((r) => {
      const img = decodePng(readFileSync(path.join(resultsDir, r.filePath!)), r.filePath!);
      expect([img.width, img.height]).toEqual([64, 64]);
      return [unitOf(r), Buffer.from(img.data)];
    }),
  );
}

describe('native engine on the demo models (CPU)', () => {
  beforeAll(async () => {
    await ensureDemoModels(demoDir);
  });

  it('2 models x 3 prompts x 1 seed: ok rows with stage timings, decodable PNGs, real scores; the same pixels unsharded and as merged shards 0/2 + 1/2', async () => {
    const config = demoConfig();
    const whole = tempDir('ppbench-native-');
    const full = await runInto(whole, plan(config), { engine: nativeEngine('cpu', { threads: 1 }) });
    let fullPixels: Map<string, Buffer>;
    try {
      expect(full.status).toBe('completed');
      const rows = full.store.images.results(full.runId);
      expect(rows).toHaveLength(6);
      for (const r of rows) {
        expect(r, unitOf(r)).toMatchObject({ status: 'ok', width: 64, height: 64, errorCode: null });
        const t = r.timings!;
        expect(t.textEncodeMs).toBeGreaterThan(0);
        expect(t.vaeDecodeMs).toBeGreaterThan(0);
        expect(t.totalMs).toBeGreaterThan(0);
        // PNDM (sd15) evaluates the UNet steps + 1 times; EulerAncestral once per step.
        const unet = t.unetMs as number[];
        expect(unet).toHaveLength(r.model === 'sd15' ? r.steps + 1 : r.steps);
        for (const ms of unet) expect(ms).toBeGreaterThan(0);
        // CPU: the process's peak RSS while this image was generated (Linux resets the peak per call).
        expect(r.peakMemoryBytes).toBeGreaterThan(0);
        expect(Number.isFinite(r.scores.clip_cosine)).toBe(true);
        expect(r.scores.clip_score).toBeCloseTo(Math.max(100 * r.scores.clip_cosine!, 0), 4);
        expect(Number.isFinite(r.scores.aesthetic)).toBe(true);
      }
      // Different prompts/seeds give different noise; the same unit the same pixels (below).
      fullPixels = pixelsByUnit(whole, rows);
      expect(new Set([...fullPixels.values()].map((b) => b.toString('base64'))).size).toBe(6);

      const run = full.store.runs.get(full.runId)!;
      expect(run.libtorchVersion).toMatch(/^\d+\.\d+/);
      expect(JSON.parse(run.deviceJson!)).toMatchObject({ device: 'cpu', name: 'cpu', cudaBuild: expect.any(Boolean), threads: 1 });
      const loads = full.store.runs.modelLoads(full.runId);
      expect(loads.filter((l) => l.role === 'generation').map((l) => [l.model, l.repo, l.status, l.modelDir])).toEqual([
        ['sd15', 'ppbench-demo/sd15', 'loaded', path.join(demoDir, 'sd15')],
        ['sdxl-turbo', 'ppbench-demo/sdxl-turbo', 'loaded', path.join(demoDir, 'sdxl-turbo')],
      ]);
      expect(loads.find((l) => l.role === 'scoring')).toMatchObject({ repo: 'ppbench-demo/clip', status: 'loaded', modelDir: path.join(demoDir, 'clip') });
    } finally {
      full.store.close();
    }

    const dir = tempDir('ppbench-native-shards-');
    const files: string[] = [];
    for (const index of [0, 1]) {
      const shard = { index, count: 2 };
      files.push(databasePath(dir, shard));
      const part = await runInto(dir, plan(config, shard), { engine: nativeEngine('cpu', { threads: 1 }), db: path.basename(files[index]!), start: { runId: 'shared' } });
      expect(part.status).toBe('completed');
      part.store.close();
    }
    const out = path.join(dir, 'merged.sqlite');
    expect(mergeDatabases(files, out)).toMatchObject({ runId: 'shared', images: 6 });
    const merged = ResultStore.open(out);
    try {
      const rows = merged.images.results('shared');
      const shardPixels = pixelsByUnit(dir, rows);
      expect([...shardPixels.keys()].sort()).toEqual([...fullPixels.keys()].sort());
      for (const [unit, pixels] of shardPixels) expect(pixels.equals(fullPixels.get(unit)!), `${unit}: identical pixels`).toBe(true);
      expect(rows.every((r) => r.status === 'ok' && r.scores.aesthetic !== undefined)).toBe(true);
    } finally {
      merged.close();
    }
  });

  it('a preemption cancels the native generation at the next step (ERR_CANCELLED -> preempted), and the retry makes the same image', async () => {
    const config = demoConfig({ models: [{ key: 'sdxl-base', steps: 6 }], prompts: { first: 2 }, scoring: { enabled: false } });
    const reference = tempDir();
    const plain = await runInto(reference, plan(config), { engine: nativeEngine('cpu', { threads: 1 }) });
    const plainPixels = pixelsByUnit(reference, plain.store.images.results(plain.runId));
    plain.store.close();

    const dir = tempDir();
    // The backend wants the GPU at the 2nd step of every first attempt.
    const lease = fakeLease({ preempt: (_label, attempt) => attempt === 1, preemptAtStep: 2 });
    const run = await runInto(dir, plan(config), { engine: nativeEngine('cpu', { threads: 1 }), lease });
    try {
      expect(run.status).toBe('completed');
      const rows = run.store.images.results(run.runId);
      expect(rows.map((r) => [r.promptId, r.status, r.attempts])).toEqual([
        ['p001', 'ok', 2],
        ['p002', 'ok', 2],
      ]);
      expect(lease.log.acquired).toHaveLength(4);
      const pixels = pixelsByUnit(dir, rows);
      for (const [unit, p] of pixels) expect(p.equals(plainPixels.get(unit)!), unit).toBe(true);
    } finally {
      run.store.close();
    }
  });

  it('keeps engine error codes: ERR_CUDA_OOM is a failed image (cache flushed), ERR_MODEL_LOAD skips the model', async () => {
    let flushes = 0;
    const oomPipeline = {
      generate: async () => {
        throw new NativeEngineError('CUDA out of memory. Tried to allocate 2.00 GiB', 'ERR_CUDA_OOM');
      },
      dispose: async () => undefined,
    } as unknown as Pipeline;
    const base = nativeEngine('cpu', { threads: 1 });
    const engine: Engine = {
      ...base,
      device: { info: base.device.info, emptyCache: () => void flushes++ },
      createGenerator: async (model, settings) => {
        if (model.entry.key === 'sd15') return base.createGenerator({ ...model, dir: path.join(demoDir, 'no-such-model') }, settings);
        return new NativeGenerator(oomPipeline);
      },
    };
    const config = demoConfig({ models: ['sd15', 'sd-turbo'], prompts: { first: 2 }, scoring: { enabled: false } });
    const dir = tempDir();
    const run = await runInto(dir, plan(config), { engine });
    try {
      expect(run.status).toBe('incomplete'); // sd15 was skipped: a rerun tries it again
      const rows = run.store.images.list(run.runId);
      expect(rows.map((r) => [r.model, r.promptId, r.status, r.errorCode])).toEqual([
        ['sd-turbo', 'p001', 'failed', 'ERR_CUDA_OOM'],
        ['sd-turbo', 'p002', 'failed', 'ERR_CUDA_OOM'],
      ]);
      expect(flushes).toBeGreaterThanOrEqual(3); // sd15's failed load, then after each image
      const load = run.store.runs.modelLoads(run.runId).find((l) => l.model === 'sd15')!;
      expect(load).toMatchObject({ status: 'load-failed', errorCode: 'ERR_MODEL_LOAD' });
    } finally {
      run.store.close();
    }
  });

  it('the scorer adapter maps src/scoring pair scores and refuses a scorer without aesthetic scores', async () => {
    const calls: Array<{ sizes: number[]; prompts: string[] }> = [];
    const stub = (aesthetic: number[] | null) => ({
      scoreImages: async (images: readonly { width: number; data: Uint8Array }[], prompts: readonly string[]) => {
        calls.push({ sizes: images.map((i) => i.data.length), prompts: [...prompts] });
        return { clipScore: [25, 0], cosine: [0.25, -0.1], aesthetic, prompts: [], timings: {} };
      },
      dispose: async () => undefined,
    });
    const images = [
      { rgb: new Uint8Array(12), width: 2, height: 2 },
      { rgb: new Uint8Array(27), width: 3, height: 3 },
    ];
    const scorer = new NativeScorer(stub([5.5, 4.25]) as never);
    expect(await scorer.score(images, ['a', 'b'])).toEqual({ clipScore: [25, 0], cosine: [0.25, -0.1], aesthetic: [5.5, 4.25] });
    expect(calls[0]).toEqual({ sizes: [12, 27], prompts: ['a', 'b'] });
    await expect(new NativeScorer(stub(null) as never).score(images, ['a', 'b'])).rejects.toMatchObject({ code: 'ERR_BAD_SCORES' });
    await expect(scorer.score(images, ['a', 'b'], { signal: AbortSignal.abort(new Error('stop')) })).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
  });

  it('files on disk match the rows exactly (no orphans, no temp files)', async () => {
    const dir = tempDir();
    const run = await runInto(dir, plan(demoConfig({ models: ['ssd1b'], prompts: { first: 2 } })), { engine: nativeEngine('cpu', { threads: 1 }) });
    try {
      const rows = run.store.images.list(run.runId);
      expect(readdirSync(path.join(dir, run.runId, 'images', 'ssd1b')).sort()).toEqual(rows.map((r) => path.basename(r.filePath!)).sort());
    } finally {
      run.store.close();
    }
  });
});
