import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from './helpers/bench-env.js';

/** The commands as a user types them (compiled CLI): shards, merge, export. */
describe('ppbench run / merge / export', () => {
  it('two shards of one run merge into one database that exports every image once', () => {
    const dir = tempDir();
    const results = path.join(dir, 'results');
    const smoke = ['--config', 'research/configs/smoke-fake.json', '--run-id', 'smoke', '--limit-prompts', '2'];
    for (const shard of ['0/2', '1/2']) {
      // The results dir from the environment, as in the containers.
      const r = runCli(['run', ...smoke, '--shard', shard], { env: { PPBENCH_RESULTS_DIR: results } });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/run smoke \(new\): completed/);
      expect(r.stdout).toMatch(/model\s+ok\s+failed\s+pending\s+CLIP\s+aesthetic\s+load ms\s+p50 ms\s+p95 ms\s+peak mem/);
      // A CPU run has no per-image memory figure, and says so instead of leaving '-' unexplained.
      expect(r.stdout).toContain('peak mem: the CUDA allocator\'s peak per image; not measured on CPU.');
    }
    const merged = path.join(dir, 'merged.sqlite');
    const m = runCli(['merge', path.join(results, 'ppbench.shard-0-of-2.sqlite'), path.join(results, 'ppbench.shard-1-of-2.sqlite'), '--out', merged]);
    expect(m.status, m.stderr).toBe(0);
    expect(m.stdout).toContain('merged 2 database(s) into run smoke');

    const json = runCli(['export', '--db', merged, '--format', 'json']);
    expect(json.status, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as { run: { id: string; config: { engine: string } }; images: Array<Record<string, unknown>> };
    expect(doc.run).toMatchObject({ id: 'smoke', config: { engine: 'fake' } });
    // 2 models x 2 prompts x 2 seeds
    expect(doc.images).toHaveLength(8);
    expect(new Set(doc.images.map((i) => `${i.model}/${i.prompt_id}/${i.seed_index}`)).size).toBe(8);
    expect(doc.images.every((i) => i.status === 'ok' && typeof i.clip_score === 'number')).toBe(true);

    const csvFile = path.join(dir, 'out.csv');
    const csv = runCli(['export', '--db', merged, '--run', 'smoke', '--format', 'csv', '--out', csvFile]);
    expect(csv.status, csv.stderr).toBe(0);
    expect(readFileSync(csvFile, 'utf8').trim().split('\r\n')).toHaveLength(1 + 8);
  });
});
