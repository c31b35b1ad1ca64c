import type { Command } from 'commander';
import { mergeDatabases } from '../../store/merge-databases.js';

interface MergeFlags {
  out: string;
  run?: string;
  runId?: string;
  allowDifferentRuns?: boolean;
}

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('combine shard databases of one run into one database, without duplicates')
    .argument('<dbs...>', 'shard databases (ppbench.shard-<k>-of-<n>.sqlite)')
    .requiredOption('--out <file>', 'merged database (created, or extended when it holds the run already)')
    .option('--run <id>', 'the run to take from inputs that hold several')
    .option('--run-id <id>', "the merged run's id (default: the shards' common run id, else the earliest)")
    .option('--allow-different-runs', 'also merge databases of different runs, each kept as its own run under its own id')
    .action((dbs: string[], flags: MergeFlags) => {
      const result = mergeDatabases(dbs, flags.out, { run: flags.run, runId: flags.runId, allowDifferentRuns: flags.allowDifferentRuns });
      const into = result.runIds.length > 1 ? `runs ${result.runIds.join(', ')}` : `run ${result.runId}`;
      process.stdout.write(
        `merged ${result.inputs} database(s) into ${into} in ${flags.out}: ${result.images} image rows written (${result.replaced} replaced a less final attempt)\n`,
      );
    });
}
