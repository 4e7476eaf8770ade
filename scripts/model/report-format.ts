/** Plain fixed-width tables for the terminal and for pasting into docs/model-card.md. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? fixed(c) : c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(headers), rule, ...cells.map(line)].join('\n');
}

export const fixed = (x: number, digits = 4): string => (Number.isNaN(x) ? 'n/a' : x.toFixed(digits));
export const pct = (x: number, digits = 1): string => (Number.isNaN(x) ? 'n/a' : `${(100 * x).toFixed(digits)}%`);
