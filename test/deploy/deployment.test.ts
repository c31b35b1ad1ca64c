// Dockerfile.benchmark, docker-compose.yml and .dockerignore, checked statically (no Docker
// engine on CI): the paths and variables they share agree with each other and with the code.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/shared.js';

interface Service {
  image?: string;
  env_file?: string[];
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  profiles?: string[];
  deploy?: { resources?: { reservations?: { devices?: Array<{ driver?: string; device_ids?: string[] }> } } };
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, { driver_opts?: Record<string, string> } | null>;
}

const read = (file: string): string => readFileSync(path.join(projectRoot, file), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as Compose;
const dockerfile = read('Dockerfile.benchmark');
const services = Object.entries(compose.services);
const ppbench = services.filter(([, s]) => s.image === 'promptpics/ppbench:latest');

/** `volume:/target[:ro]` → {source, target, readOnly}. */
const mounts = (s: Service) =>
  (s.volumes ?? []).map((v) => {
    const [source, target, mode] = v.split(':') as [string, string, string | undefined];
    return { source, target, readOnly: mode === 'ro' };
  });
const gpuIds = (s: Service): string[] => (s.deploy?.resources?.reservations?.devices ?? []).flatMap((d) => d.device_ids ?? []);
const dockerEnv = (name: string): string | undefined => new RegExp(`\\b${name}=(\\S+)`).exec(dockerfile)?.[1];

describe('docker-compose.yml', () => {
  it('every service mounts the lease folder of its GPU_COORD_PATH, and that volume is a tmpfs', () => {
    expect(ppbench.length).toBeGreaterThanOrEqual(4);
    for (const [name, s] of ppbench) {
      const coord = s.environment?.GPU_COORD_PATH;
      expect(coord, name).toMatch(/^\/gpu_coord\/.*status\.json$/);
      expect(mounts(s).some((m) => m.source === 'gpu-coord' && coord!.startsWith(`${m.target}/`) && !m.readOnly), name).toBe(true);
    }
    expect(compose.volumes['gpu-coord']?.driver_opts).toMatchObject({ type: 'tmpfs' });
  });

  it('results, HF cache and demo models are on writable volumes, the same for every service', () => {
    for (const [name, s] of ppbench) {
      const env = s.environment!;
      const writable = mounts(s).filter((m) => !m.readOnly);
      for (const dir of [env.PPBENCH_RESULTS_DIR!, env.HF_HOME!, env.PPBENCH_DEMO_DIR!]) {
        expect(writable.some((m) => dir === m.target || dir.startsWith(`${m.target}/`)), `${name}: ${dir}`).toBe(true);
      }
      expect(env.PPBENCH_RESULTS_DIR!.startsWith('/workspace/research'), name).toBe(false);
      expect([env.HF_HOME, env.PPBENCH_RESULTS_DIR]).toEqual([dockerEnv('HF_HOME'), dockerEnv('PPBENCH_RESULTS_DIR')]);
    }
  });

  it('GPU services reserve an NVIDIA device; shards cover k = 0..n-1 once, each on its own GPU and lease file', () => {
    for (const name of ['reference-backend', 'benchmark']) expect(gpuIds(compose.services[name]!), name).toEqual(['0']);
    const shards = ppbench
      .map(([name, s]) => ({ name, s, shard: s.command?.[s.command.indexOf('--shard') + 1] }))
      .filter((x) => x.s.command?.includes('--shard'));
    expect(shards.length).toBeGreaterThanOrEqual(2);
    const n = Number(shards[0]!.shard!.split('/')[1]);
    expect(shards.map((x) => x.shard).sort()).toEqual(Array.from({ length: n }, (_, k) => `${k}/${n}`));
    expect(new Set(shards.map((x) => gpuIds(x.s)[0])).size).toBe(n);
    // One status.json per GPU: shard k shares GPU k's lease file with whatever else runs there.
    const leaseOf = new Map(ppbench.map(([, s]) => [gpuIds(s)[0], s.environment!.GPU_COORD_PATH]));
    for (const x of shards) expect(x.s.environment!.GPU_COORD_PATH).toBe(leaseOf.get(gpuIds(x.s)[0]));
    expect(new Set(shards.map((x) => x.s.environment!.GPU_COORD_PATH)).size).toBe(n);
  });

  it("every command is a ppbench command with flags it knows", () => {
    const flagsByCommand = new Map<string, Set<string>>();
    for (const [, s] of ppbench) {
      const [command, ...args] = s.command ?? ['run'];
      const flags = flagsByCommand.get(command!) ?? new Set<string>();
      args.filter((a) => a.startsWith('--')).forEach((f) => flags.add(f));
      flagsByCommand.set(command!, flags);
    }
    for (const [command, flags] of flagsByCommand) {
      const help = runCli([command, '--help']);
      expect(help.status, `${command}: ${help.stderr}`).toBe(0);
      for (const flag of flags) expect(help.stdout, `${command}: ${flag}`).toContain(flag);
    }
  });
});

describe("docker-compose.yml to the seed's letter (research/docs/research_runner_docker.md)", () => {
  const seedMounts = [
    'gpu-coord:/gpu_coord',
    'hf_cache:/root/.cache/huggingface',
    './research:/workspace/research:ro',
    './research/benchmark_results:/workspace/benchmark_results',
  ];

  it("names the seed's volumes and gives the benchmark the seed's mounts, env_file and lease path", () => {
    expect(Object.keys(compose.volumes).sort()).toEqual(['gpu-coord', 'hf_cache']);
    const benchmark = compose.services.benchmark!;
    expect(benchmark.volumes).toEqual(seedMounts);
    expect(benchmark.env_file).toEqual(['.env']);
    expect(benchmark.environment).toMatchObject({ GPU_COORD_PATH: '/gpu_coord/status.json', HF_HOME: '/root/.cache/huggingface' });
    expect(benchmark.environment).toHaveProperty('HUGGINGFACE_HUB_TOKEN');
    // Every runner service reads the same cache the seed mounts, at every HF client's default.
    for (const [name, s] of ppbench) expect(mounts(s).find((m) => m.source === 'hf_cache')?.target, name).toBe('/root/.cache/huggingface');
  });

  it('the backend service shows only what PromptPics adds (lease path and volume); the reference backend is opt-in', () => {
    const backend = compose.services.backend!;
    expect(Object.keys(backend).sort()).toEqual(['environment', 'image', 'volumes']);
    expect(backend.image).toMatch(/^\$\{PROMPTPICS_BACKEND_IMAGE:-/);
    expect(backend.environment).toEqual(['GPU_COORD_PATH=/gpu_coord/status.json']);
    expect(backend.volumes).toEqual(['gpu-coord:/gpu_coord', 'hf_cache:/root/.cache/huggingface']);
    const reference = compose.services['reference-backend']!;
    expect(reference.profiles).toEqual(['reference-backend']);
    expect(reference.command?.[0]).toBe('serve');
    // Without a profile only PromptPics' backend and the benchmark start.
    const always = services.filter(([, s]) => !s.profiles).map(([name]) => name).sort();
    expect(always).toEqual(['backend', 'benchmark']);
  });

  it('.env.example documents every variable the compose file substitutes, and the seed\'s token names', () => {
    const example = read('.env.example');
    const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const used = new Set([...read('docker-compose.yml').matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));
    for (const name of used) expect(documented, name).toContain(name);
    for (const name of ['HUGGINGFACE_HUB_TOKEN', 'HF_TOKEN', 'HF_HUB_ENABLE_HF_TRANSFER']) expect(documented, name).toContain(name);
    expect(example).toMatch(/HF_HUB_ENABLE_HF_TRANSFER[\s\S]*Python|Python[\s\S]*HF_HUB_ENABLE_HF_TRANSFER/);
    expect(read('.gitignore').split('\n')).toContain('.env');
  });

  const composeBinary = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  const noCompose = composeBinary.error !== undefined || composeBinary.status !== 0;
  if (noCompose) console.log(`SKIPPED docker-compose config: no docker-compose binary (${composeBinary.error?.message ?? composeBinary.stderr})`);

  it.skipIf(noCompose)('`docker-compose config` accepts the file with .env copied from .env.example', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ppbench-compose-'));
    try {
      copyFileSync(path.join(projectRoot, 'docker-compose.yml'), path.join(dir, 'docker-compose.yml'));
      copyFileSync(path.join(projectRoot, '.env.example'), path.join(dir, '.env'));
      mkdirSync(path.join(dir, 'research', 'benchmark_results'), { recursive: true });
      const all = spawnSync('docker-compose', ['--profile', 'shards', '--profile', 'prefetch', '--profile', 'reference-backend', 'config'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(all.status, all.stderr).toBe(0);
      const resolved = parse(all.stdout) as Compose;
      expect(Object.keys(resolved.services).sort()).toEqual(Object.keys(compose.services).sort());
      expect(resolved.services['benchmark-shard-1']!.command).toEqual(['run', '--shard', '1/2', '--run-id', 'shards']);
      expect(resolved.services.backend!.image).toBe('promptpics/backend:latest');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Dockerfile.benchmark and .dockerignore', () => {
  it('builds with the checkout recipe (scripts/setup.sh) and runs the compiled CLI with the lease path LEASE.md names', () => {
    expect(dockerfile).toMatch(/RUN bash scripts\/setup\.sh system torch node\n/);
    expect(dockerfile).toMatch(/bash scripts\/setup\.sh \\\n/);
    expect(dockerfile).toContain('ENTRYPOINT ["node", "dist/cli/main.js"]');
    expect(dockerEnv('GPU_COORD_PATH')).toBe('/gpu_coord/status.json');
    expect(read('scripts/setup.sh')).toMatch(/system\) ensure_system_packages/);
  });

  it('copies only paths that exist, and never the host builds', () => {
    for (const [, src] of dockerfile.matchAll(/^COPY (?!--from)(\S+)/gm)) {
      expect(src === '.' || existsSync(path.join(projectRoot, src!)), src).toBe(true);
    }
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const p of ['node_modules', '.venv', 'build', 'dist', 'research/benchmark_results']) expect(ignored, p).toContain(p);
  });
});
