import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultDemoRoot, ensureDemoModels } from '../../src/demo/index.js';
import { ResultStore } from '../../src/store/result-store.js';
import { startCli } from '../helpers/cli.js';
import { until } from '../helpers/until.js';
import { tempDir } from './helpers/bench-env.js';
import { leaseHolders } from './helpers/lease-holders.js';

/*
 * `ppbench run` with the NATIVE engine on the demo models, on CPU, with the real GPU lease
 * switched on in the config (on CPU it is off by default: nothing to share). Each image takes
 * about a second on an idle 2-core machine (sdxl-base demo, 30 steps with CFG), so the signals
 * land in the middle of one.
 */
const demoDir = defaultDemoRoot();
const MODEL = 'sdxl-base';

function setup() {
  const dir = tempDir('ppbench-native-sig-');
  const statusFile = path.join(dir, 'coord', 'status.json');
  const configFile = path.join(dir, 'config.json');
  const results = path.join(dir, 'results');
  writeFileSync(
    configFile,
    JSON.stringify({
      demo: { dir: demoDir },
      engine: 'native',
      models: [{ key: MODEL, steps: 30 }],
      prompts: { first: 2 },
      seedsPerPrompt: 1,
      device: 'cpu',
      threads: 1,
      lease: { enabled: true, path: statusFile },
      scoring: { enabled: true },
    }),
  );
  return { statusFile, results, args: ['run', '--config', configFile, '--results-dir', results] };
}

/** After the resume: one ok row per unit, each with its complete PNG, and nothing else in the folder. */
function checkFinished(results: string) {
  const store = ResultStore.open(path.join(results, 'ppbench.sqlite'));
  try {
    const [run, ...others] = store.runs.list();
    expect(others).toEqual([]);
    expect(run).toMatchObject({ status: 'completed' });
    const rows = store.images.results(run!.id);
    expect(rows.map((r) => `${r.model}/${r.promptId}/s${r.seedIndex}`)).toEqual([`${MODEL}/p001/s0`, `${MODEL}/p002/s0`]);
    const dupes = store.db.prepare('SELECT COUNT(*) AS n FROM images WHERE run_id = ? GROUP BY model, prompt_id, seed_index HAVING n > 1').all(run!.id);
    expect(dupes).toEqual([]);
    for (const r of rows) {
      expect(r).toMatchObject({ status: 'ok', errorCode: null });
      expect(r.scores.clip_cosine).toBeTypeOf('number');
    }
    const folder = path.join(results, run!.id, 'images', MODEL);
    expect(readdirSync(folder).sort()).toEqual(rows.map((r) => path.basename(r.filePath!)).sort());
    return { run: run!, rows, events: store.leaseEvents.list(run!.id) };
  } finally {
    store.close();
  }
}

describe('native run under signals, with the GPU lease on CPU', () => {
  beforeAll(async () => {
    await ensureDemoModels(demoDir);
  });

  it('SIGTERM mid-image: lease released within 1 s, exit 143, the image recorded interrupted; --resume finishes with one row per image', async () => {
    const { statusFile, results, args } = setup();
    const run = startCli(args);
    await until('the runner to hold the lease', () => leaseHolders(statusFile).some((h) => h.owner === 'benchmark'), 30_000);
    expect(leaseHolders(statusFile)[0]?.label).toBe(`${MODEL}/p001/s0`);
    await sleep(300);
    run.child.kill('SIGTERM');
    const releasedAfter = await until('the lease to be released', () => leaseHolders(statusFile).length === 0, 5000);
    expect(releasedAfter).toBeLessThan(1000);
    expect(await run.exited, run.output()).toEqual({ code: 143, signal: null });

    const store = ResultStore.open(path.join(results, 'ppbench.sqlite'));
    const [stopped] = store.runs.list();
    expect(stopped).toMatchObject({ status: 'interrupted' });
    expect(store.images.list(stopped!.id).map((r) => [r.promptId, r.status])).toEqual([['p001', 'interrupted']]);
    store.close();

    const resume = startCli(['run', '--resume', stopped!.id, '--results-dir', results]);
    expect(await resume.exited, resume.output()).toEqual({ code: 0, signal: null });
    expect(resume.output()).toContain(`run ${stopped!.id} (resumed): completed`);
    const { rows, events } = checkFinished(results);
    expect(rows.map((r) => r.attempts)).toEqual([2, 1]);
    const types = new Set(events.map((e) => e.type));
    expect(types).toContain('acquired');
    expect(types).toContain('released');
  });

  it('kill -9 mid-image: --resume takes the stale lease over and finishes; one row per image, no orphan files', async () => {
    const { statusFile, results, args } = setup();
    const run = startCli(args);
    // Let the first image finish, then kill during the second.
    await until('the second image to hold the lease', () => leaseHolders(statusFile).some((h) => h.label === `${MODEL}/p002/s0`), 60_000);
    await sleep(300);
    run.child.kill('SIGKILL');
    expect(await run.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(leaseHolders(statusFile).map((h) => h.label)).toEqual([`${MODEL}/p002/s0`]); // left behind, going stale

    const store = ResultStore.open(path.join(results, 'ppbench.sqlite'));
    const [killed] = store.runs.list();
    expect(killed).toMatchObject({ status: 'running' });
    store.close();

    const resume = startCli(['run', '--resume', killed!.id, '--results-dir', results]);
    expect(await resume.exited, resume.output()).toEqual({ code: 0, signal: null });
    const { rows, events } = checkFinished(results);
    expect(rows.map((r) => r.attempts)).toEqual([1, 1]);
    expect(events.map((e) => e.type)).toContain('stale-takeover');
    expect(leaseHolders(statusFile)).toEqual([]);
  });
});
