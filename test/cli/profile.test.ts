// `ppbench profile` on every tiny fixture model: the tables, the JSON summary and a Chrome trace
// with the engine's named scopes.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProfileSummary } from '../../src/profile/summarize-profile.js';
import { runCli } from '../helpers/cli.js';
import { fixturesDir } from '../helpers/shared.js';

const models = readdirSync(fixturesDir()).filter((name) => name.endsWith('-tiny'));
const scratch = mkdtempSync(path.join(tmpdir(), 'ppbench-profile-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface TraceEvent {
  ph: string;
  name: string;
  ts: number;
  dur?: number;
}

const common = ['--steps', '2', '--warmup', '0', '--width', '64', '--height', '64'];

describe.each(models)('ppbench profile on %s', (model) => {
  it('summarizes the run as JSON and writes a Chrome trace with the named scopes', () => {
    const trace = path.join(scratch, `${model}.json`);
    const r = runCli(['profile', '--model', path.join(fixturesDir(), model), ...common, '--trace', trace, '--json'], {
      timeoutMs: 240_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      summary: ProfileSummary;
      load: { ms: number; peakRssBytes: number; components: Record<string, { ms: number; rssBytes: number; peakRssBytes: number }> };
      timings: { unetMs: number[] };
    };
    const s = report.summary;
    expect(report.load.ms).toBeGreaterThan(0);
    expect(report.load.peakRssBytes).toBeGreaterThan(0);
    expect(Object.keys(report.load.components)).toEqual(expect.arrayContaining(['text_encoder', 'unet', 'vae']));
    for (const c of Object.values(report.load.components)) {
      expect(c.ms).toBeGreaterThan(0);
      expect(c.peakRssBytes).toBeGreaterThanOrEqual(c.rssBytes);
    }
    expect(s.unet.calls).toBe(report.timings.unetMs.length);
    // The blocks (conv_in, time embedding, down/mid/up blocks, conv_out) cover the UNet.
    expect(Math.abs(s.unet.blocksMs - s.unet.ms) / s.unet.ms).toBeLessThan(0.05);
    expect(s.unet.blocks.map((b) => b.name)).toContain('unet.mid_block');
    expect(s.stages.map((st) => st.name)).toEqual(expect.arrayContaining(['text_encoder', 'unet', 'scheduler.step', 'vae.decoder']));
    expect(s.throughput.map((t) => t.class).sort()).toEqual(['convolution', 'matmul/linear']);
    expect(s.topOperators.length).toBeGreaterThan(0);

    const parsed = JSON.parse(readFileSync(trace, 'utf8')) as { traceEvents: TraceEvent[] };
    const complete = parsed.traceEvents.filter((e) => e.ph === 'X');
    expect(complete.length).toBeGreaterThan(0);
    for (const e of complete) expect(e.dur).toBeGreaterThanOrEqual(0);
    const names = new Set(complete.map((e) => e.name));
    for (const scope of ['text_encoder', 'unet', 'unet.down_blocks.0', 'unet.mid_block', 'unet.up_blocks.0', 'scheduler.step', 'vae.decoder'])
      expect(names).toContain(scope);
  });
});

describe('ppbench profile (text)', () => {
  it('prints every table', () => {
    const r = runCli(['profile', '--model', path.join(fixturesDir(), 'sd15-tiny'), ...common], { timeoutMs: 240_000 });
    expect(r.status).toBe(0);
    for (const title of [
      'Time per stage',
      'Time per UNet block',
      'Time per operator class',
      'Achieved throughput',
      'Top operators by self time',
      'Peak memory per stage',
    ])
      expect(r.stdout).toContain(title);
    expect(r.stdout).toMatch(/unet\.down_blocks\.0\s+\d+\s+\d+\.\d\d\s/);
  });

  it('refuses a model path that is not a folder', () => {
    const r = runCli(['profile', '--model', path.join(scratch, 'missing')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('ERR_INVALID_ARG');
  });
});
