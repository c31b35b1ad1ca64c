import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GenerateRequest } from '../../src/runner/generator.js';
import { readImageMetadata } from '../../src/store/image-file.js';
import { readPngText } from '../../src/store/png/text-chunks.js';
import { fakeLease } from './helpers/fake-lease.js';
import { hookedEngine, plan, runInto, tempDir, testConfig } from './helpers/bench-env.js';

describe('runBenchmark', () => {
  it('makes every model x prompt x seed once: rows ok, files in place with metadata, scores stored', async () => {
    const dir = tempDir();
    const lease = fakeLease();
    const engine = hookedEngine();
    const { runId, status, store } = await runInto(dir, plan(testConfig()), { engine, lease });
    try {
      expect(status).toBe('completed');
      const rows = store.images.results(runId);
      expect(rows).toHaveLength(2 * 3 * 2);
      expect(new Set(rows.map((r) => `${r.model}/${r.promptId}/${r.seedIndex}`)).size).toBe(12);
      for (const row of rows) {
        expect(row).toMatchObject({ status: 'ok', attempts: 1, errorCode: null, width: 64, height: 64 });
        expect(row.filePath).toBe(path.join(runId, 'images', row.model, `${row.promptId}-s${row.seedIndex}.png`));
        const file = path.join(dir, row.filePath!);
        expect(existsSync(file)).toBe(true);
        const text = readPngText(readFileSync(file), file);
        expect(text.get('prompt')).toBe(row.prompt);
        expect(text.get('seed')).toBe(String(row.seed));
        expect(text.get('seed_index')).toBe(String(row.seedIndex));
        expect(text.get('model')).toContain(row.model);
        expect(row.scores.clip_cosine).toBeTypeOf('number');
        expect(row.scores.clip_score).toBeCloseTo(Math.max(100 * row.scores.clip_cosine!, 0));
        expect(row.scores.aesthetic).toBeTypeOf('number');
        expect(row.timings?.unetMs).toHaveLength(row.steps);
      }
      // One lease per image, never two at once, each released; CPU scoring holds no lease.
      expect(lease.log.acquired).toHaveLength(12);
      expect(lease.log.acquired[0]).toBe(`sd-turbo/${rows.find((r) => r.model === 'sd-turbo')!.promptId}/s0`);
      expect(lease.log.maxConcurrent).toBe(1);
      expect(lease.log.released).toBe(12);
      // The cache is flushed after every image and after each model's dispose.
      expect(engine.calls.emptyCache).toBe(12 + 2);
      expect(store.runs.get(runId)).toMatchObject({ status: 'completed', shard: null });
      expect(store.runs.modelLoads(runId).map((l) => [l.role, l.model, l.status])).toEqual([
        ['generation', 'sd-turbo', 'loaded'],
        ['generation', 'ssd1b', 'loaded'],
        ['scoring', 'clip', 'loaded'],
      ]);
    } finally {
      store.close();
    }
  });

  it('scores on a GPU device inside leases of their own, one per batch', async () => {
    const dir = tempDir();
    const lease = fakeLease();
    const config = testConfig({ device: 'cuda', calmPauseMs: 0, scoring: { enabled: true, batchSize: 4 }, models: [{ key: 'sd-turbo', width: 64, height: 64 }] });
    const { status, store } = await runInto(dir, plan(config), { engine: hookedEngine({}, 'cuda'), lease });
    store.close();
    expect(status).toBe('completed');
    expect(lease.log.acquired.filter((l) => l.startsWith('score/'))).toEqual(['score/sd-turbo', 'score/sd-turbo']);
  });

  it('records a per-image engine error (CUDA OOM), flushes the cache and goes on', async () => {
    const dir = tempDir();
    const config = testConfig();
    const victim = plan(config).models[0]!.units[1]!;
    const engine = hookedEngine({
      beforeGenerate: (model, request) => {
        if (model === 'sd-turbo' && request.seed === victim.seed) throw Object.assign(new Error('CUDA out of memory (tried 2.00 GiB)'), { code: 'ERR_CUDA_OOM' });
      },
    });
    const { runId, status, store } = await runInto(dir, plan(config), { engine });
    try {
      expect(status).toBe('completed');
      const failed = store.images.list(runId).filter((r) => r.status === 'failed');
      expect(failed).toEqual([
        expect.objectContaining({ model: 'sd-turbo', promptId: victim.promptId, seedIndex: victim.seedIndex, errorCode: 'ERR_CUDA_OOM', filePath: null }),
      ]);
      expect(failed[0]!.errorMessage).toContain('out of memory');
      expect(store.images.list(runId).filter((r) => r.status === 'ok')).toHaveLength(11);
      expect(engine.calls.emptyCache).toBe(12 + 2);
    } finally {
      store.close();
    }
  });

  it('records a model that fails to load and skips it; the run is incomplete', async () => {
    const dir = tempDir();
    const engine = hookedEngine({ failLoad: (model) => (model === 'sd-turbo' ? Object.assign(new Error('bad unet/config.json'), { code: 'ERR_MODEL_LOAD' }) : undefined) });
    const { runId, status, store } = await runInto(dir, plan(testConfig()), { engine });
    try {
      expect(status).toBe('incomplete');
      expect(store.runs.modelLoads(runId).find((l) => l.model === 'sd-turbo')).toMatchObject({
        status: 'load-failed',
        errorCode: 'ERR_MODEL_LOAD',
        errorMessage: 'bad unet/config.json',
      });
      expect(store.images.list(runId).map((r) => r.model)).toEqual(Array(6).fill('ssd1b'));
    } finally {
      store.close();
    }
  });

  it('puts preempted images back into the queue and finishes them', async () => {
    const dir = tempDir();
    const config = testConfig();
    const [first, second] = plan(config).models[1]!.units;
    const victims = new Set([`ssd1b/${first!.promptId}/s${first!.seedIndex}`, `ssd1b/${second!.promptId}/s${second!.seedIndex}`]);
    const lease = fakeLease({ preempt: (label, attempt) => victims.has(label) && attempt <= 2, preemptAtStep: 2 });
    const { runId, status, store } = await runInto(dir, plan(config), { lease });
    try {
      expect(status).toBe('completed');
      const rows = store.images.list(runId, 'ssd1b');
      expect(rows.every((r) => r.status === 'ok')).toBe(true);
      const attempts = Object.fromEntries(rows.map((r) => [`ssd1b/${r.promptId}/s${r.seedIndex}`, r.attempts]));
      for (const v of victims) expect(attempts[v]).toBe(3);
      expect(rows.filter((r) => r.attempts === 1)).toHaveLength(4);
      // A preempted image went to the back of the queue: the next image was made first.
      const order = lease.log.acquired.filter((l) => l.startsWith('ssd1b/'));
      expect(order.slice(0, 2)).toEqual([...victims]);
      expect(victims.has(order[2]!)).toBe(false);
    } finally {
      store.close();
    }
  });

  it('leaves an image preempted (for a resume) once its retries are used up', async () => {
    const dir = tempDir();
    const config = testConfig({ retries: { preempted: 1 }, models: [{ key: 'sd-turbo', width: 64, height: 64, steps: 2 }] });
    const victim = plan(config).models[0]!.units[0]!;
    const label = `sd-turbo/${victim.promptId}/s${victim.seedIndex}`;
    const lease = fakeLease({ preempt: (l) => l === label });
    const { runId, status, store } = await runInto(dir, plan(config), { lease });
    try {
      expect(status).toBe('incomplete');
      const row = store.images.list(runId).find((r) => r.promptId === victim.promptId && r.seedIndex === victim.seedIndex)!;
      expect(row).toMatchObject({ status: 'preempted', attempts: 2, errorCode: 'ERR_PREEMPTED', filePath: null });
      expect(row.errorMessage).toContain('backend wants the GPU');
    } finally {
      store.close();
    }
  });

  it('passes the negative prompt as absent (null) or "" exactly as configured, and stores it so', async () => {
    const dir = tempDir();
    const seen = new Map<string, GenerateRequest['negativePrompt'] | 'absent'>();
    const engine = hookedEngine({ beforeGenerate: (model, r) => void seen.set(model, 'negativePrompt' in r ? r.negativePrompt : 'absent') });
    const config = testConfig({
      prompts: { first: 1 },
      seedsPerPrompt: 1,
      models: [
        { key: 'sdxl-base', width: 64, height: 64, steps: 1 },
        { key: 'sdxl-turbo', width: 64, height: 64, negativePrompt: '' },
        { key: 'ssd1b', width: 64, height: 64, steps: 1 },
        { key: 'playground25', width: 64, height: 64, steps: 1, negativePrompt: null },
      ],
    });
    const { runId, store } = await runInto(dir, plan(config), { engine });
    try {
      expect(Object.fromEntries(seen)).toEqual({ 'sdxl-base': 'absent', 'sdxl-turbo': '', ssd1b: 'ugly, blurry, poor quality', playground25: 'absent' });
      const stored = Object.fromEntries(store.images.list(runId).map((r) => [r.model, r.negativePrompt]));
      expect(stored).toEqual({ 'sdxl-base': null, 'sdxl-turbo': '', ssd1b: 'ugly, blurry, poor quality', playground25: null });
      const row = store.images.list(runId, 'sdxl-turbo')[0]!;
      const meta = await readImageMetadata(path.join(dir, row.filePath!));
      expect(meta).toMatchObject({ meta: { negativePrompt: '' } });
    } finally {
      store.close();
    }
  });
});
