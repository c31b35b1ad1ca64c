import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ResultStore } from '../../src/store/result-store.js';
import { projectRoot } from '../helpers/shared.js';
import { tempDir } from './helpers/bench-env.js';

const cli = path.join(projectRoot, 'dist', 'cli', 'main.js');

function start(args: string[], env: NodeJS.ProcessEnv) {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build it first (npm run build:ts; npm test does it)`);
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

const holders = (statusFile: string): Array<{ owner: string; label?: string }> => {
  try {
    return (JSON.parse(readFileSync(statusFile, 'utf8')) as { holders?: Array<{ owner: string }> }).holders ?? [];
  } catch {
    return [];
  }
};

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
  return Date.now() - started;
}

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

    const run = start(args, {});
    await until('the runner to hold the lease', () => holders(statusFile).some((h) => h.owner === 'benchmark'), 15_000);
    await sleep(300);
    run.child.kill('SIGTERM');
    const releasedAfter = await until('the lease to be released', () => holders(statusFile).length === 0, 3000);
    expect(releasedAfter).toBeLessThan(1000);
    expect(await run.exited, run.output()).toBe(143);

    const store = ResultStore.open(path.join(dir, 'results', 'ppbench.sqlite'));
    const [runRow] = store.runs.list();
    expect(runRow).toMatchObject({ status: 'interrupted' });
    expect(store.images.list(runRow!.id)).toEqual([expect.objectContaining({ promptId: 'p001', status: 'interrupted' })]);
    store.close();

    // A faster fake engine measures the same thing, so a plain rerun resumes the run.
    writeFileSync(configFile, JSON.stringify(config(1)));
    const rerun = start(args, {});
    expect(await rerun.exited, rerun.output()).toBe(0);
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
