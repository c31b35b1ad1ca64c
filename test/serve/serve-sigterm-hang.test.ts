import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDemoRoot, ensureDemoModels } from '../../src/demo/index.js';
import { readStatus } from '../../src/lease/index.js';
import { removeTempCoordDirs, tempCoordPath } from '../lease/helpers/coord.js';
import { until } from '../helpers/until.js';
import { buildServeForChildren } from './helpers/build.js';
import { postGenerate } from './helpers/http.js';
import { startServeProcess, type Proc } from './helpers/processes.js';

/*
 * Issue #19, finding 4: a model whose files are FIFOs made the native load block in open()
 * forever; the request held the backend lease and `ppbench serve` ignored SIGTERM. Now the
 * server answers SIGTERM within its grace period (+ the abort bound) whatever the load does.
 */

/** The demo sd15 folder's layout with every file replaced by a FIFO nobody writes to. */
function fifoModel(root: string): string {
  const source = path.join(defaultDemoRoot(), 'sd15');
  const target = path.join(root, 'fifo-model');
  const copy = (from: string, to: string): void => {
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from)) {
      const f = path.join(from, name);
      if (statSync(f).isDirectory()) copy(f, path.join(to, name));
      else execFileSync('mkfifo', [path.join(to, name)]);
    }
  };
  copy(source, target);
  return target;
}

describe('ppbench serve, SIGTERM while a model load hangs', () => {
  const others: Proc[] = [];
  beforeAll(async () => {
    buildServeForChildren();
    await ensureDemoModels(defaultDemoRoot());
  });
  afterAll(async () => {
    await Promise.all(others.map((p) => p.stop(2000)));
    removeTempCoordDirs();
  });

  it.runIf(process.platform === 'linux')('exits within the grace period plus the abort bound and leaves no lease held', async () => {
    const coord = tempCoordPath();
    const model = fifoModel(path.dirname(coord));
    const graceMs = 500;
    const proc = await startServeProcess(
      ['--port', '0', '--models', `hang=${model}`, '--log-level', 'warn', '--shutdown-grace-ms', String(graceMs)],
      { GPU_COORD_PATH: coord },
    );
    others.push(proc);
    const pending = postGenerate(proc.base, { model: 'hang', prompt: 'p', steps: 1 }, {}, 30_000).catch((err: Error) => err);
    // Either the load hangs (the lease stays held) or a hardened engine refuses the FIFO at once.
    await until('the request to take the lease or fail', async () => (await readStatus({ path: coord })).busy || proc.child.exitCode !== null, 10_000).catch(() => undefined);
    const t0 = performance.now();
    proc.child.kill('SIGTERM');
    const exit = await Promise.race([proc.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 20_000))]);
    const exitMs = performance.now() - t0;
    // exit() would wait forever for the blocked native thread: the server ends itself with
    // SIGKILL after closing, and says so; with nothing blocked it exits 0.
    if (proc.stderr().includes('still blocked in native code')) expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
    else expect(exit, proc.stderr()).toEqual({ code: 0, signal: null });
    // grace + the 2 s close() gives a load under way to end, + slack for a loaded machine.
    expect(exitMs).toBeLessThan(graceMs + 2000 + 5000);
    await pending;
    expect((await readStatus({ path: coord })).holders).toEqual([]);
    console.log(`SIGTERM with a hanging load: exited after ${exitMs.toFixed(0)} ms (grace ${graceMs} ms)`);
  }, 60_000);
});
