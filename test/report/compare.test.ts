import { copyFileSync, cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runComparison } from '../../src/report/write-compare.js';
import { runCli } from '../helpers/cli.js';
import { writeSyntheticRun } from './helpers/synthetic-run.js';

const MODELS = ['alpha', 'beta', 'gamma'];
let root: string;
let base: { resultsDir: string; databaseFile: string };

/** A full copy of the results folder (database and PNGs), to change one thing in. */
function copyResults(name: string): { resultsDir: string; databaseFile: string } {
  const resultsDir = path.join(root, name);
  cpSync(base.resultsDir, resultsDir, { recursive: true });
  return { resultsDir, databaseFile: path.join(resultsDir, 'ppbench.sqlite') };
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'ppbench-compare-'));
  const resultsDir = path.join(root, 'base');
  const { databaseFile } = await writeSyntheticRun({ resultsDir, runId: 'run', models: MODELS, prompts: 12, seeds: 3, pngSize: 24, pickscore: true });
  base = { resultsDir, databaseFile };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ppbench compare', () => {
  it('a run against itself: no significant change anywhere and zero drift', async () => {
    const c = await runComparison({ runA: 'run', runB: 'run', databaseA: base.databaseFile, databaseB: base.databaseFile });
    expect(new Set(c.metrics.map((m) => m.metric))).toEqual(new Set(['clip_score', 'aesthetic', 'pickscore', 'latency_ms']));
    expect(c.metrics).toHaveLength(MODELS.length * 4);
    for (const m of c.metrics) {
      expect(m).toMatchObject({ verdict: 'no significant change', paired: true, n: 36 });
      expect(m.difference).toMatchObject({ mean: 0, lo: 0, hi: 0 });
    }
    for (const d of c.drift) expect(d).toMatchObject({ compared: 36, changedPairs: 0, meanAbs: 0, maxAbs: 0, changedShare: 0 });
    expect(c.regressions).toBe(0);
  });

  it('against a copy whose latencies are 20% higher: latency worse for every model, scores unchanged; --fail-on-regression exits 1', async () => {
    const slower = copyResults('slower');
    const db = new Database(slower.databaseFile);
    db.prepare('UPDATE images SET latency_ms = latency_ms * 1.2').run();
    db.close();
    const c = await runComparison({ runA: 'run', runB: 'run', databaseA: base.databaseFile, databaseB: slower.databaseFile });
    for (const m of c.metrics) expect(m.verdict).toBe(m.metric === 'latency_ms' ? 'worse' : 'no significant change');
    expect(c.regressions).toBe(MODELS.length);

    const args = ['compare', 'run', 'run', '--db', base.databaseFile, '--db', slower.databaseFile];
    const gate = runCli([...args, '--fail-on-regression', '--out', path.join(root, 'compare.html')]);
    expect(gate.status, gate.stderr).toBe(1);
    expect(gate.stdout).toMatch(/^alpha\s+latency_ms\s.*\sworse$/m);
    expect(gate.stdout).toContain(`${MODELS.length} regression(s)`);
    expect(runCli(args).status).toBe(0);
    const json = JSON.parse(runCli([...args, '--json']).stdout) as { regressions: number };
    expect(json.regressions).toBe(MODELS.length);
    const self = runCli(['compare', 'run', 'run', '--db', base.databaseFile, '--fail-on-regression']);
    expect(self.status, self.stderr).toBe(0);
  });

  it('a run where one model\'s images differ: drift for that model only', async () => {
    const changed = copyResults('changed');
    const folder = path.join(changed.resultsDir, 'run', 'images', 'beta');
    for (const name of readdirSync(folder)) {
      const file = path.join(folder, name);
      const png = await sharp(file).modulate({ brightness: 1.3 }).png().toBuffer();
      await sharp(png).toFile(`${file}.tmp.png`);
      copyFileSync(`${file}.tmp.png`, file);
      rmSync(`${file}.tmp.png`);
    }
    const c = await runComparison({ runA: 'run', runB: 'run', databaseA: base.databaseFile, databaseB: changed.databaseFile, out: path.join(root, 'drift.html') });
    const drift = Object.fromEntries(c.drift.map((d) => [d.model, d]));
    expect(drift.alpha).toMatchObject({ compared: 36, changedPairs: 0, maxAbs: 0 });
    expect(drift.gamma).toMatchObject({ compared: 36, changedPairs: 0, maxAbs: 0 });
    expect(drift.beta!.changedPairs).toBe(36);
    expect(drift.beta!.meanAbs).toBeGreaterThan(1);
    expect(drift.beta!.changedShare).toBeGreaterThan(0.5);
    expect(c.largestDrift.every((p) => p.model === 'beta')).toBe(true);
  });

  it('models in only one run are listed, not compared; unknown runs are a coded error', async () => {
    const other = path.join(root, 'other');
    const { databaseFile } = await writeSyntheticRun({ resultsDir: other, runId: 'other', models: ['alpha', 'delta'], prompts: 4, seeds: 1, seed: 99 });
    const c = await runComparison({ runA: 'run', runB: 'other', databaseA: base.databaseFile, databaseB: databaseFile });
    expect(c.onlyInA).toEqual(['beta', 'gamma']);
    expect(c.onlyInB).toEqual(['delta']);
    expect(new Set(c.metrics.map((m) => m.model))).toEqual(new Set(['alpha']));
    const r = runCli(['compare', 'run', 'missing', '--db', base.databaseFile]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^ppbench: \[ERR_REPORT_UNKNOWN_RUN\] no run missing in .*; latest runs: run \(completed/m);
  });
});
