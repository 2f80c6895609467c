// The layer descriptions arb-cnn.ts generates, their text, and an evaluator written straight from
// LANGUAGE.md (per axis: out = floor((in + 2P - D*(F-1) - 1) / S) + 1), independent of src/check.
// The evaluator also rejects anything the checker would warn about, so generated networks are clean.

export type PadDesc = { mode: 'explicit'; p: [number, number] } | { mode: 'valid' | 'same' | 'full' };
type Act = 'relu' | 'sigmoid' | 'tanh' | 'leakyrelu';
type Pair = [number, number];

export type Desc =
  | {
      t: 'conv'; label?: string; filters: number; k: Pair; s: Pair; d: Pair; pad: PadDesc; nobias: boolean;
      writeDefaults: boolean; act?: Act; slope?: string;
    }
  | { t: 'maxpool' | 'avgpool'; label?: string; k: Pair; s: Pair; pad: PadDesc; writeDefaults: boolean }
  | { t: 'globalavgpool' | 'flatten' | 'softmax' | 'relu' | 'sigmoid' | 'tanh'; label?: string }
  | { t: 'leakyrelu'; label?: string; slope?: string }
  | { t: 'dense'; label?: string; units: number; nobias: boolean; act?: Act; slope?: string }
  | { t: 'dropout'; label?: string; rate: string }
  | { t: 'repeat'; count: number; body: Desc[] };

export interface EvalState {
  readonly shape: readonly number[];
  /** the last layer was an activation (another one right after would be warned about) */
  readonly lastAct: boolean;
  readonly params?: number;
  readonly layers?: number;
}

function padOf(pad: PadDesc, e: number): number {
  switch (pad.mode) {
    case 'explicit': return -1; // per axis, read by the caller
    case 'valid': return 0;
    case 'full': return e - 1;
    case 'same': return (e - 1) / 2;
  }
}

/** Output side of one axis, or undefined when the checker would complain about it. */
function axisOut(size: number, f: number, s: number, d: number, pad: PadDesc, axis: 0 | 1, maxSide: number): number | undefined {
  const e = d * (f - 1) + 1;
  const p = pad.mode === 'explicit' ? pad.p[axis] : padOf(pad, e);
  if (pad.mode === 'same' && (s !== 1 || e % 2 === 0)) return undefined;
  if (p >= e || size + 2 * p < e) return undefined;
  const out = Math.floor((size + 2 * p - d * (f - 1) - 1) / s) + 1;
  if ((size + 2 * p - e) % s !== 0 || out > maxSide) return undefined;
  return out;
}

/** The state after `descs`, or undefined when any of them would draw an error or a warning. */
export function evalDescs(descs: readonly Desc[], state: EvalState, maxSide: number): EvalState | undefined {
  let { shape, lastAct } = state;
  let params = state.params ?? 0;
  let layers = state.layers ?? 0;
  const activation = (): boolean => {
    if (lastAct) return false;
    lastAct = true;
    layers += 1;
    return true;
  };
  for (const d of descs) {
    if (d.t === 'repeat') {
      for (let i = 0; i < d.count; i++) {
        const next = evalDescs(d.body, { shape, lastAct, params, layers }, maxSide);
        if (next === undefined) return undefined;
        ({ shape, lastAct } = next);
        params = next.params!;
        layers = next.layers!;
      }
      continue;
    }
    const spatial = shape.length === 3;
    switch (d.t) {
      case 'conv':
      case 'maxpool':
      case 'avgpool': {
        if (!spatial) return undefined;
        const dil: Pair = d.t === 'conv' ? d.d : [1, 1];
        const h = axisOut(shape[1]!, d.k[0], d.s[0], dil[0], d.pad, 0, maxSide);
        const w = axisOut(shape[2]!, d.k[1], d.s[1], dil[1], d.pad, 1, maxSide);
        if (h === undefined || w === undefined) return undefined;
        layers += 1;
        lastAct = false;
        if (d.t === 'conv') {
          params += d.filters * shape[0]! * d.k[0] * d.k[1] + (d.nobias ? 0 : d.filters);
          shape = [d.filters, h, w];
          if (d.act && !activation()) return undefined;
        } else {
          shape = [shape[0]!, h, w];
        }
        break;
      }
      case 'globalavgpool':
      case 'flatten':
        if (!spatial) return undefined;
        shape = d.t === 'flatten' ? [shape[0]! * shape[1]! * shape[2]!] : [shape[0]!];
        layers += 1;
        lastAct = false;
        break;
      case 'dense': {
        const n = shape.reduce((a, b) => a * b, 1);
        params += d.units * n + (d.nobias ? 0 : d.units);
        shape = [d.units];
        layers += 1;
        lastAct = false;
        if (d.act && !activation()) return undefined;
        break;
      }
      case 'relu':
      case 'sigmoid':
      case 'tanh':
      case 'leakyrelu':
        if (!activation()) return undefined;
        break;
      case 'dropout':
        layers += 1;
        lastAct = false;
        break;
      case 'softmax':
        if (spatial || shape[0]! < 2) return undefined;
        layers += 1;
        lastAct = false;
        break;
    }
  }
  return { shape, lastAct, params, layers };
}

function size(p: Pair, long: boolean): string {
  return p[0] === p[1] && !long ? String(p[0]) : `${p[0]}x${p[1]}`;
}

function padText(pad: PadDesc, long: boolean): string {
  return pad.mode === 'explicit' ? size(pad.p, long) : pad.mode;
}

function layerText(d: Exclude<Desc, { t: 'repeat' }>): string {
  const parts: string[] = [d.label ? `${d.label}: ${d.t}` : d.t];
  const act = (): void => {
    if ('act' in d && d.act) parts.push(d.act, ...(d.slope ? [d.slope] : []));
  };
  switch (d.t) {
    case 'conv': {
      const w = d.writeDefaults;
      parts.push(String(d.filters), size(d.k, w));
      if (w || d.s[0] !== 1 || d.s[1] !== 1) parts.push('stride', size(d.s, !w));
      if (w || !(d.pad.mode === 'valid' || (d.pad.mode === 'explicit' && d.pad.p[0] === 0 && d.pad.p[1] === 0))) {
        parts.push('pad', padText(d.pad, w));
      }
      if (w || d.d[0] !== 1 || d.d[1] !== 1) parts.push('dilation', size(d.d, w));
      if (d.nobias) parts.push('nobias');
      act();
      break;
    }
    case 'maxpool':
    case 'avgpool': {
      const w = d.writeDefaults;
      parts.push(size(d.k, !w));
      if (w || d.s[0] !== d.k[0] || d.s[1] !== d.k[1]) parts.push('stride', size(d.s, w));
      if (w || !(d.pad.mode === 'valid' || (d.pad.mode === 'explicit' && d.pad.p[0] === 0 && d.pad.p[1] === 0))) {
        parts.push('pad', padText(d.pad, !w));
      }
      break;
    }
    case 'dense':
      parts.push(String(d.units));
      if (d.nobias) parts.push('nobias');
      act();
      break;
    case 'leakyrelu':
      if (d.slope) parts.push(d.slope);
      break;
    case 'dropout':
      parts.push(d.rate);
      break;
    default:
      break;
  }
  return parts.join(' ');
}

/** The source text. `decor` (when given) adds comments, blank lines and extra indentation. */
export function render(descs: readonly Desc[], input: string, loss: string | undefined, decor?: readonly number[]): string {
  const lines: string[] = [];
  let k = 0;
  const bit = (m: number): boolean => decor !== undefined && decor[k++ % decor.length]! % m === 0;
  if (bit(3)) lines.push('# generated by test/support/arb-cnn.ts');
  if (bit(2)) lines.push('network generated');
  lines.push(`input ${input}`);
  const emit = (ds: readonly Desc[], indent: string): void => {
    for (const d of ds) {
      if (bit(7)) lines.push('');
      if (d.t === 'repeat') {
        lines.push(`${indent}repeat ${d.count} {${bit(4) ? '   # block' : ''}`);
        emit(d.body, indent + (bit(2) ? '  ' : '    '));
        lines.push(`${indent}}`);
      } else {
        lines.push(`${indent}${layerText(d)}${bit(5) ? '  # ->' : ''}`);
      }
    }
  };
  emit(descs, '');
  if (loss) lines.push(`loss ${loss}`);
  return lines.join('\n') + '\n';
}
