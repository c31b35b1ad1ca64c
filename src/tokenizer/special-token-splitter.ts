/**
 * Splits raw text on special tokens (exact, case-sensitive, leftmost-longest match, like HF `tokenizers`' added
 * vocabulary), before any normalization. With the SD 2.x pad token `!` every `!` is such a token.
 */
export type TextPiece = { kind: 'text'; text: string } | { kind: 'special'; id: number };

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class SpecialTokenSplitter {
  private readonly pattern: RegExp;
  private readonly ids: ReadonlyMap<string, number>;

  /** `tokens`: token text -> id (the same text may be listed under several roles). */
  constructor(tokens: Iterable<readonly [string, number]>) {
    this.ids = new Map(tokens);
    if (this.ids.size === 0 || this.ids.has('')) throw new Error('special tokens must be non-empty strings');
    // Longest first: a JS alternation takes the first alternative matching at the leftmost position.
    const alternatives = [...this.ids.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.pattern = new RegExp(alternatives.join('|'), 'gu');
  }

  split(text: string): TextPiece[] {
    const pieces: TextPiece[] = [];
    let last = 0;
    for (const m of text.matchAll(this.pattern)) {
      if (m.index > last) pieces.push({ kind: 'text', text: text.slice(last, m.index) });
      pieces.push({ kind: 'special', id: this.ids.get(m[0])! });
      last = m.index + m[0].length;
    }
    if (last < text.length) pieces.push({ kind: 'text', text: text.slice(last) });
    return pieces;
  }
}
