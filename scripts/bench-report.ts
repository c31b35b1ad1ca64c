/**
 * `npm run bench:report`: times `ppbench report` and `ppbench compare` on a synthetic run of
 * 7 models × 100 prompts × 4 seeds (2,800 images with small PNGs) and prints the numbers.
 * Targets (issue #14): page ≤ 15 s and ≤ 20 MB with the default grid; compare ≤ 10 s.
 * Arguments: [prompts] [seeds] to try another size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runComparison } from '../src/report/write-compare.js';
import { writeReport } from '../src/report/write-report.js';
import { writeSyntheticRun } from '../test/report/helpers/synthetic-run.js';

const MODELS = ['sd15', 'sd21', 'sd-turbo', 'sdxl-base', 'sdxl-turbo', 'ssd1b', 'playground25'];
const prompts = Number(process.argv[2] ?? 100);
const seeds = Number(process.argv[3] ?? 4);
const dir = mkdtempSync(path.join(tmpdir(), 'ppbench-bench-report-'));
try {
  let t = performance.now();
  const { databaseFile, runId } = await writeSyntheticRun({
    resultsDir: dir, runId: 'bench-a', models: MODELS, prompts, seeds, pngSize: 64, pickscore: true,
    categories: ['people', 'animals', 'objects', 'scenes', 'text'],
  });
  await writeSyntheticRun({ resultsDir: dir, runId: 'bench-b', models: MODELS, prompts, seeds, pngSize: 64, pickscore: true, seed: 8, categories: ['people'] });
  console.log(`synthetic database: ${MODELS.length * prompts * seeds} images per run, 2 runs, built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  const page = await writeReport({ databaseFile, runId });
  console.log(`report:  ${((performance.now() - t) / 1000).toFixed(2)} s, ${(page.bytes / 1e6).toFixed(2)} MB (targets: 15 s, 20 MB)`);
  t = performance.now();
  const c = await runComparison({ runA: 'bench-a', runB: 'bench-b', databaseA: databaseFile, databaseB: databaseFile });
  console.log(`compare: ${((performance.now() - t) / 1000).toFixed(2)} s for ${c.metrics.length} (model, metric) rows and ${c.drift.reduce((a, d) => a + d.compared, 0)} drift pairs (target: 10 s)`);
  t = performance.now();
  await runComparison({ runA: 'bench-a', runB: 'bench-a', databaseA: databaseFile, databaseB: databaseFile });
  console.log(`compare with itself (identical PNGs): ${((performance.now() - t) / 1000).toFixed(2)} s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
