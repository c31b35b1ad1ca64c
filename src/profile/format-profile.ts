import { formatTable } from '../cli/format-table.js';
import type { ProfileSummary, TimeRow } from './summarize-profile.js';

const ms = (v: number) => v.toFixed(2);
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

function timeTable(rows: TimeRow[], shareOf: string): string {
  return formatTable(
    ['name', 'calls', 'ms', `share of ${shareOf}`],
    rows.map((r) => [r.name, String(r.calls), ms(r.ms), pct(r.share)]),
  );
}

/** `ppbench profile`'s text report: one titled table per view of the profiled generation. */
export function formatProfile(s: ProfileSummary): string {
  const sections: [string, string][] = [
    [`Time per stage (generation ${ms(s.generationMs)} ms)`, timeTable(s.stages, 'generation')],
    [
      `Time per UNet block (${s.unet.calls} UNet calls, ${ms(s.unet.ms)} ms; blocks add up to ${ms(s.unet.blocksMs)} ms)`,
      timeTable(s.unet.blocks, 'UNet'),
    ],
    [`Time per operator class (operator self time ${ms(s.operatorSelfMs)} ms)`, timeTable(s.operatorClasses, 'operators')],
    [
      `Achieved throughput${s.peakGflops ? ` (measured matmul peak ${s.peakGflops.toFixed(1)} GFLOP/s)` : ''}`,
      formatTable(
        ['class', 'GFLOP', 'ms', 'GFLOP/s', 'of peak'],
        s.throughput.map((t) => [t.class, t.gflop.toFixed(3), ms(t.ms), t.gflops.toFixed(1), t.ofPeak !== undefined ? pct(t.ofPeak) : '-']),
      ),
    ],
    [
      'Top operators by self time',
      formatTable(
        ['operator', 'input shapes', 'calls', 'self ms', 'share'],
        s.topOperators.map((o) => [o.name, JSON.stringify(o.shapes), String(o.calls), ms(o.selfMs), pct(o.share)]),
      ),
    ],
    [
      'Peak memory per stage (bytes held by tensors the profiler saw allocated, MiB)',
      formatTable(
        ['stage', 'peak MiB', 'above entry MiB'],
        s.memory.map((m) => [m.stage, mib(m.peakBytes), mib(m.peakAboveEntryBytes)]),
      ),
    ],
  ];
  return sections.map(([title, table]) => `${title}\n${table}\n`).join('\n');
}
