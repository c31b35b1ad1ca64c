import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRun } from '../../src/report/load-run.js';
import { defaultReportPath, writeReport } from '../../src/report/write-report.js';
import { SCHEMA_VERSION } from '../../src/store/migrations.js';
import { ResultStore } from '../../src/store/result-store.js';
import { writeSyntheticRun } from './helpers/synthetic-run.js';

const MODELS = ['alpha', 'beta', 'gamma'];
const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ppbench-report-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const rowOf = (html: string, model: string): string => html.match(new RegExp(`<tr data-model="${model}">.*?</tr>`))![0];

describe('ppbench report page', () => {
  it('same run and seed give the same page, byte for byte, at <results dir>/<run>/report.html', async () => {
    const resultsDir = tempDir();
    const { databaseFile } = await writeSyntheticRun({ resultsDir, runId: 'r1', models: MODELS, prompts: 6, seeds: 2, categories: ['people', 'animals'] });
    const first = await writeReport({ databaseFile });
    expect(first.file).toBe(path.join(resultsDir, 'r1', 'report.html'));
    // shards of one run share its folder: each shard's page has its own name
    expect(defaultReportPath(resultsDir, 'r1', '1/2')).toBe(path.join(resultsDir, 'r1', 'report.shard-1-of-2.html'));
    const html = readFileSync(first.file, 'utf8');
    const again = await writeReport({ databaseFile, out: path.join(resultsDir, 'r1', 'again.html') });
    expect(readFileSync(again.file, 'utf8')).toBe(html);
    // one row per model, every metric in the scores table, the prompt categories, no demo banner
    for (const model of MODELS) expect(rowOf(html, model)).toContain('<td>');
    expect(html).toContain('CLIP score ↑');
    expect(html).toContain('aesthetic ↑');
    expect(html).toContain('<option value="animals">animals</option>');
    expect(html).not.toContain('id="demo-banner"');
    expect(html).not.toContain('id="win-rate"');
    expect(html).not.toMatch(/(src|href)="https?:/);
    // the grid embeds WebP thumbnails and links the full PNGs relative to the page
    expect(html).toContain('src="data:image/webp;base64,');
    expect(html).toContain('data-full="images/alpha/p000-s0.png"');
    expect(html).toContain("ppbench generate --run r1 --model alpha --prompt-id p000 --seed-index 0 --results-dir");
  });

  it('a metric added later (pickscore) gets its column and the win-rate tables; an unknown metric is a column too', async () => {
    const resultsDir = tempDir();
    const { databaseFile } = await writeSyntheticRun({ resultsDir, runId: 'r2', models: MODELS, prompts: 8, seeds: 2, pickscore: true });
    const store = ResultStore.open(databaseFile);
    const firstImage = store.images.list('r2')[0]!;
    store.scores.insert([{ imageId: firstImage.id, values: { sharpness: 0.5 } }]);
    store.close();
    const html = readFileSync((await writeReport({ databaseFile })).file, 'utf8');
    expect(html).toContain('PickScore ↑');
    expect(html).toContain('sharpness ↑');
    expect(html).toContain('id="win-rate"');
    expect(html).toContain('id="win-matrix"');
    expect(html).toMatch(/all 3 models share \(16\)/);
    // categories are null in this run: one group
    expect(html).toContain('<option value="uncategorised">uncategorised</option>');
  });

  it('the leaderboard numbers are the database\'s: ok count and the mean of each metric', async () => {
    const resultsDir = tempDir();
    const { databaseFile } = await writeSyntheticRun({ resultsDir, runId: 'r3', models: MODELS, prompts: 5, seeds: 3 });
    const data = loadRun(databaseFile, 'r3');
    const html = readFileSync((await writeReport({ databaseFile })).file, 'utf8');
    for (const model of MODELS) {
      const clip = data.images.filter((i) => i.model === model).map((i) => i.scores.clip_score!);
      const mean = clip.reduce((a, b) => a + b, 0) / clip.length;
      expect(rowOf(html, model)).toContain(`data-sort="${clip.length}">${clip.length}</td>`);
      expect(rowOf(html, model)).toContain(`>${mean.toFixed(2)} <span class="ci">`);
    }
  });

  it('a demo run carries the DEMO banner (from runs.demo, or from a config with a demo section when that is null)', async () => {
    const resultsDir = tempDir();
    const { databaseFile } = await writeSyntheticRun({ resultsDir, runId: 'demo', models: ['alpha'], prompts: 2, seeds: 1, demo: true });
    expect(readFileSync((await writeReport({ databaseFile })).file, 'utf8')).toContain('id="demo-banner"');
    const db = new Database(databaseFile);
    db.prepare('UPDATE runs SET demo = NULL').run();
    db.close();
    expect(loadRun(databaseFile, 'demo').demo).toBe(true);
  });

  it('missing PNGs show a placeholder and are counted; a run with no ok image still renders and says so', async () => {
    const resultsDir = tempDir();
    const { databaseFile } = await writeSyntheticRun({ resultsDir, runId: 'r4', models: MODELS, prompts: 3, seeds: 1 });
    unlinkSync(path.join(resultsDir, 'r4', 'images', 'beta', 'p001-s0.png'));
    unlinkSync(path.join(resultsDir, 'r4', 'images', 'gamma', 'p002-s0.png'));
    const html = readFileSync((await writeReport({ databaseFile })).file, 'utf8');
    expect(html).toContain('2 image file(s) are missing: shown as placeholders.');
    expect(html.match(/class="thumb missing"/g)).toHaveLength(2);

    const db = new Database(databaseFile);
    db.prepare("UPDATE images SET status = 'failed', error_code = 'ERR_NATIVE', error_message = 'boom', file_path = NULL").run();
    db.close();
    const failed = readFileSync((await writeReport({ databaseFile })).file, 'utf8');
    expect(failed).toContain('This run has no ok image');
    expect(failed).toContain('<td>ERR_NATIVE</td>');
  });

  it('bad input gets a coded error and writes nothing', async () => {
    const resultsDir = tempDir();
    const { databaseFile } = await writeSyntheticRun({ resultsDir, runId: 'known', models: ['alpha'], prompts: 1, seeds: 1 });
    const out = path.join(resultsDir, 'nothing.html');
    await expect(writeReport({ databaseFile, runId: 'nope', out })).rejects.toMatchObject({
      code: 'ERR_REPORT_UNKNOWN_RUN',
      message: expect.stringMatching(/no run nope in .*; latest runs: known \(completed, /),
    });
    const newer = path.join(resultsDir, 'newer.sqlite');
    const db = new Database(newer);
    db.exec(`CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL); INSERT INTO schema_version VALUES (${SCHEMA_VERSION + 1}, 'x')`);
    db.close();
    await expect(writeReport({ databaseFile: newer, out })).rejects.toMatchObject({ code: 'ERR_SCHEMA', message: expect.stringMatching(/newer than this ppbench/) });
    const garbage = path.join(resultsDir, 'garbage.sqlite');
    writeFileSync(garbage, 'this is not a database, just some text that is long enough to have a header'.repeat(20));
    await expect(writeReport({ databaseFile: garbage, out })).rejects.toMatchObject({ code: 'ERR_REPORT_UNREADABLE' });
    await expect(writeReport({ databaseFile: path.join(resultsDir, 'absent.sqlite'), out })).rejects.toMatchObject({ code: 'ERR_REPORT_NO_DATABASE' });
    expect(existsSync(out)).toBe(false);
    expect(existsSync(path.join(resultsDir, 'absent.sqlite'))).toBe(false);
  });
});
