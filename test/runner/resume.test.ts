import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeRun } from '../../src/runner/execute-run.js';
import { ResultStore } from '../../src/store/result-store.js';
import { hookedEngine, plan, runInto, tempDir, testConfig } from './helpers/bench-env.js';

const count = (store: ResultStore, runId: string) =>
  (store.db.prepare('SELECT COUNT(*) AS n FROM images WHERE run_id = ?').get(runId) as { n: number }).n;

describe('resume', () => {
  it('a stopped run is resumed by a plain rerun: only what is missing is made, nothing is duplicated', async () => {
    const dir = tempDir();
    const config = testConfig();
    const stopper = new AbortController();
    let made = 0;
    // SIGINT arrives while the 5th image is being generated.
    const first = hookedEngine({ beforeGenerate: () => void (++made === 5 && stopper.abort(new Error('received SIGINT'))) });
    const stopped = await runInto(dir, plan(config), { engine: first, stop: stopper.signal });
    expect(stopped.status).toBe('interrupted');
    const rows = stopped.store.images.list(stopped.runId);
    expect(rows.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'interrupted']);
    expect(stopped.store.runs.get(stopped.runId)).toMatchObject({ status: 'interrupted' });
    expect(rows[4]).toMatchObject({ errorCode: 'ERR_INTERRUPTED', filePath: null });
    stopped.store.close();

    const second = hookedEngine();
    const resumed = await runInto(dir, plan(config), { engine: second });
    try {
      expect(resumed).toMatchObject({ runId: stopped.runId, resumed: true, status: 'completed' });
      expect(second.calls.generate).toHaveLength(12 - 4);
      expect(count(resumed.store, resumed.runId)).toBe(12);
      const again = resumed.store.images.list(resumed.runId).find((r) => r.promptId === rows[4]!.promptId && r.seedIndex === rows[4]!.seedIndex && r.model === rows[4]!.model)!;
      expect(again).toMatchObject({ status: 'ok', attempts: 2, errorCode: null });
      expect(readdirSync(path.join(dir, resumed.runId, 'images', 'sd-turbo'))).toHaveLength(6);
      expect(resumed.store.runs.list()).toHaveLength(1);
    } finally {
      resumed.store.close();
    }

    // A completed run is not resumed: the next plain run is a new one.
    const third = await runInto(dir, plan(config));
    third.store.close();
    expect(third).toMatchObject({ resumed: false, status: 'completed' });
    expect(third.runId).not.toBe(stopped.runId);
  });

  it('adopts an image file whose row was never committed, and regenerates one that is corrupt', async () => {
    const dir = tempDir();
    const config = testConfig();
    const done = await runInto(dir, plan(config));
    const rows = done.store.images.list(done.runId);
    const [adopted, corrupt] = [rows[0]!, rows[7]!];
    // The crash window: files renamed into place, rows not committed.
    done.store.db.prepare('DELETE FROM images WHERE id IN (?, ?)').run(adopted.id, corrupt.id);
    done.store.runs.finish(done.runId, 'interrupted', new Date().toISOString());
    done.store.close();
    writeFileSync(path.join(dir, corrupt.filePath!), 'half a png');

    const engine = hookedEngine();
    const resumed = await runInto(dir, plan(config), { engine, start: { resumeId: done.runId } });
    try {
      expect(resumed.status).toBe('completed');
      expect(engine.calls.generate).toEqual([`${corrupt.model}/${corrupt.seed}`]);
      expect(count(resumed.store, done.runId)).toBe(12);
      const back = resumed.store.images.results(done.runId).find((r) => r.promptId === adopted.promptId && r.seedIndex === adopted.seedIndex && r.model === adopted.model)!;
      expect(back).toMatchObject({ status: 'ok', seed: adopted.seed, filePath: adopted.filePath, latencyMs: adopted.latencyMs, timings: adopted.timings });
      expect(back.scores.clip_cosine).toBeTypeOf('number');
      expect(readdirSync(path.join(dir, done.runId, 'images', corrupt.model)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    } finally {
      resumed.store.close();
    }
  });

  it('regenerates an ok image whose file was deleted', async () => {
    const dir = tempDir();
    const config = testConfig({ models: [{ key: 'sd-turbo', width: 64, height: 64 }] });
    const done = await runInto(dir, plan(config));
    const gone = done.store.images.list(done.runId)[2]!;
    done.store.runs.finish(done.runId, 'incomplete', new Date().toISOString());
    done.store.close();
    rmSync(path.join(dir, gone.filePath!));
    const engine = hookedEngine();
    const resumed = await runInto(dir, plan(config), { engine });
    resumed.store.close();
    expect(engine.calls.generate).toEqual([`sd-turbo/${gone.seed}`]);
    expect(existsSync(path.join(dir, gone.filePath!))).toBe(true);
  });

  it('ppbench run --resume <id> takes the stored config and refuses config flags', async () => {
    const dir = tempDir();
    const configFile = path.join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify({ engine: 'fake', models: [{ key: 'sd-turbo', width: 64, height: 64 }], prompts: { first: 2 }, seedsPerPrompt: 1, device: 'cpu' }));
    const err = { write: () => true } as unknown as NodeJS.WritableStream;
    const first = await executeRun({ config: configFile, resultsDir: dir }, { err });
    expect(first).toMatchObject({ status: 'completed', exitCode: 0, resumed: false });
    const store = ResultStore.open(first.databaseFile);
    store.db.prepare('DELETE FROM images WHERE prompt_id = ?').run('p002');
    store.runs.finish(first.runId, 'interrupted', new Date().toISOString());
    store.close();
    rmSync(path.join(dir, first.runId, 'images', 'sd-turbo', 'p002-s0.png'));

    const again = await executeRun({ resume: first.runId, resultsDir: dir }, { err });
    expect(again).toMatchObject({ runId: first.runId, resumed: true, status: 'completed', exitCode: 0 });
    expect(again.summary).toEqual([expect.objectContaining({ model: 'sd-turbo', ok: 2, failed: 0, pending: 0 })]);
    await expect(executeRun({ resume: first.runId, resultsDir: dir, seeds: 3 }, { err })).rejects.toThrow(/--resume uses the run's stored config; drop --seeds/);
    await expect(executeRun({ resume: 'nope', resultsDir: dir }, { err })).rejects.toThrow(new RegExp(`no such run in .*runs there: ${first.runId}`));
  });
});
