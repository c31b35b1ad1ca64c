import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('ppbench CLI', () => {
  it('--help lists the commands', () => {
    const r = runCli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('doctor');
  });

  it('doctor --json reports libtorch, threads, HF cache and lease file', () => {
    const r = runCli(['doctor', '--json'], { env: { GPU_COORD_PATH: '/tmp/ppbench-doctor-test/status.json' } });
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(report.libtorch).toMatch(/^2\./);
    expect(report.threads).toBeGreaterThan(0);
    expect(report.gpuCoord).toMatchObject({ path: '/tmp/ppbench-doctor-test/status.json' });
    expect(report).toHaveProperty('hfCache.path');
  });

  it('doctor prints a readable table', () => {
    const r = runCli(['doctor']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/libtorch\s+2\./);
    expect(r.stdout).toMatch(/GPU lease file/);
  });
});
