/**
 * `npm run bench [-- flags]`: `ppbench run` with the same flags, plus `--demo` (run the demo
 * models even where real weights exist) and `--no-demo` (never fall back to them), passed on as
 * PPBENCH_DEMO. Without either, a plain `npm run bench` runs research/configs/default.json when
 * all its models are on this machine and the demo run otherwise (src/runner/demo-run.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const rest: string[] = [];
for (const arg of process.argv.slice(2)) {
  if (arg === '--demo') process.env.PPBENCH_DEMO = '1';
  else if (arg === '--no-demo') process.env.PPBENCH_DEMO = '0';
  else rest.push(arg);
}
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');
process.argv = [process.argv[0]!, cli, 'run', ...rest];
await import('../cli/main.js');
