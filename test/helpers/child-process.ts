import { spawn, type ChildProcess } from 'node:child_process';
import { projectRoot } from './shared.js';

/**
 * A child process of a test whose stdout speaks in lines `WORD {json}` (the lease and serve
 * fixtures, the serve CLI): the lines so far, a wait for the next one with a given word, and a
 * bounded stop.
 */
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
