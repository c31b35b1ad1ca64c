import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderFingerprint } from '../../src/registry/folder-fingerprint.js';
import { noLease } from '../../src/runner/benchmark-lease.js';
import { modelProvenance } from '../../src/runner/model-provenance.js';
import { toCsv, toExportRows } from '../../src/store/export-rows.js';
import { plan, runInto, tempDir, testConfig } from './helpers/bench-env.js';

const fixtures = path.join(process.env.PPBENCH_SHARED_DIR ?? path.resolve('shared'), 'fixtures');

describe('provenance: where every number came from', () => {
  it('lease_wait_ms is NULL when no lease was taken, a number when one was', async () => {
    const without = await runInto(tempDir(), plan(testConfig()), { lease: noLease });
    const withLease = await runInto(tempDir(), plan(testConfig()));
    try {
      expect(without.store.images.list(without.runId).map((r) => r.leaseWaitMs)).toEqual(Array(12).fill(null));
      expect(withLease.store.images.list(withLease.runId).every((r) => typeof r.leaseWaitMs === 'number')).toBe(true);
    } finally {
      without.store.close();
      withLease.store.close();
    }
  });

  it('images carry their prompt category, and the export carries category, run and model provenance', async () => {
    const run = await runInto(tempDir(), plan(testConfig({ prompts: { first: 1 }, seedsPerPrompt: 1 })), { lease: noLease });
    try {
      const [image] = run.store.images.list(run.runId);
      expect(image!.category).toBe('people');
      const rows = toExportRows(run.store.images.results(run.runId), {
        run: { id: run.runId, demo: true, device: 'cpu', dtype: 'fp32', libtorchVersion: '2.13.0', threads: 1 },
        loads: [{ runId: run.runId, role: 'generation', model: 'sd-turbo', repo: null, revision: null, modelDir: '/m', status: 'loaded', errorCode: null, errorMessage: null, loadMs: 1, source: 'demo', fingerprint: 'f' }],
      });
      expect(rows[0]).toMatchObject({ model: 'sd-turbo', category: 'people', demo: true, device: 'cpu', dtype: 'fp32', libtorch: '2.13.0', threads: 1, source: 'demo' });
      const [header, first] = toCsv(rows).split('\r\n');
      expect(header!.endsWith(',category,demo,device,dtype,libtorch,threads,source')).toBe(true);
      expect(first!.endsWith(',people,true,cpu,fp32,2.13.0,1,demo')).toBe(true);
    } finally {
      run.store.close();
    }
  });

  it('a local folder is recorded by its content fingerprint, never as the registry repo', () => {
    const dir = path.join(tempDir(), 'sd15');
    cpSync(path.join(fixtures, 'sd15-tiny'), dir, { recursive: true });
    const model = plan(testConfig({ models: [{ key: 'sd15', path: dir }] })).models[0]!;
    const before = modelProvenance({ plan: plan(testConfig()) }, model, { dir, source: 'path' });
    expect(before).toEqual({ source: 'local', repo: null, revision: null, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(folderFingerprint(dir)).toBe(before.fingerprint);
    writeFileSync(path.join(dir, 'scheduler', 'scheduler_config.json'), '{"_class_name": "DDIMScheduler"}');
    expect(folderFingerprint(dir)).not.toBe(before.fingerprint);
    expect(modelProvenance({ plan: plan(testConfig()) }, model, { dir, source: 'hf-cache' })).toEqual({
      source: 'registry', repo: 'stable-diffusion-v1-5/stable-diffusion-v1-5', revision: model.source.revision, fingerprint: null,
    });
  });
});
