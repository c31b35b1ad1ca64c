import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../helpers/shared.js';

export const fixture = (name: string): string => path.join(projectRoot, 'test', 'lease', 'fixtures', name);

export interface Child {
  process: ChildProcess;
  stdout: string[];
  stderr: () => string;
  /** Resolves with the parsed JSON after `WORD` on the first stdout line starting with it. */
  line: (word: string, timeoutMs?: number) => Promise<Record<string, unknown>>;
  /** Resolves once the process ended and its output was read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `node <script> <json config>` and collects its output line by line. */
export function startChild(script: string, config: unknown): Child {
  const child = spawn(process.execPath, [fixture(script), JSON.stringify(config)], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  let stderr = '';
  const waiters: (() => void)[] = [];
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    stdout.push(...lines);
    waiters.forEach((w) => w());
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const line = (word: string, timeoutMs = 10_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const late = (): Error => new Error(`no "${word}" line from ${script} within ${timeoutMs} ms; stderr: ${stderr}`);
      const timer = setTimeout(() => finish(late()), timeoutMs);
      const finish = (error?: Error): boolean => {
        const found = stdout.find((l) => l === word || l.startsWith(`${word} `));
        if (found === undefined && !error) return false;
        clearTimeout(timer);
        if (found !== undefined) resolve(JSON.parse(found.slice(word.length).trim() || '{}') as Record<string, unknown>);
        else reject(error);
        return true;
      };
      if (finish()) return;
      waiters.push(() => void finish());
      void exited.then(() => finish(new Error(`${script} exited before printing "${word}"; stderr: ${stderr}`)));
    });
  return { process: child, stdout, stderr: () => stderr, line, exited };
}
