import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { buildReport, type ReportOptions } from './build-report.js';
import { runPage } from './html/run-page.js';
import { loadRun } from './load-run.js';

export interface WriteReportRequest extends ReportOptions {
  databaseFile: string;
  /** The newest run when absent. */
  runId?: string;
  /** Default: `<results dir>/<run id>/report.html` (a shard's: `report.shard-k-of-n.html`), beside the run's images. */
  out?: string;
}

export interface WrittenReport {
  file: string;
  runId: string;
  bytes: number;
}

/** Shards of one run share its folder, so each shard's page gets its own name. */
export function defaultReportPath(resultsDir: string, runId: string, shard: string | null = null): string {
  const [k, n] = shard?.split('/') ?? [];
  return path.join(resultsDir, runId, k !== undefined && n !== undefined ? `report.shard-${k}-of-${n}.html` : 'report.html');
}

/** Reads the run, builds its page, and writes it in one atomic step (a failure leaves nothing). */
export async function writeReport(request: WriteReportRequest): Promise<WrittenReport> {
  const data = loadRun(request.databaseFile, request.runId);
  const file = path.resolve(request.out ?? defaultReportPath(data.resultsDir, data.run.id, data.run.shard));
  const html = runPage(await buildReport(data, file, request));
  mkdirSync(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, html);
  return { file, runId: data.run.id, bytes: Buffer.byteLength(html) };
}
