// Number and table formatting for the report.

export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Three significant figures or so, with thousands separators above 1,000. */
export function num(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  if (a >= 1000) return int(n);
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  if (a >= 1) return n.toFixed(2);
  return n.toFixed(3);
}

export function ms(n: number): string {
  return `${num(n)} ms`;
}

export function seconds(msValue: number): string {
  return msValue >= 1000 ? `${num(msValue / 1000)} s` : ms(msValue);
}

export function ratio(r: number): string {
  if (!Number.isFinite(r)) return '–';
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}x`;
}

export function bytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

export function cut(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').replace(/\|/g, '/').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

export function table(head: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  const sep = head.map((_, i) => ((align?.[i] ?? 'l') === 'r' ? '---:' : '---'));
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(sep), ...rows.map(line)].join('\n');
}
