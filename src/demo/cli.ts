import type { Command } from 'commander';
import { defaultDemoRoot, demoModelSettings, ensureDemoModels } from './index.js';

interface DemoOptions {
  dir?: string;
  json?: boolean;
}

/** `ppbench demo`: creates (or checks) the tiny random-weight demo models and prints where they are. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('create the tiny random-weight demo models (all seven benchmark architectures + scoring CLIP and aesthetic MLP) for CPU runs without real weights')
    .option('--dir <dir>', 'where to put them (default $PPBENCH_DEMO_DIR or research/models/.demo)')
    .option('--json', 'print one JSON document')
    .action(async (opts: DemoOptions) => {
      const root = opts.dir ?? defaultDemoRoot();
      const t0 = performance.now();
      const demo = await ensureDemoModels(root);
      const ms = performance.now() - t0;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ root, ...demo, settings: demoModelSettings, ms: Math.round(ms) }, null, 2)}\n`);
        return;
      }
      const lines = [
        demo.generated.length > 0 ? `generated ${demo.generated.length} folder(s) in ${(ms / 1000).toFixed(1)} s` : 'demo models up to date',
        ...Object.entries(demo.models).map(([key, dir]) => `  ${key.padEnd(13)} ${dir}`),
        `  ${'clip'.padEnd(13)} ${demo.clip}`,
        `  ${'aesthetic'.padEnd(13)} ${demo.aesthetic}`,
        `  ${'pickscore'.padEnd(13)} ${demo.pickscore} (processor: ${demo.pickscoreProcessor})`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
