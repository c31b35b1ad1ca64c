import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src/config/load-run-config.js';
import { DEMO_CONFIG_FILE } from '../../src/config/project-root.js';
import { defaultDemoRoot, demoModelSettings } from '../../src/demo/index.js';
import { knownModelKeys } from '../../src/registry/lookup.js';
import { demoFromEnv } from '../../src/runner/demo-run.js';
import { planRun } from '../../src/runner/plan.js';
import { prepareRun } from '../../src/runner/prepare-run.js';
import { ResultStore } from '../../src/store/result-store.js';
import { projectRoot } from '../helpers/shared.js';
import { tempDir } from './helpers/bench-env.js';

/** An environment where no real weights can be found (empty models folder and HF cache). */
function emptyMachine(): NodeJS.ProcessEnv {
  const dir = tempDir('ppbench-nomodels-');
  // demo.json holds the GPU lease: a lease file of its own, not the machine-wide default.
  return { PPBENCH_MODELS_DIR: path.join(dir, 'models'), HF_HUB_CACHE: path.join(dir, 'hub'), GPU_COORD_PATH: path.join(dir, 'gpu', 'status.json') };
}

/** research/models/<key>/model_index.json for the given keys (what the locator checks). */
function withLocalModels(env: NodeJS.ProcessEnv, keys: readonly string[]): NodeJS.ProcessEnv {
  for (const key of keys) {
    mkdirSync(path.join(env.PPBENCH_MODELS_DIR!, key), { recursive: true });
    writeFileSync(path.join(env.PPBENCH_MODELS_DIR!, key, 'model_index.json'), '{}');
  }
  return env;
}

describe('demo run detection', () => {
  it('no config and missing weights: demo; every model found: the default config; a config, --resume or the fake engine: as given', () => {
    const none = emptyMachine();
    const auto = prepareRun({}, none);
    expect(auto.mode).toMatchObject({ demo: true, checked: 7 });
    expect(auto.mode.missing.map((m) => m.key)).toEqual(knownModelKeys());
    expect(auto.mode.reason).toMatch(/no --config given and 7 of the 7 models of .*default\.json are not on this machine/);
    expect(auto.plan.config.demo).toEqual({});
    expect(auto.plan.demo).toMatchObject({ dir: defaultDemoRoot(none) });
    expect(auto.plan.config).toMatchObject({ engine: 'native', device: 'cpu', dtype: 'fp32', seedsPerPrompt: 1, threads: 1 });
    expect(auto.plan.prompts).toHaveLength(100);
    expect(auto.resultsDir).toBe(path.join(projectRoot, 'research', 'benchmark_results', 'demo'));

    // One model present is not enough; all of them (after --models) is.
    const some = withLocalModels(emptyMachine(), ['sd15']);
    expect(prepareRun({}, some).mode).toMatchObject({ demo: true, missing: expect.any(Array) });
    expect(prepareRun({}, some).mode.missing).toHaveLength(6);
    expect(prepareRun({ models: ['sd15'] }, some).mode).toMatchObject({ demo: false, checked: 1, missing: [] });
    const all = withLocalModels(emptyMachine(), knownModelKeys());
    const real = prepareRun({ models: ['sd15', 'ssd1b'] }, all);
    expect(real.mode).toMatchObject({ demo: false, checked: 2 });
    expect(real.plan.demo).toBeNull();
    expect(real.plan.models.map((m) => m.source.repo)).toEqual(['stable-diffusion-v1-5/stable-diffusion-v1-5', 'segmind/SSD-1B']);

    const file = path.join(tempDir(), 'c.json');
    writeFileSync(file, JSON.stringify({ engine: 'fake', models: ['sd15'], device: 'cpu' }));
    expect(prepareRun({ config: file }, none).mode).toMatchObject({ demo: false, reason: 'a config was given' });
    expect(prepareRun({ engine: 'fake' }, none).mode).toMatchObject({ demo: false });
    expect(prepareRun({ demo: false }, none)).toMatchObject({ mode: { demo: false }, plan: { demo: null } });
    expect(prepareRun({}, { ...none, PPBENCH_DEMO: '0' }).mode.demo).toBe(false);
  });

  it('--demo / PPBENCH_DEMO=1 force it even with weights, and refuse a config or the fake engine', () => {
    const all = withLocalModels(emptyMachine(), knownModelKeys());
    expect(prepareRun({ demo: true }, all).mode).toMatchObject({ demo: true, reason: '--demo was given' });
    expect(prepareRun({}, { ...all, PPBENCH_DEMO: '1' }).mode).toMatchObject({ demo: true, reason: 'PPBENCH_DEMO=1 (--demo / --no-demo of npm run bench) was given' });
    expect(() => prepareRun({ demo: true, config: DEMO_CONFIG_FILE }, all)).toThrow(/--demo cannot be combined with --config/);
    expect(() => prepareRun({ demo: true, engine: 'fake' }, all)).toThrow(/--demo cannot be combined with --engine fake/);
    expect(() => prepareRun({ demo: true, resume: 'x' }, all)).toThrow(/--demo cannot be combined with --resume/);
    expect(() => demoFromEnv({ PPBENCH_DEMO: 'maybe' })).toThrow(/PPBENCH_DEMO=maybe: expected 1/);
    expect(demoFromEnv({ PPBENCH_DEMO: '' })).toBeUndefined();
  });

  it('a demo plan reads the demo folders with the demo settings, under an identity of its own', () => {
    const env = { ...emptyMachine(), PPBENCH_DEMO_DIR: path.join(tempDir(), 'demo') };
    const demo = prepareRun({ demo: true, models: ['ssd1b', 'sd21'], limitPrompts: 2, seeds: 2 }, env).plan;
    expect(demo.models.map((m) => [m.key, m.source.repo, m.source.path, m.settings])).toEqual([
      ['ssd1b', 'ppbench-demo/ssd1b', path.join(env.PPBENCH_DEMO_DIR, 'ssd1b'), demoModelSettings.ssd1b],
      ['sd21', 'ppbench-demo/sd21', path.join(env.PPBENCH_DEMO_DIR, 'sd21'), demoModelSettings.sd21],
    ]);
    expect(demo.models[0]!.source.revision).toMatch(/^demo-[0-9a-f]{12}$/);
    expect(demo.models[0]!.units).toHaveLength(4);
    // The same settings on real weights measure something else: never resumed or merged into each other.
    const real = parseRunConfig(
      { engine: 'native', models: [{ key: 'ssd1b', ...demoModelSettings.ssd1b }, { key: 'sd21', ...demoModelSettings.sd21 }], prompts: { first: 2 }, seedsPerPrompt: 2, device: 'cpu', threads: 1 },
      'real',
      projectRoot,
    );
    const realPlan = planRun(real);
    expect(realPlan.models.map((m) => m.settings)).toEqual(demo.models.map((m) => m.settings));
    expect(realPlan.identity).not.toBe(demo.identity);
  });

  it('rejects weight overrides in a demo config', () => {
    const bad = (extra: Record<string, unknown>) => () =>
      parseRunConfig({ demo: {}, models: ['sd15'], ...extra }, 'demo.json', projectRoot);
    expect(bad({ models: [{ key: 'sd15', path: '/x' }] })).toThrow(/models\[0\]\.path: a demo run reads the demo models/);
    expect(bad({ engine: 'fake' })).toThrow(/engine: a demo run needs the native engine/);
    expect(bad({ scoring: { clip: { repo: 'a/b' } } })).toThrow(/scoring\.clip: a demo run scores with the demo CLIP/);
    expect(parseRunConfig({ demo: { dir: 'd' }, models: ['sd15'] }, 'x', '/base').demo).toEqual({ dir: path.resolve('/base', 'd') });
  });
});

describe('npm run bench without weights (bench entry, --demo)', () => {
  it('says DEMO before and after, explains the rule and where real weights go, and completes with real demo scores', () => {
    const entry = path.join(projectRoot, 'dist', 'runner', 'bench-entry.js');
    if (!existsSync(entry)) throw new Error(`${entry} is missing: build it first (npm run build:ts; npm test does it)`);
    const results = tempDir('ppbench-bench-');
    const env: NodeJS.ProcessEnv = { ...process.env, ...emptyMachine(), PPBENCH_DEMO_DIR: defaultDemoRoot() };
    delete env.PPBENCH_DEMO;
    delete env.PPBENCH_RESULTS_DIR;
    const r = spawnSync(process.execPath, [entry, '--models', 'sd-turbo,playground25', '--limit-prompts', '2', '--results-dir', results], {
      cwd: projectRoot,
      encoding: 'utf8',
      env,
      timeout: 240_000,
    });
    const out = `${r.stdout}\n${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(r.stderr).toContain('DEMO RUN - these are DEMO models, not the benchmark models.');
    expect(r.stderr).toContain('RANDOM WEIGHTS');
    expect(r.stderr).toMatch(/Why a demo run: no --config given and 2 of the 2 models of .*default\.json are not on this machine/);
    expect(r.stderr).toContain('missing sd-turbo      stabilityai/sd-turbo@main');
    expect(r.stderr).toContain('hf download stabilityai/sd-turbo --revision main');
    expect(r.stderr).toMatch(/research\/models\/<key>/);
    expect(r.stderr).toMatch(/DEMO run \S+: the table below is for the RANDOM-WEIGHT demo models on cpu/);
    expect(r.stdout).toMatch(/^sd-turbo\s+2\s+0\s+0\s+\d+\.\d\d\s+\d+\.\d\d/m);
    expect(r.stdout).toMatch(/^playground25\s+2\s+0\s+0\s+\d+\.\d\d\s+\d+\.\d\d/m);

    // --demo with all weights present still runs the demo (and says why).
    const forced = spawnSync(process.execPath, [entry, '--demo', '--models', 'sd-turbo', '--limit-prompts', '1', '--results-dir', results, '--no-scoring'], {
      cwd: projectRoot,
      encoding: 'utf8',
      env: { ...env, ...withLocalModels(emptyMachine(), knownModelKeys()) },
      timeout: 240_000,
    });
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stderr).toContain('Why a demo run: PPBENCH_DEMO=1 (--demo / --no-demo of npm run bench) was given.');
    const store = ResultStore.open(path.join(results, 'ppbench.sqlite'));
    try {
      expect(store.runs.list()).toHaveLength(2);
      // The scored demo run: three metrics per image (clip_score, aesthetic, pickscore; plus clip_cosine).
      const scored = store.runs.list().map((run) => store.images.results(run.id)).find((rows) => rows.some((row) => row.scores.clip_score !== undefined))!;
      expect(scored).toHaveLength(4);
      for (const row of scored) {
        expect(Object.keys(row.scores).sort()).toEqual(['aesthetic', 'clip_cosine', 'clip_score', 'pickscore']);
        expect(Number.isFinite(row.scores.pickscore)).toBe(true);
      }
    } finally {
      store.close();
    }
  });
});
