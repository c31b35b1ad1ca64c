#!/usr/bin/env node
import { Command } from 'commander';
import { registerDemo } from '../demo/cli.js';
import { registerDoctor } from './commands/doctor.js';
import { registerExport } from './commands/export.js';
import { registerGenerate } from './commands/generate.js';
import { registerLease } from './commands/lease.js';
import { registerMerge } from './commands/merge.js';
import { registerPrefetch } from './commands/prefetch.js';
import { registerProfile } from './commands/profile.js';
import { registerRun } from './commands/run.js';
import { registerScore } from './commands/score.js';
import { registerServe } from './commands/serve.js';
import { registerStatus } from './commands/status.js';

const program = new Command()
  .name('ppbench')
  .description('PromptPics Bench: text-to-image benchmarks that share one GPU with the PromptPics backend')
  .showHelpAfterError('(run with --help for usage)');

registerDoctor(program);
registerDemo(program);
registerGenerate(program);
registerLease(program);
registerStatus(program);
registerRun(program);
registerPrefetch(program);
registerExport(program);
registerMerge(program);
registerScore(program);
registerServe(program);
registerProfile(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const e = err as { code?: string; message?: string };
  process.stderr.write(`ppbench: ${e.code ? `[${e.code}] ` : ''}${e.message ?? String(err)}\n`);
  process.exit(1);
});
