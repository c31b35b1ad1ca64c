import type { NativeProfileEvent } from '../native/types.js';
import { buildEventTree, parentScope, type TimedNode } from './event-tree.js';
import { OPERATOR_CLASSES, flopClass, operatorClass, type OperatorClass } from './operator-class.js';

export interface TimeRow {
  name: string;
  calls: number;
  ms: number;
  /** Of the generation (stages), of the UNet (blocks) or of all operator self time (classes). */
  share: number;
}

export interface ThroughputRow {
  class: 'convolution' | 'matmul/linear';
  gflop: number;
  ms: number;
  gflops: number;
  /** achieved / the measured matmul peak, when one was given. */
  ofPeak?: number;
}

export interface TopOperatorRow {
  name: string;
  shapes: number[][];
  calls: number;
  selfMs: number;
  share: number;
}

export interface StageMemoryRow {
  stage: string;
  /** Highest bytes held (tracked by the profiler since it started) while the stage ran. */
  peakBytes: number;
  /** Highest growth above what was held when the stage was entered. */
  peakAboveEntryBytes: number;
}

export interface ProfileSummary {
  generationMs: number;
  stages: TimeRow[];
  unet: { calls: number; ms: number; blocks: TimeRow[]; blocksMs: number };
  operatorClasses: TimeRow[];
  operatorSelfMs: number;
  throughput: ThroughputRow[];
  peakGflops?: number;
  topOperators: TopOperatorRow[];
  memory: StageMemoryRow[];
}

const UNET_SCOPE = 'unet';
const TOP_OPERATORS = 15;

function groupTimes(nodes: TimedNode[], total: number, time: (n: TimedNode) => number): TimeRow[] {
  const rows = new Map<string, TimeRow>();
  for (const n of nodes) {
    const row = rows.get(n.event.name) ?? { name: n.event.name, calls: 0, ms: 0, share: 0 };
    row.calls += 1;
    row.ms += time(n) / 1000;
    rows.set(n.event.name, row);
  }
  return [...rows.values()].map((r) => ({ ...r, share: total > 0 ? r.ms / total : 0 }));
}

function hasFlopAncestor(node: TimedNode): boolean {
  for (let p = node.parent; p; p = p.parent) if (p.event.flops) return true;
  return false;
}

function throughput(nodes: TimedNode[], peakGflops?: number): ThroughputRow[] {
  const sums = new Map<ThroughputRow['class'], { flops: number; us: number }>();
  for (const n of nodes) {
    const cls = n.event.kind === 'op' && n.event.flops ? flopClass(n.event.name) : undefined;
    if (!cls || hasFlopAncestor(n)) continue;
    const s = sums.get(cls) ?? { flops: 0, us: 0 };
    s.flops += n.event.flops!;
    s.us += n.event.durationUs;
    sums.set(cls, s);
  }
  return [...sums.entries()].map(([cls, s]) => {
    const gflops = s.us > 0 ? s.flops / (s.us * 1e3) : 0;
    return {
      class: cls,
      gflop: s.flops / 1e9,
      ms: s.us / 1000,
      gflops,
      ...(peakGflops ? { ofPeak: gflops / peakGflops } : {}),
    };
  });
}

function topOperators(ops: TimedNode[], totalMs: number): TopOperatorRow[] {
  const rows = new Map<string, TopOperatorRow>();
  for (const n of ops) {
    const shapes = n.event.shapes ?? [];
    const key = `${n.event.name} ${JSON.stringify(shapes)}`;
    const row = rows.get(key) ?? { name: n.event.name, shapes, calls: 0, selfMs: 0, share: 0 };
    row.calls += 1;
    row.selfMs += n.selfUs / 1000;
    rows.set(key, row);
  }
  return [...rows.values()]
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, TOP_OPERATORS)
    .map((r) => ({ ...r, share: totalMs > 0 ? r.selfMs / totalMs : 0 }));
}

/** Bytes held over time from the allocation/free events, and each stage's peak within its calls. */
function stageMemory(events: readonly NativeProfileEvent[], stages: TimedNode[]): StageMemoryRow[] {
  const memory = events.filter((e) => e.kind === 'memory').sort((a, b) => a.startUs - b.startUs);
  const times = memory.map((e) => e.startUs);
  const levels: number[] = [];
  let held = 0;
  for (const e of memory) levels.push((held += e.bytes ?? 0));
  const levelBefore = (t: number) => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return { index: lo, level: lo > 0 ? levels[lo - 1]! : 0 };
  };
  const rows = new Map<string, StageMemoryRow>();
  for (const s of stages) {
    const { index, level: entry } = levelBefore(s.event.startUs);
    let peak = entry;
    const end = s.event.startUs + s.event.durationUs;
    for (let i = index; i < times.length && times[i]! <= end; i++) peak = Math.max(peak, levels[i]!);
    const row = rows.get(s.event.name) ?? { stage: s.event.name, peakBytes: 0, peakAboveEntryBytes: 0 };
    row.peakBytes = Math.max(row.peakBytes, peak);
    row.peakAboveEntryBytes = Math.max(row.peakAboveEntryBytes, peak - entry);
    rows.set(s.event.name, row);
  }
  return [...rows.values()];
}

/**
 * Turns a profiled generation's events into `ppbench profile`'s tables: stages are the top-level
 * engine scopes, UNet blocks the scopes directly inside "unet", operator classes and top
 * operators use self time (so nested operators are not counted twice).
 */
export function summarizeProfile(
  events: readonly NativeProfileEvent[],
  generationMs: number,
  peakGflops?: number,
): ProfileSummary {
  const nodes = buildEventTree(events);
  const scopes = nodes.filter((n) => n.event.kind === 'scope');
  const stageNodes = scopes.filter((n) => !parentScope(n));
  const unetNodes = stageNodes.filter((n) => n.event.name === UNET_SCOPE);
  const unetMs = unetNodes.reduce((sum, n) => sum + n.event.durationUs, 0) / 1000;
  const blockNodes = scopes.filter((n) => parentScope(n)?.event.name === UNET_SCOPE);
  const blocks = groupTimes(blockNodes, unetMs, (n) => n.event.durationUs);
  const ops = nodes.filter((n) => n.event.kind === 'op');
  const operatorSelfMs = ops.reduce((sum, n) => sum + n.selfUs, 0) / 1000;
  const byClass = new Map<OperatorClass, number>(OPERATOR_CLASSES.map((c) => [c, 0]));
  for (const n of ops) byClass.set(operatorClass(n.event.name), byClass.get(operatorClass(n.event.name))! + n.selfUs / 1000);
  return {
    generationMs,
    stages: groupTimes(stageNodes, generationMs, (n) => n.event.durationUs).sort((a, b) => b.ms - a.ms),
    unet: { calls: unetNodes.length, ms: unetMs, blocks, blocksMs: blocks.reduce((sum, b) => sum + b.ms, 0) },
    operatorClasses: [...byClass.entries()].map(([name, ms]) => ({
      name,
      calls: ops.filter((n) => operatorClass(n.event.name) === name).length,
      ms,
      share: operatorSelfMs > 0 ? ms / operatorSelfMs : 0,
    })),
    operatorSelfMs,
    throughput: throughput(nodes, peakGflops),
    ...(peakGflops ? { peakGflops } : {}),
    topOperators: topOperators(ops, operatorSelfMs),
    memory: stageMemory(events, stageNodes),
  };
}
