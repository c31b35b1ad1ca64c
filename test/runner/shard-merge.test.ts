import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatShard, parseShard, shardOf } from '../../src/runner/shard.js';
import { mergeDatabases } from '../../src/store/merge-databases.js';
import { ResultStore } from '../../src/store/result-store.js';
import { databasePath } from '../../src/results/result-paths.js';
import { plan, runInto, tempDir, testConfig } from './helpers/bench-env.js';

const keyOf = (r: { model: string; promptId: string; seedIndex: number; seed: number }) => `${r.model}/${r.promptId}/${r.seedIndex}/${r.seed}`;

describe('sharding', () => {
  it('parses k/n (0-based) and rejects anything else with the flag named', () => {
    expect(parseShard('1/3')).toEqual({ index: 1, count: 3 });
    expect(formatShard({ index: 0, count: 2 })).toBe('0/2');
    for (const bad of ['2/2', '-1/2', '1', 'a/b', '0/0']) expect(() => parseShard(bad)).toThrow(/--shard: expected k\/n/);
  });

  it('assigns every image to exactly one shard, deterministically', () => {
    const config = testConfig({ prompts: { first: 20 }, seedsPerPrompt: 3 });
    const all = plan(config).models.flatMap((m) => m.units.map((u) => `${m.key}/${u.promptId}/${u.seedIndex}`));
    const shards = [0, 1, 2].map((index) => plan(config, { index, count: 3 }).models.flatMap((m) => m.units.map((u) => `${m.key}/${u.promptId}/${u.seedIndex}`)));
    expect(shards.flat().sort()).toEqual([...all].sort());
    expect(new Set(shards.flat()).size).toBe(all.length);
    for (const s of shards) expect(s.length).toBeGreaterThan(all.length / 6);
    expect(shardOf('sd15', 'p001', 0, 7)).toBe(shardOf('sd15', 'p001', 0, 7));
  });

  it('shards 0/2 and 1/2, each with its own database, merge into the unsharded set without duplicates', async () => {
    const config = testConfig();
    const whole = tempDir();
    const full = await runInto(whole, plan(config));
    const expected = full.store.images.list(full.runId).map(keyOf).sort();
    full.store.close();

    const dir = tempDir();
    const files: string[] = [];
    for (const index of [0, 1]) {
      const shard = { index, count: 2 };
      const file = databasePath(dir, shard);
      files.push(file);
      const run = await runInto(dir, plan(config, shard), { db: path.basename(file), start: { runId: 'shared-run' } });
      expect(run.status).toBe('completed');
      expect(run.store.runs.get('shared-run')).toMatchObject({ shard: `${index}/2` });
      run.store.close();
    }
    expect(files.map((f) => path.basename(f))).toEqual(['ppbench.shard-0-of-2.sqlite', 'ppbench.shard-1-of-2.sqlite']);

    const out = path.join(dir, 'merged.sqlite');
    expect(mergeDatabases(files, out)).toMatchObject({ runId: 'shared-run', inputs: 2, images: 12, replaced: 0 });
    // Merging again (or a shard twice) adds nothing.
    expect(mergeDatabases([...files, files[0]!], out)).toMatchObject({ images: 0 });
    const merged = ResultStore.open(out);
    try {
      const rows = merged.images.results('shared-run');
      expect(rows.map(keyOf).sort()).toEqual(expected);
      expect(rows.every((r) => r.status === 'ok' && r.scores.clip_cosine !== undefined)).toBe(true);
      expect(merged.runs.get('shared-run')).toMatchObject({ status: 'completed', shard: null });
      expect(merged.runs.list()).toHaveLength(1);
    } finally {
      merged.close();
    }
  });

  it('merge refuses runs that measured different things, and an output that is an input', async () => {
    const dir = tempDir();
    const a = await runInto(dir, plan(testConfig()), { db: 'a.sqlite' });
    const b = await runInto(dir, plan(testConfig({ seedsPerPrompt: 1 })), { db: 'b.sqlite' });
    a.store.close();
    b.store.close();
    expect(() => mergeDatabases([a.store.path, b.store.path], path.join(dir, 'm.sqlite'))).toThrow(/measured something else/);
    expect(() => mergeDatabases([a.store.path], a.store.path)).toThrow(/is also an input/);
  });

  it('keeps the more final attempt when shards overlap', async () => {
    const dir = tempDir();
    const config = testConfig({ models: [{ key: 'sd-turbo', width: 64, height: 64 }] });
    const good = await runInto(dir, plan(config), { db: 'good.sqlite', start: { runId: 'r' } });
    const bad = await runInto(dir, plan(config), { db: 'bad.sqlite', start: { runId: 'r' } });
    bad.store.db.prepare("UPDATE images SET status = 'preempted', file_path = NULL").run();
    good.store.close();
    bad.store.close();
    const out = path.join(dir, 'm.sqlite');
    mergeDatabases([bad.store.path], out);
    expect(mergeDatabases([good.store.path], out)).toMatchObject({ images: 6, replaced: 6 });
    const merged = ResultStore.open(out);
    expect(merged.images.list('r').every((r) => r.status === 'ok')).toBe(true);
    merged.close();
  });
});
