import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { FolderWatch } from '../../src/lease/folder-watch.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'ppbench-folder-watch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** How long `watch.sleep(ms)` took while `change` runs shortly after it started. */
async function sleepWhile(watch: FolderWatch, ms: number, change: () => void): Promise<number> {
  const started = performance.now();
  const timer = setTimeout(change, 20);
  await watch.sleep(ms);
  clearTimeout(timer);
  return performance.now() - started;
}

describe('FolderWatch (one shared watcher per folder)', () => {
  it('wakes every sleeper on the folder at a change, long before the poll interval', async () => {
    const dir = path.join(root, 'shared');
    const a = new FolderWatch(dir, false);
    const b = new FolderWatch(dir, false);
    const started = performance.now();
    setTimeout(() => writeFileSync(path.join(dir, 'status.json'), '{}'), 20);
    await Promise.all([a.sleep(5000), b.sleep(5000)]);
    expect(performance.now() - started).toBeLessThan(2000);
    a.close();
    // The other user keeps its watch after one closes.
    expect(await sleepWhile(b, 5000, () => writeFileSync(path.join(dir, 'status.json'), '{"x":1}'))).toBeLessThan(2000);
    b.close();
  });

  it('a folder deleted and re-created is watched anew (not through the dead watch of the old one)', async () => {
    const dir = path.join(root, 'recreated');
    const first = new FolderWatch(dir, false);
    first.close();
    rmSync(dir, { recursive: true });
    mkdirSync(dir);
    const second = new FolderWatch(dir, false);
    expect(await sleepWhile(second, 5000, () => writeFileSync(path.join(dir, 'status.json'), '{}'))).toBeLessThan(2000);
    second.close();
  });

  it('without a change a sleep lasts its interval, also after close', async () => {
    const watch = new FolderWatch(path.join(root, 'quiet'), false);
    let started = performance.now();
    await watch.sleep(60);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    watch.close();
    started = performance.now();
    await watch.sleep(60);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });
});
