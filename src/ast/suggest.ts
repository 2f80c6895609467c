// "Did you mean ...?": the nearest word by edit distance (adjacent swaps count as one edit), with a
// few aliases users bring from other frameworks.

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Words from PyTorch, Keras and papers, mapped to ours. */
export const ALIASES: Readonly<Record<string, string>> = {
  conv2d: 'conv', convolution: 'conv', linear: 'dense', fc: 'dense', fully_connected: 'dense',
  maxpool2d: 'maxpool', max_pool: 'maxpool', avgpool2d: 'avgpool', avg_pool: 'avgpool',
  adaptiveavgpool2d: 'globalavgpool', global_avg_pool: 'globalavgpool', gap: 'globalavgpool',
  leaky_relu: 'leakyrelu', lrelu: 'leakyrelu', reshape: 'flatten', padding: 'pad', strides: 'stride',
  no_bias: 'nobias', logsoftmax: 'softmax', net: 'network', model: 'network',
  crossentropy: 'cross_entropy', ce: 'cross_entropy', mse_loss: 'mse',
};

/**
 * The candidate closest to `word`, if it is close enough to be a likely typo: case is ignored, and
 * at most one edit per three characters is allowed (at least one). Ties go to the earlier candidate.
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const alias = ALIASES[w];
  if (alias !== undefined && candidates.includes(alias)) return alias;
  const limit = Math.max(1, Math.floor(w.length / 3));
  let best: string | undefined;
  let bestD = limit + 1;
  for (const c of candidates) {
    if (Math.abs(c.length - w.length) >= bestD) continue;
    const d = editDistance(w, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
