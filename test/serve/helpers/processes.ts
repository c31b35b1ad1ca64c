import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../helpers/shared.js';
import { buildServeForChildren, serveChildEnv } from './build.js';

export const serveFixture = (name: string): string => path.join(projectRoot, 'test', 'serve', 'fixtures', name);

export interface Proc {
  child: ChildProcess;
  lines: string[];
  stderr: () => string;
  /**
   * The first stdout line at or after `from` that starts with `word`; resolves with its index
   * and the JSON after the word (or the raw line when it is not JSON).
   */
  next: (word: string, from?: number, timeoutMs?: number) => Promise<{ index: number; data: Record<string, unknown>; line: string }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ends the process if it still runs (SIGKILL after `graceMs`). */
  stop: (graceMs?: number) => Promise<void>;
}

export function startProcess(args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, args, { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  let buffer = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
    waiters.forEach((w) => w());
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      ended = true;
      resolve({ code, signal });
      waiters.forEach((w) => w());
    }),
  );
  const next: Proc['next'] = (word, from = 0, timeoutMs = 20_000) =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (let i = from; i < lines.length; i++) {
          const line = lines[i]!;
          if (line === word || line.startsWith(`${word} `)) {
            const rest = line.slice(word.length).trim();
            let data: Record<string, unknown> = {};
            try {
              data = rest ? (JSON.parse(rest) as Record<string, unknown>) : {};
            } catch {
              data = { text: rest };
            }
            finish();
            resolve({ index: i, data, line });
            return true;
          }
        }
        if (ended) {
          finish();
          reject(new Error(`process ended before printing "${word}"; stderr:\n${stderr.slice(-2000)}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no "${word}" line within ${timeoutMs} ms; stdout tail: ${lines.slice(-5).join(' | ')}; stderr:\n${stderr.slice(-2000)}`));
      }, timeoutMs);
      const waiter = (): void => void check();
      const finish = (): void => {
        clearTimeout(timer);
        waiters.delete(waiter);
      };
      if (!check()) waiters.add(waiter);
    });
  const stop = async (graceMs = 5000): Promise<void> => {
    if (ended) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { child, lines, stderr: () => stderr, next, exited, stop };
}

export interface ServeProcess extends Proc {
  base: string;
}

/**
 * `ppbench serve` (compiled from the current sources) as a real process; resolves once it
 * listens. `cli`: a compiled src/cli/main.js to run instead of the serve command alone.
 */
export async function startServeProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  { cli, timeoutMs = 90_000 }: { cli?: string; timeoutMs?: number } = {},
): Promise<ServeProcess> {
  const command = cli ? [cli, 'serve'] : [serveFixture('serve-cli.mjs'), buildServeForChildren().serveCommand];
  const proc = startProcess([...command, ...args], serveChildEnv(env));
  try {
    const { line } = await proc.next('ppbench serve: listening on', 0, timeoutMs);
    const base = /http:\/\/127\.0\.0\.1:\d+/.exec(line)?.[0];
    if (!base) throw new Error(`no URL in "${line}"`);
    return { ...proc, base };
  } catch (err) {
    await proc.stop(1000);
    throw err;
  }
}

/** The fake benchmark (fixtures/benchmark.mjs) holding `withGpuLease('benchmark', …)`. */
export function startBenchmark(config: { path: string; stepMs: number; steps: number; images?: number; options?: object }): Proc {
  const { leaseLib } = buildServeForChildren();
  return startProcess([serveFixture('benchmark.mjs'), JSON.stringify({ lib: leaseLib, ...config })], serveChildEnv());
}
