// The device check tool (native/tools/gpu_check.cpp, run on a GPU machine by scripts/gpu-check.sh)
// runs its checks on the CPU too: this keeps it working between GPU sessions.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturesDir, projectRoot } from '../helpers/shared.js';

const tool = path.join(projectRoot, 'build', 'Release', 'gpu-check');
const dir = mkdtempSync(path.join(os.tmpdir(), 'ppbench-gpu-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface CheckLine {
  check?: string;
  info?: string;
  pass?: boolean;
  latentsMaxDiff?: number;
  latentsAtol?: number;
  fractionWithin?: number;
  meanLevelDiff?: number;
  code?: string;
}

function gpuCheck(args: string[]): { status: number | null; stdout: string; lines: CheckLine[] } {
  const json = path.join(dir, `${args.join('_').replace(/[^\w.-]+/g, '_')}.json`);
  // About 1 min of CPU time; on a loaded 2-core machine the wall time reaches 4 min.
  const r = spawnSync(tool, ['--fixtures', fixturesDir(), '--json', json, ...args], { encoding: 'utf8', timeout: 540_000 });
  return { status: r.status, stdout: r.stdout, lines: JSON.parse(readFileSync(json, 'utf8')) as CheckLine[] };
}

describe('gpu-check on the CPU', () => {
  it('fp32 golden cases and scores pass within the reference tolerances, bf16 is measured, cancellation works', () => {
    const r = gpuCheck(['--device', 'cpu', '--dtypes', 'fp32,bf16', '--models', 'sd15-tiny,sdxl-tiny']);
    expect(r.status, r.stdout).toBe(0);
    const checks = r.lines.filter((l) => l.check !== undefined);
    const generations = checks.filter((l) => /^[\w-]+-tiny\//.test(l.check!));
    const fp32 = generations.filter((l) => l.check!.includes(' fp32 on cpu'));
    expect(fp32).toHaveLength(6);
    for (const l of fp32) {
      expect(l.pass, l.check).toBe(true);
      expect(l.latentsMaxDiff!).toBeLessThanOrEqual(l.latentsAtol!);
    }
    const bf16 = generations.filter((l) => l.check!.includes(' bf16 on cpu'));
    expect(bf16).toHaveLength(6);
    for (const l of bf16) expect(l.meanLevelDiff!).toBeGreaterThan(0);
    expect(checks.find((l) => l.check!.startsWith('scoring') && l.check!.includes(' fp32 '))).toMatchObject({ pass: true });
    expect(checks.find((l) => l.check!.startsWith('scoring') && l.check!.includes(' bf16 '))).toMatchObject({ pass: true });
    expect(checks.find((l) => l.check!.startsWith('pickscore') && l.check!.includes(' fp32 '))).toMatchObject({ pass: true });
    expect(checks.find((l) => l.check!.startsWith('pickscore') && l.check!.includes(' bf16 '))).toMatchObject({ pass: true });
    expect(checks.find((l) => l.check!.startsWith('cancel'))).toMatchObject({ pass: true, code: 'ERR_CANCELLED' });
    expect(r.stdout).toContain('gpu-check: all checks passed');
  }, 600_000);

  it('asked for CUDA on a machine without it, fails that check and exits 1', () => {
    const r = gpuCheck(['--device', 'cuda', '--models', 'sd15-tiny']);
    expect(r.status).toBe(1);
    expect(r.lines.find((l) => l.check === 'a CUDA device is available')).toMatchObject({ pass: false });
    expect(r.stdout).toContain('1 check(s) failed');
  });
});
