import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRun, type RunData } from '../../src/report/load-run.js';
import { quantile } from '../../src/report/stats.js';
import { projectRoot } from '../helpers/shared.js';

const CHROMIUM = '/usr/bin/chromium';
const MODELS = ['sd-turbo', 'playground25'];

/**
 * A real demo run (`npm run bench -- --demo`, two models, two prompts) writes its page at the
 * end; the page is opened from file:// in headless Chromium with every non-file request aborted.
 */
describe('the report page of a real demo run in headless Chromium', () => {
  let resultsDir: string;
  let pageFile: string;
  let data: RunData;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium`);
    const entry = path.join(projectRoot, 'dist', 'runner', 'bench-entry.js');
    if (!existsSync(entry)) throw new Error(`${entry} is missing: build it first (npm run build:ts; npm test does it)`);
    resultsDir = mkdtempSync(path.join(tmpdir(), 'ppbench-report-browser-'));
    const env = { ...process.env };
    delete env.PPBENCH_RESULTS_DIR;
    const run = spawnSync(process.execPath, [entry, '--demo', '--models', MODELS.join(','), '--limit-prompts', '2', '--results-dir', resultsDir], {
      cwd: projectRoot, encoding: 'utf8', env, timeout: 300_000,
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    pageFile = run.stdout.match(/^report: (.+\.html)$/m)![1]!;
    data = loadRun(path.join(resultsDir, 'ppbench.sqlite'), undefined);
    expect(pageFile).toBe(path.join(resultsDir, data.run.id, 'report.html'));

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.route('**/*', (route) => (route.request().url().startsWith('file://') ? route.continue() : route.abort()));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`network request: ${r.url()}`); });
    await page.goto(pathToFileURL(pageFile).href, { waitUntil: 'load' });
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    // PPBENCH_KEEP_REPORT=1 keeps the page and its screenshot (report.png beside it) to look at.
    if (process.env.PPBENCH_KEEP_REPORT === '1') console.log(`report page and screenshot kept in ${path.dirname(pageFile)}`);
    else if (resultsDir) rmSync(resultsDir, { recursive: true, force: true });
  });

  it('opens with no console error, no failed and no network request, under the DEMO banner', async () => {
    expect(await page.locator('#demo-banner').textContent()).toContain('DEMO RUN');
    await page.screenshot({ path: path.join(path.dirname(pageFile), 'report.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('has one leaderboard row per model with the database\'s numbers', async () => {
    const rows = await page.$$eval('#leaderboard tbody tr', (trs) => trs.map((tr) => ({ model: tr.getAttribute('data-model'), cells: [...tr.querySelectorAll('td')].map((td) => td.getAttribute('data-sort')) })));
    expect(rows.map((r) => r.model).sort()).toEqual([...MODELS].sort());
    const headers = await page.$$eval('#leaderboard thead th', (ths) => ths.map((th) => th.textContent));
    for (const row of rows) {
      const ok = data.images.filter((i) => i.model === row.model && i.status === 'ok');
      expect(Number(row.cells[1])).toBe(ok.length);
      for (const metric of data.metrics) {
        const col = headers.findIndex((h) => h!.startsWith(metric === 'clip_score' ? 'CLIP score' : metric === 'aesthetic' ? 'aesthetic' : metric === 'clip_cosine' ? 'CLIP cosine' : metric === 'pickscore' ? 'PickScore' : metric));
        const values = ok.map((i) => i.scores[metric]!);
        expect(Number(row.cells[col]), `${row.model} ${metric}`).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
      }
    }
    // The demo scores with CLIP, the aesthetic MLP and the demo PickScore: three metrics per image
    // (plus the raw cosine), and PickScore's win-rate table has a row per model.
    expect([...data.metrics].sort()).toEqual(['aesthetic', 'clip_cosine', 'clip_score', 'pickscore']);
    expect(await page.locator('#win-rate tbody tr').count()).toBe(MODELS.length);
  });

  it('every SVG plot has a non-zero size and every grid image decodes', async () => {
    const plots = await page.$$eval('.plot svg', (svgs) => svgs.map((s) => s.getBoundingClientRect()).map((r) => [r.width, r.height]));
    expect(plots.length).toBeGreaterThanOrEqual(3);
    for (const [w, h] of plots) expect(w! * h!).toBeGreaterThan(0);
    const images = await page.$$eval('#grid img.thumb', (imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
    expect(images).toHaveLength(MODELS.length * 2);
    for (const w of images) expect(w).toBeGreaterThan(0);
  });

  it('clicking a header re-sorts the leaderboard', async () => {
    const order = () => page.$$eval('#leaderboard tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-model')));
    const header = page.locator('#leaderboard thead th', { hasText: 'latency p50' });
    await header.click();
    const ascending = await order();
    await header.click();
    expect(await order()).toEqual([...ascending].reverse());
    const p50 = (model: string | null) => quantile(data.images.filter((i) => i.model === model && i.status === 'ok').map((i) => i.latencyMs!), 0.5)!;
    expect(p50(ascending[0]!)).toBeLessThanOrEqual(p50(ascending[1]!));
  });

  it('clicking a thumbnail shows its full image, settings and reproduce command', async () => {
    await page.locator('#grid img.thumb').first().click();
    await page.waitForFunction(() => {
      const img = document.getElementById('modal-image') as HTMLImageElement;
      return img.complete && img.naturalWidth > 0;
    }, undefined, { timeout: 10_000 });
    expect(await page.locator('#modal').isVisible()).toBe(true);
    expect(await page.getAttribute('#modal-image', 'src')).toMatch(/^images\/.+\.png$/);
    expect(await page.locator('#modal-command').textContent()).toMatch(/^ppbench generate --run \S+ --model \S+ --prompt-id \S+ --seed-index 0 --results-dir \S+ --out \S+\.png$/);
    expect(problems).toEqual([]);
  });
});
