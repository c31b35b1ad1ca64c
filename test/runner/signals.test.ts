import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ResultStore } from '../../src/store/result-store.js';
import { startCli } from '../helpers/cli.js';
import { until } from '../helpers/until.js';
import { tempDir } from './helpers/bench-env.js';
import { leaseHolders } from './helpers/lease-holders.js';

describe('ppbench run under SIGTERM, with the real GPU lease', () => {
  it('aborts the image at the next step, releases the lease within a second, records it interrupted, exits 143; a rerun finishes it', async () => {
    const dir = tempDir();
    const statusFile = path.join(dir, 'coord', 'status.json');
    const configFile = path.join(dir, 'config.json');
    const config = (msPerStep: number) => ({
      engine: 'fake',
      fake: { msPerStep },
      models: [{ key: 'sd-turbo', width: 64, height: 64, steps: 40 }],
      prompts: { first: 2 },
      seedsPerPrompt: 1,
      device: 'cuda',
      calmPauseMs: 0,
      lease: { path: statusFile },
    });
    writeFileSync(configFile, JSON.stringify(config(100)));
    const args = ['run', '--config', configFile, '--results-dir', path.join(dir, 'results')];

    const run = startCli(args, {});
    await until('the runner to hold the lease', () => leaseHolders(statusFile).some((h) => h.owner === 'benchmark'), 15_000);
    await sleep(300);
    run.child.kill('SIGTERM');
    const releasedAfter = await until('the lease to be released', () => leaseHolders(statusFile).length === 0, 3000);
    expect(releasedAfter).toBeLessThan(1000);
    expect(await run.exited, run.output()).toEqual({ code: 143, signal: null });

    const store = ResultStore.open(path.join(dir, 'results', 'ppbench.sqlite'));
    const [runRow] = store.runs.list();
    expect(runRow).toMatchObject({ status: 'interrupted' });
    expect(store.images.list(runRow!.id)).toEqual([expect.objectContaining({ promptId: 'p001', status: 'interrupted' })]);
    store.close();

    // A faster fake engine measures the same thing, so a plain rerun resumes the run.
    writeFileSync(configFile, JSON.stringify(config(1)));
    const rerun = startCli(args, {});
    expect(await rerun.exited, rerun.output()).toEqual({ code: 0, signal: null });
    expect(rerun.output()).toContain(`run ${runRow!.id} (resumed): completed`);
    const after = ResultStore.open(path.join(dir, 'results', 'ppbench.sqlite'));
    try {
      expect(after.images.list(runRow!.id).map((r) => [r.promptId, r.status, r.attempts])).toEqual([
        ['p001', 'ok', 2],
        ['p002', 'ok', 1],
      ]);
      const types = new Set(after.leaseEvents.list(runRow!.id).map((e) => e.type));
      expect(types).toContain('acquired');
      expect(types).toContain('released');
    } finally {
      after.close();
    }
  });
});
