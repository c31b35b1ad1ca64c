import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { resolveCoordPath } from '../../lease/index.js';
import { addonPath, device, diagnostics } from '../../native/binding.js';
import { nearestExisting } from '../../env/nearest-existing.js';
import { hubCacheDir } from '../../registry/hf-cache.js';
import { formatTable } from '../format-table.js';
import { modelInventory, type ModelPresence } from '../../registry/model-inventory.js';

interface DoctorReport {
  addon: string;
  libtorch: string;
  cudaBuild: boolean;
  cudaAvailable: boolean;
  device: string;
  capability?: string;
  totalMemoryGiB?: number;
  threads: number;
  matmulGflops: number;
  hfCache: { path: string; exists: boolean; writable: boolean };
  gpuCoord: { path: string; dirExists: boolean; writable: boolean };
  /** The seven benchmark models and the scoring models: on this machine or not. */
  models: ModelPresence[];
}

function writable(p: string): boolean {
  const existing = nearestExisting(p);
  if (!existing) return false;
  try {
    accessSync(existing, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function collect(): Promise<DoctorReport> {
  const info = device.info();
  const n = 256;
  await diagnostics.matmul({ a: [n, n], b: [n, n] }); // warm-up: first call pays thread-pool start-up
  const { ms } = await diagnostics.matmul({ a: [n, n], b: [n, n] });
  const hf = hubCacheDir();
  const coord = resolveCoordPath();
  return {
    addon: addonPath(),
    libtorch: info.torchVersion,
    cudaBuild: info.cudaBuild,
    cudaAvailable: info.cudaAvailable,
    device: info.cudaAvailable ? `${info.deviceName} (${info.deviceCount} device(s))` : 'cpu',
    ...(info.cudaAvailable
      ? { capability: info.capability.join('.'), totalMemoryGiB: +(info.totalMemory / 2 ** 30).toFixed(1) }
      : {}),
    threads: info.threads,
    matmulGflops: +((2 * n ** 3) / (ms * 1e6)).toFixed(2),
    hfCache: { path: hf, exists: existsSync(hf), writable: writable(hf) },
    gpuCoord: { path: coord, dirExists: existsSync(path.dirname(coord)), writable: writable(coord) },
    models: modelInventory(),
  };
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('show the native engine, libtorch, device, threads, HF cache, GPU lease file, and which models are present')
    .option('--json', 'print one JSON document')
    .action(async (opts: { json?: boolean }) => {
      const r = await collect();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        return;
      }
      const yesNo = (b: boolean) => (b ? 'yes' : 'no');
      const rows: [string, string][] = [
        ['addon', r.addon],
        ['libtorch', r.libtorch],
        ['CUDA build / available', `${yesNo(r.cudaBuild)} / ${yesNo(r.cudaAvailable)}`],
        ['device', r.device],
        ...(r.capability ? ([['compute capability', r.capability]] as [string, string][]) : []),
        ...(r.totalMemoryGiB ? ([['device memory', `${r.totalMemoryGiB} GiB`]] as [string, string][]) : []),
        ['CPU threads', String(r.threads)],
        ['matmul 256³ fp32', `${r.matmulGflops} GFLOP/s`],
        ['HF cache', `${r.hfCache.path} (exists: ${yesNo(r.hfCache.exists)}, writable: ${yesNo(r.hfCache.writable)})`],
        ['GPU lease file', `${r.gpuCoord.path} (dir exists: ${yesNo(r.gpuCoord.dirExists)}, writable: ${yesNo(r.gpuCoord.writable)})`],
        ...r.models.map((m): [string, string] => [`${m.role === 'scoring' ? 'scoring model' : 'model'} ${m.key}`, m.present ? `present: ${m.dir}` : `missing — ${m.fix}`]),
      ];
      process.stdout.write(`${formatTable(['check', 'value'], rows)}\n`);
    });
}
