/** Escapes text for HTML element content and double-quoted attributes. */
export const esc = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export const fixed = (v: number | null | undefined, digits: number): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);

export const gib = (bytes: number | null): string => (bytes === null ? '–' : `${(bytes / 2 ** 30).toFixed(2)} GiB`);

export function duration(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** A table cell that sorts by `value` (numbers) rather than by its text. */
export const numCell = (text: string, value: number | null | undefined, extra = ''): string =>
  `<td class="num${extra}" data-sort="${value === null || value === undefined || !Number.isFinite(value) ? '' : value}">${text}</td>`;

export const section = (id: string, title: string, body: string): string => `<section id="${id}"><h2>${esc(title)}</h2>${body}</section>`;
