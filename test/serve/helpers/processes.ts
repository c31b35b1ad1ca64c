import path from 'node:path';
import { startProcess, type Proc } from '../../helpers/child-process.js';
import { projectRoot } from '../../helpers/shared.js';
import { buildServeForChildren, serveChildEnv } from './build.js';

export type { Proc } from '../../helpers/child-process.js';

export const serveFixture = (name: string): string => path.join(projectRoot, 'test', 'serve', 'fixtures', name);

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
