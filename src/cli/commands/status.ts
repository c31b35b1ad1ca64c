import type { Command } from 'commander';
import { readStatus, type GpuStatus, type GpuStatusEntry } from '../../lease/index.js';
import { formatTable } from '../format-table.js';

interface StatusOptions {
  json?: boolean;
  url?: string;
}

/** What the backend's `/gpu-status` answered, or why it did not. */
type HttpStatus = { url: string; httpStatus: number; body: unknown } | { url: string; error: string };

const HTTP_TIMEOUT_MS = 2000;

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show the GPU lease: busy, owner, since, holders and preemption requests with their staleness')
    .option('--json', 'print one JSON document')
    .option('--url <url>', "also GET <url>/gpu-status from the backend, e.g. http://127.0.0.1:8000")
    .action(async (opts: StatusOptions) => {
      const status = await readStatus();
      const http = opts.url === undefined ? undefined : await fetchGpuStatus(opts.url);
      if (opts.json) process.stdout.write(`${JSON.stringify({ ...status, ...(http ? { http } : {}) }, null, 2)}\n`);
      else process.stdout.write(`${describe(status, http)}\n`);
      if (http && 'error' in http) process.exitCode = 1;
    });
}

async function fetchGpuStatus(base: string): Promise<HttpStatus> {
  const url = `${base.replace(/\/+$/, '')}/gpu-status`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: shown as text
    }
    return response.ok
      ? { url, httpStatus: response.status, body }
      : { url, error: `HTTP ${response.status} from ${url}: ${text.slice(0, 200)}` };
  } catch (err) {
    const e = err as Error & { cause?: Error };
    return { url, error: `GET ${url} failed: ${e.cause?.message ?? e.message}` };
  }
}

const age = (ms: number): string => (ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

function entryRows(entries: GpuStatusEntry[], status: GpuStatus): string[][] {
  return entries.map((e) => [
    e.owner,
    e.id,
    e.legacy ? 'seed (v0) claim' : `${e.pid ?? '?'}@${e.host ?? '?'}`,
    e.since,
    e.legacy ? `none (claimed ${age(e.heartbeatAgeMs)} ago)` : `${age(e.heartbeatAgeMs)} ago`,
    e.stale ? `STALE (> ${age(e.legacy ? status.maxHoldMs : status.staleMs)})` : 'live',
    e.label ?? '',
  ]);
}

function describe(status: GpuStatus, http: HttpStatus | undefined): string {
  const header = ['owner', 'id', 'process', 'since', 'heartbeat', 'state', 'label'];
  const lines = [
    `GPU lease file: ${status.path} (${status.format}${status.problem ? `: ${status.problem}` : ''})`,
    `busy: ${status.busy ? 'yes' : 'no'}   owner: ${status.owner ?? '-'}   since: ${status.since ?? '-'}`,
  ];
  if (status.holders.length > 0) lines.push('', 'holders:', formatTable(header, entryRows(status.holders, status)));
  if (status.want.length > 0) {
    lines.push('', 'preemption requests (want):', formatTable(header, entryRows(status.want, status)));
  }
  if (http) {
    lines.push('', 'error' in http ? `backend: ${http.error}` : `backend ${http.url}: ${JSON.stringify(http.body)}`);
  }
  return lines.join('\n');
}
