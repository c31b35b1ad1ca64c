#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { formatCliError } from './format-cli-error.js';
import { registerDemo } from '../demo/cli.js';
import { registerCompare } from './commands/compare.js';
import { registerDoctor } from './commands/doctor.js';
import { registerExport } from './commands/export.js';
import { registerGenerate } from './commands/generate.js';
import { registerLease } from './commands/lease.js';
import { registerMerge } from './commands/merge.js';
import { registerPrefetch } from './commands/prefetch.js';
import { registerReport } from './commands/report.js';
import { registerProfile } from './commands/profile.js';
import { registerRun } from './commands/run.js';
import { registerScore } from './commands/score.js';
import { registerServe } from './commands/serve.js';
import { registerStatus } from './commands/status.js';

const program = new Command()
  .name('ppbench')
  .description('PromptPics Bench: text-to-image benchmarks that share one GPU with the PromptPics backend')
  .version(packageVersion(), '-V, --version', 'print the ppbench version')
  // Usage errors are thrown, not printed, so they reach the one error format below.
  .exitOverride()
  .configureOutput({ outputError: () => undefined });

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
registerReport(program);
registerCompare(program);
registerProfile(program);

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

program.parseAsync(process.argv).catch((err: unknown) => {
  const failure = formatCliError(err);
  if (failure.line !== '') process.stderr.write(`${failure.line}\n`);
  process.exit(failure.exitCode);
});
