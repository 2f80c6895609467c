// Generated models for the language server's latency test and measurements.

/** `lines` lines: labeled convs that keep 8x32x32, comments, a pool and a dense head. */
export function bigModel(lines: number, broken = false): string {
  const out = ['# generated for the latency test', 'network big', 'input 3x32x32', ''];
  let i = 0;
  while (out.length < lines - 4) {
    i++;
    if (broken && out.length === Math.floor(lines / 2)) out.push(`bad${i}: conv 8 40x40`);
    else if (i % 10 === 0) out.push('');
    else if (i % 10 === 5) out.push(`# block ${i}`);
    else out.push(`c${i}: conv 8 3x3 pad same relu   # -> 8x32x32`);
  }
  out.push('pool: maxpool 2', 'fc: dense 10', 'softmax', 'loss cross_entropy');
  return `${out.join('\n')}\n`;
}
