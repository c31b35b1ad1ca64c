import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeRun } from '../../src/runner/execute-run.js';
import { ResultStore } from '../../src/store/result-store.js';
import { tempDir } from './helpers/bench-env.js';
import { runCli } from '../helpers/cli.js';

function setup() {
  const dir = tempDir();
  const config = path.join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ engine: 'fake', device: 'cpu', models: [{ key: 'sd15', width: 64, height: 64, steps: 1 }], seedsPerPrompt: 1, prompts: { first: 2 } }));
  const notes: string[] = [];
  const io = { err: { write: (s: string) => notes.push(s) } as unknown as NodeJS.WritableStream };
  return { dir, config, notes, io, results: path.join(dir, 'results') };
}

describe('export by category', () => {
  it('the JSON export carries scores by model and prompt category; the CSV a category column', async () => {
    const { config, io, results } = setup();
    const run = await executeRun({ config, resultsDir: results, perCategory: 1 }, io);
    const json = runCli(['export', '--format', 'json', '--db', run.databaseFile]);
    expect(json.status, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as { categories: Array<{ model: string; category: string; ok: number; clipScore: number | null }> };
    expect(doc.categories.map((c) => [c.model, c.category, c.ok])).toEqual(run.categories.map((c) => [c.model, c.category, 1]));
    expect(doc.categories.length).toBeGreaterThan(1);
    expect(doc.categories.every((c) => typeof c.clipScore === 'number')).toBe(true);
    const csv = runCli(['export', '--db', run.databaseFile]).stdout.split('\r\n');
    expect(csv[0]).toContain(',category,');
  }, 60_000);
});

describe('rerunning a completed config', () => {
  it('reports the completed run (summary, report path) instead of repeating it, exit 0; --new runs again', async () => {
    const { config, notes, io, results } = setup();
    const first = await executeRun({ config, resultsDir: results }, io);
    expect(first).toMatchObject({ status: 'completed', exitCode: 0, alreadyCompleted: false });
    mkdirSync(path.join(results, first.runId), { recursive: true });
    writeFileSync(path.join(results, first.runId, 'report.html'), '<html></html>');

    const again = await executeRun({ config, resultsDir: results }, io);
    expect(again).toMatchObject({ runId: first.runId, status: 'completed', exitCode: 0, alreadyCompleted: true, reportFile: path.join(results, first.runId, 'report.html') });
    expect(again.summary).toEqual(first.summary);
    expect(notes.at(-1)).toMatch(new RegExp(`^run ${first.runId} of this config already completed \\(.+\\); nothing to do — add --new to run it again\\n$`));

    const fresh = await executeRun({ config, resultsDir: results, fresh: true }, io);
    expect(fresh.runId).not.toBe(first.runId);
    expect(fresh.alreadyCompleted).toBe(false);
    const store = ResultStore.open(first.databaseFile);
    try {
      expect(store.runs.list()).toHaveLength(2);
      expect(store.images.list(first.runId)).toHaveLength(2);
    } finally {
      store.close();
    }
  });
});
