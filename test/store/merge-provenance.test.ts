import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeDatabases } from '../../src/store/merge-databases.js';
import { ResultStore } from '../../src/store/result-store.js';
import { plan, runInto, tempDir, testConfig } from '../runner/helpers/bench-env.js';

const provenance = { demo: false, device: 'cpu', dtype: 'fp32', threads: 2, skippedModels: ['sd21'] };

describe('merge: shards of one run, provenance kept', () => {
  it('refuses two different runs with the flag that allows them named', async () => {
    const dir = tempDir();
    const a = await runInto(dir, plan(testConfig()), { db: 'a.sqlite', start: { runId: 'run-a' } });
    const b = await runInto(dir, plan(testConfig({ seedsPerPrompt: 1 })), { db: 'b.sqlite', start: { runId: 'run-b' } });
    a.store.close();
    b.store.close();
    expect(() => mergeDatabases([a.store.path, b.store.path], path.join(dir, 'm.sqlite'))).toThrow(
      `merge: run run-b in ${b.store.path} measured something else than run run-a in ${a.store.path} (different models, settings, prompts or seeds); ` +
        'merge takes the shards of one run — add --allow-different-runs to keep each run under its own id',
    );
    const out = path.join(dir, 'both.sqlite');
    expect(mergeDatabases([a.store.path, b.store.path], out, { allowDifferentRuns: true })).toMatchObject({ runIds: ['run-a', 'run-b'], images: 18 });
    const merged = ResultStore.open(out);
    try {
      expect(merged.runs.list().map((r) => r.id).sort()).toEqual(['run-a', 'run-b']);
      expect(merged.images.list('run-a')).toHaveLength(12);
      expect(merged.images.list('run-b')).toHaveLength(6);
    } finally {
      merged.close();
    }
  });

  it('carries the run provenance, image categories and model sources into the merged database', async () => {
    const dir = tempDir();
    const run = await runInto(dir, plan(testConfig()), { db: 'a.sqlite', start: { runId: 'r', provenance } });
    run.store.runs.recordModelLoad({ runId: 'r', role: 'generation', model: 'sd15', repo: null, revision: null, modelDir: '/models/sd15', status: 'loaded', errorCode: null, errorMessage: null, loadMs: 5, source: 'local', fingerprint: 'abc' });
    run.store.close();
    const out = path.join(dir, 'm.sqlite');
    mergeDatabases([run.store.path], out);
    const merged = ResultStore.open(out);
    try {
      expect(merged.runs.get('r')).toMatchObject(provenance);
      expect(new Set(merged.images.list('r').map((i) => i.category))).toEqual(new Set(['people']));
      expect(merged.runs.modelLoads('r').find((l) => l.model === 'sd15')).toMatchObject({ source: 'local', fingerprint: 'abc', repo: null });
    } finally {
      merged.close();
    }
  });
});
