import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from './shared.js';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled CLI (dist/cli/main.js, built by `npm test`'s setup step). */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [path.join(projectRoot, 'dist', 'cli', 'main.js'), ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    timeout: options.timeoutMs ?? 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
