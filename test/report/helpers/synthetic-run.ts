import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { imageRelativePath } from '../../../src/results/result-paths.js';
import { seededRandom } from '../../../src/report/bootstrap.js';
import { ResultStore } from '../../../src/store/result-store.js';
import type { LeaseEventRecord } from '../../../src/store/rows.js';

/** A run written straight into a results database, with small PNGs: what reports read. */
export interface SyntheticRun {
  resultsDir: string;
  runId?: string;
  models: string[];
  prompts: number;
  seeds: number;
  /** Prompt i gets categories[i % length]; none: null (uncategorised). */
  categories?: string[];
  /** Adds the preference metric; model i's PickScore rises with i. */
  pickscore?: boolean;
  pngSize?: number;
  demo?: boolean;
  leaseEvents?: LeaseEventRecord[];
  /** Seed of the synthetic values. */
  seed?: number;
}

export const promptIdOf = (p: number): string => `p${String(p).padStart(3, '0')}`;

/** Each model's true mean per metric: model i is i·step above model 0. */
export const trueMean = (metric: 'clip_score' | 'aesthetic' | 'pickscore', modelIndex: number): number =>
  ({ clip_score: 28 + modelIndex * 0.8, aesthetic: 5 + modelIndex * 0.1, pickscore: 20 + modelIndex * 0.3 })[metric];

export async function writeSyntheticRun(spec: SyntheticRun): Promise<{ databaseFile: string; runId: string }> {
  const runId = spec.runId ?? 'synthetic-run';
  const databaseFile = path.join(spec.resultsDir, 'ppbench.sqlite');
  const random = seededRandom(spec.seed ?? 7);
  const size = spec.pngSize ?? 16;
  const store = ResultStore.open(databaseFile);
  try {
    const startedAt = '2026-12-04T10:00:00.000Z';
    store.runs.insert({
      id: runId, configJson: JSON.stringify({ models: spec.models, seedsPerPrompt: spec.seeds, ...(spec.demo ? { demo: {} } : {}) }),
      identity: 'synthetic', shard: null, gitRevision: 'abc1234', host: 'test-host', deviceJson: JSON.stringify({ type: 'cpu' }),
      libtorchVersion: '2.13.0', startedAt, endedAt: '2026-12-04T10:30:00.000Z', status: 'completed', demo: spec.demo ?? null, device: 'cpu', dtype: 'fp32',
    });
    spec.models.forEach((model, m) => store.runs.recordModelLoad({
      runId, role: 'generation', model, repo: `test/${model}`, revision: 'r1', modelDir: null, status: 'loaded', errorCode: null, errorMessage: null, loadMs: 1000 + m * 100,
    }));
    const files: Array<Promise<void>> = [];
    for (let m = 0; m < spec.models.length; m++) {
      const model = spec.models[m]!;
      for (let p = 0; p < spec.prompts; p++) {
        const promptEffect = (random() - 0.5) * 2;
        for (let s = 0; s < spec.seeds; s++) {
          const promptId = promptIdOf(p);
          const filePath = imageRelativePath(runId, model, promptId, s);
          const pixels = Buffer.alloc(size * size * 3);
          for (let k = 0; k < pixels.length; k++) pixels[k] = Math.floor(random() * 256);
          const abs = path.join(spec.resultsDir, filePath);
          mkdirSync(path.dirname(abs), { recursive: true });
          files.push(sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer().then((png) => writeFileSync(abs, png)));
          const id = store.images.record({
            runId, model, promptId, seedIndex: s, seed: 1000 + p * 10 + s, prompt: `prompt number ${p}`, negativePrompt: null,
            steps: 4 + m, guidance: 7.5, width: size, height: size, scheduler: 'euler', filePath,
            timings: { unetMs: Array.from({ length: 4 + m }, () => 10 + m + random()) }, latencyMs: 100 * (m + 1) + random() * 20,
            leaseWaitMs: null, peakMemoryBytes: null, status: 'ok', errorCode: null, errorMessage: null,
            category: spec.categories ? spec.categories[p % spec.categories.length]! : null,
          });
          const noise = () => (random() - 0.5) * 2;
          store.scores.insert([{ imageId: id, values: {
            clip_score: trueMean('clip_score', m) + promptEffect + noise(),
            aesthetic: trueMean('aesthetic', m) + promptEffect * 0.1 + noise() * 0.1,
            ...(spec.pickscore ? { pickscore: trueMean('pickscore', m) + promptEffect * 0.3 + noise() * 0.5 } : {}),
          } }]);
        }
      }
    }
    await Promise.all(files);
    if (spec.leaseEvents) store.importLeaseEvents(runId, spec.leaseEvents);
  } finally {
    store.close();
  }
  return { databaseFile, runId };
}
