import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireGpuLease, readLeaseEvents, readStatus } from '../../src/lease/index.js';
import { projectRoot } from '../helpers/shared.js';
import { buildLeaseForChildren } from './helpers/build.js';
import { fixture } from './helpers/children.js';
import { removeTempCoordDirs, tempCoordPath } from './helpers/coord.js';

afterAll(removeTempCoordDirs);

let buildRoot = '';
beforeAll(() => {
  buildRoot = buildLeaseForChildren().root;
});

interface CliRun {
  result: Promise<{ code: number | null; stdout: string; stderr: string }>;
  kill: (signal: NodeJS.Signals) => void;
  /** Resolves once the command printed `text` (e.g. that its signal handler is installed). */
  printed: (text: string) => Promise<void>;
  stdout: () => string;
}

/** `ppbench <args>` through fixtures/cli.mjs, with the status file at `statusPath`. */
function ppbench(args: string[], statusPath: string): CliRun {
  const child = spawn(process.execPath, [fixture('cli.mjs'), ...args], {
    cwd: projectRoot,
    env: { ...process.env, GPU_COORD_PATH: statusPath, PPBENCH_LEASE_BUILD: buildRoot },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const printed = async (text: string): Promise<void> => {
    for (let i = 0; i < 500 && !stdout.includes(text); i++) await sleep(20);
    if (!stdout.includes(text)) throw new Error(`command never printed ${text}; stderr: ${stderr}`);
  };
  return {
    printed,
    stdout: () => stdout,
    kill: (signal) => child.kill(signal),
    result: new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr }))),
  };
}

/** The --json report is the last line of stderr. */
const report = (stderr: string): Record<string, unknown> =>
  JSON.parse(stderr.trim().split('\n').at(-1)!) as Record<string, unknown>;

const node = (script: string): string[] => [process.execPath, '-e', script];

/** A killed process may stay a zombie until its new parent reaps it: that still counts as gone. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('ppbench lease exec', () => {
  it('runs the command under the lease, exits with its code, releases, and reports on stderr', async () => {
    const statusPath = tempCoordPath();
    const show = `const s=require('fs').readFileSync(process.env.GPU_COORD_PATH,'utf8');console.log(JSON.parse(s).owner);process.exit(3)`;
    const { code, stdout, stderr } = await ppbench(['lease', 'exec', '--owner', 'backend', '--json', '--', ...node(show)], statusPath).result;
    expect(code).toBe(3);
    expect(stdout.trim()).toBe('backend');
    expect(report(stderr)).toMatchObject({ owner: 'backend', exitCode: 3, overlap: false, endedAs: 'held', signal: null });
    expect((await readStatus({ path: statusPath })).busy).toBe(false);
  });

  it('a backend command waits for a benchmark holder to yield', async () => {
    const statusPath = tempCoordPath();
    const benchmark = await acquireGpuLease('benchmark', { path: statusPath, handleSignals: false });
    benchmark.signal.addEventListener('abort', () => void sleep(100).then(() => benchmark.release()));
    const { code, stderr } = await ppbench(['lease', 'exec', '--owner', 'backend', '--json', '--', ...node('')], statusPath).result;
    expect(code).toBe(0);
    const r = report(stderr);
    expect(r).toMatchObject({ overlap: false, exitCode: 0 });
    expect(r.waitedMs).toBeGreaterThanOrEqual(90);
    expect(benchmark.signal.reason).toMatchObject({ code: 'ERR_LEASE_PREEMPTED' });
  });

  it('a preempted benchmark command gets SIGTERM; the lease is released after it exits', async () => {
    const statusPath = tempCoordPath();
    const run = ppbench(
      ['lease', 'exec', '--owner', 'benchmark', '--json', '--', ...node(`process.on('SIGTERM',()=>process.exit(42));console.log('ready');setInterval(()=>{},1000)`)],
      statusPath,
    );
    await run.printed('ready');
    const backend = await acquireGpuLease('backend', { path: statusPath, handleSignals: false });
    await backend.release();
    const { code, stderr } = await run.result;
    expect(code).toBe(42);
    expect(report(stderr)).toMatchObject({ endedAs: 'preempted', exitCode: 42 });
    expect(backend.overlap).toBe(false);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('%s is passed to the command; the lease is released and its exit code kept', async (signal) => {
    const statusPath = tempCoordPath();
    const run = ppbench(
      ['lease', 'exec', '--owner', 'benchmark', '--json', '--', ...node(`process.on('${signal}',()=>process.exit(7));console.log('ready');setInterval(()=>{},1000)`)],
      statusPath,
    );
    await run.printed('ready');
    run.kill(signal);
    const { code, stderr } = await run.result;
    expect(code).toBe(7);
    expect(report(stderr)).toMatchObject({ exitCode: 7, signal });
    expect((await readStatus({ path: statusPath })).busy).toBe(false);
    expect((await readLeaseEvents(statusPath)).events.map((e) => e.type)).toContain('released');
  });

  it.runIf(process.platform === 'linux')(
    'kill -9 of lease exec kills its command before the other side can take the lease over',
    async () => {
      const statusPath = tempCoordPath();
      const run = ppbench(
        ['lease', 'exec', '--owner', 'benchmark', '--', ...node(`console.log('pid=' + process.pid);setInterval(()=>{},1000)`)],
        statusPath,
      );
      await run.printed('pid=');
      const commandPid = Number(/pid=(\d+)/.exec(run.stdout())![1]);
      expect(isRunning(commandPid)).toBe(true);
      // A long maxWaitMs: the backend must get the GPU by the stale path, as after any crash.
      const pending = acquireGpuLease('backend', { path: statusPath, maxWaitMs: 20_000, handleSignals: false });
      run.kill('SIGKILL');
      const backend = await pending;
      const stillRunning = isRunning(commandPid);
      await backend.release();
      if (stillRunning) process.kill(commandPid, 'SIGKILL');
      expect(stillRunning, 'the command outlived lease exec into the next holder').toBe(false);
      expect(backend.overlap).toBe(false);
      expect((await readLeaseEvents(statusPath)).events.some((e) => e.type === 'stale-takeover')).toBe(true);
    },
  );

  it('a command that cannot be run exits 127 and still releases', async () => {
    const statusPath = tempCoordPath();
    const { code, stderr } = await ppbench(['lease', 'exec', '--owner', 'benchmark', '--', 'no-such-command-ppbench'], statusPath).result;
    expect(code).toBe(127);
    expect(stderr).toContain('cannot run no-such-command-ppbench');
    expect((await readStatus({ path: statusPath })).busy).toBe(false);
  });

  it('rejects a --max-wait-ms that breaks the timing order, naming the option', async () => {
    const { code, stderr } = await ppbench(['lease', 'exec', '--owner', 'backend', '--max-wait-ms', '100', '--', 'true'], tempCoordPath()).result;
    expect(code).toBe(1);
    expect(stderr).toContain('maxWaitMs must be greater than staleMs (1500), got 100');
  });
});

describe('ppbench status', () => {
  /**
   * A live backend (b1), a benchmark dead for 4 s (k1) and a live want (w1), kept fresh while
   * the CLI starts: on a busy machine starting node can take longer than staleMs.
   */
  async function withSeededFile<T>(statusPath: string, run: () => Promise<T>): Promise<T> {
    const write = (): void => {
      const now = Date.now();
      const iso = (ago: number) => new Date(now - ago).toISOString();
      writeFileSync(statusPath, JSON.stringify({
        version: 1, owner: 'backend', since: iso(5000),
        holders: [
          { id: 'b1', owner: 'backend', host: 'h', pid: 7, since: iso(5000), heartbeat: iso(100), label: 'req-1' },
          { id: 'k1', owner: 'benchmark', host: 'h', pid: 8, since: iso(9000), heartbeat: iso(4000) },
        ],
        want: [{ id: 'w1', owner: 'backend', since: iso(300), heartbeat: iso(50) }],
      }));
    };
    write();
    const refresh = setInterval(write, 50);
    try {
      return await run();
    } finally {
      clearInterval(refresh);
    }
  }

  it('--json shows busy/owner/since, holders and wants with staleness', async () => {
    const statusPath = tempCoordPath();
    const { code, stdout } = await withSeededFile(statusPath, () => ppbench(['status', '--json'], statusPath).result);
    expect(code).toBe(0);
    const status = JSON.parse(stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ path: statusPath, format: 'v1', busy: true, owner: 'backend' });
    expect(status.holders).toEqual([
      expect.objectContaining({ id: 'b1', stale: false, label: 'req-1' }),
      expect.objectContaining({ id: 'k1', stale: true }),
    ]);
    expect(status.want).toEqual([expect.objectContaining({ id: 'w1', stale: false })]);
  });

  it('prints a readable table, marking stale entries', async () => {
    const statusPath = tempCoordPath();
    const { stdout } = await withSeededFile(statusPath, () => ppbench(['status'], statusPath).result);
    expect(stdout).toContain(`GPU lease file: ${statusPath} (v1)`);
    expect(stdout).toMatch(/busy: yes\s+owner: backend/);
    expect(stdout).toMatch(/k1 .*STALE/);
    expect(stdout).toContain('preemption requests (want):');
  });

  it('--url also GETs <url>/gpu-status; an unreachable backend is an error naming the URL', async () => {
    const statusPath = tempCoordPath();
    const server = http.createServer((req, res) => {
      res.writeHead(req.url === '/gpu-status' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ busy: true, owner: 'backend', since: '2026-11-29T12:00:00.000Z' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await ppbench(['status', '--json', '--url', `${url}/`], statusPath).result;
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ busy: false, http: { url: `${url}/gpu-status`, httpStatus: 200, body: { owner: 'backend' } } });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const down = await ppbench(['status', '--url', url], statusPath).result;
    expect(down.code).toBe(1);
    expect(down.stdout).toContain(`GET ${url}/gpu-status failed`);
  });
});
