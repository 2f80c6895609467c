// fast-check arbitrary of small, valid networks for the differential tests: random kernel sizes
// (rectangular too), strides, paddings (valid/explicit/same/full), dilations, max/avg/global
// pooling, flatten or dense straight on feature maps, every activation, nobias, dropout, and the
// three endings (softmax + cross_entropy, mse on a vector or on a feature map, no loss).
//
// Unlike test/support/arb-cnn.ts (valid, warning-free sources for the front end), this one keeps
// spatial sizes tiny (so a network runs in milliseconds in every implementation) and does not avoid
// warnings: windows that do not divide evenly are exactly the cases a generator gets wrong.
// fast-check draws layer "proposals"; `fit` turns each into a layer valid for the shape reached so
// far (shrinking a kernel, dropping a dilation, turning an impossible `same` into explicit padding)
// or drops it.

import fc from 'fast-check';
import type { LossKind, Shape } from '../../src/network.js';
import type { LayerDesc, NetDesc, PadWritten } from './net.js';

const ACT = ['none', 'relu', 'sigmoid', 'tanh', 'leakyrelu'] as const;
type Act = (typeof ACT)[number];

interface ConvP {
  readonly filters: number;
  readonly k: [number, number];
  readonly s: [number, number];
  readonly d: [number, number];
  readonly pad: 'none' | 'valid' | 'same' | 'full' | 'explicit';
  readonly p: [number, number];
  readonly bias: boolean;
  readonly act: Act;
  readonly slope: number | undefined;
}
interface PoolP {
  readonly kind: 'maxpool' | 'avgpool';
  readonly k: [number, number];
  readonly s: [number, number] | undefined; // undefined: the default (the window)
  readonly p: [number, number];
}
interface BlockP {
  readonly convs: ConvP[];
  readonly pool: PoolP | undefined;
  readonly dropout: number | undefined;
}
interface DenseP {
  readonly units: number;
  readonly bias: boolean;
  readonly act: Act;
  readonly slope: number | undefined;
  readonly dropout: number | undefined;
}
interface NetP {
  readonly vectorInput: boolean;
  readonly input: [number, number, number];
  readonly blocks: BlockP[];
  readonly bridge: 'flatten' | 'globalavgpool' | 'dense-direct' | 'stay-spatial';
  readonly dense: DenseP[];
  readonly ending: 'softmax-ce' | 'softmax-mse' | 'softmax' | 'mse' | 'none';
  readonly classes: number;
}

const pair = (lo: number, hi: number) =>
  fc.oneof(
    fc.integer({ min: lo, max: hi }).map((v): [number, number] => [v, v]),
    fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: lo, max: hi })),
  );
const slope = fc.option(fc.constantFrom(0.2, 0.05, 0.3), { nil: undefined });
const rate = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom(0, 0.25, 0.5) },
);

// filter and unit counts reach past 8 so that the generator's channel blocks (1, 2, 4, 8 at a time)
// run with remainders; a single filter is favoured too (loops of one iteration are a special case)
const convP: fc.Arbitrary<ConvP> = fc.record({
  filters: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 })),
  k: pair(1, 4),
  s: fc.oneof({ weight: 2, arbitrary: fc.constant<[number, number]>([1, 1]) }, { weight: 1, arbitrary: pair(1, 3) }),
  d: fc.oneof({ weight: 3, arbitrary: fc.constant<[number, number]>([1, 1]) }, { weight: 1, arbitrary: pair(1, 2) }),
  pad: fc.constantFrom('none', 'valid', 'same', 'full', 'explicit'),
  p: pair(0, 3),
  bias: fc.boolean(),
  act: fc.constantFrom(...ACT),
  slope,
});
const poolP: fc.Arbitrary<PoolP> = fc.record({
  kind: fc.constantFrom('maxpool', 'avgpool'),
  k: pair(1, 3),
  s: fc.option(pair(1, 3), { nil: undefined }),
  p: pair(0, 2),
});
const blockP: fc.Arbitrary<BlockP> = fc.record({
  convs: fc.array(convP, { minLength: 1, maxLength: 2 }),
  pool: fc.option(poolP, { nil: undefined }),
  dropout: rate,
});
const denseP: fc.Arbitrary<DenseP> = fc.record({
  units: fc.integer({ min: 1, max: 12 }),
  bias: fc.boolean(),
  act: fc.constantFrom(...ACT),
  slope,
  dropout: rate,
});
const netP: fc.Arbitrary<NetP> = fc.record({
  vectorInput: fc.integer({ min: 0, max: 3 }).map((v) => v === 0), // a quarter of the networks
  input: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 9 }), fc.integer({ min: 2, max: 9 })),
  blocks: fc.array(blockP, { minLength: 0, maxLength: 3 }),
  bridge: fc.constantFrom('flatten', 'globalavgpool', 'dense-direct', 'stay-spatial', 'stay-spatial'),
  dense: fc.array(denseP, { minLength: 0, maxLength: 2 }),
  ending: fc.constantFrom('softmax-ce', 'softmax-ce', 'softmax-mse', 'softmax', 'mse', 'none'),
  classes: fc.integer({ min: 2, max: 10 }),
});

/** Largest activation map (elements per sample) a random network may produce. */
const MAX_ELEMENTS = 400;
const MAX_SIDE = 12;

const out = (inn: number, k: number, s: number, p: number, d: number) => Math.floor((inn + 2 * p - d * (k - 1) - 1) / s) + 1;

function actLayer(act: Act, sl: number | undefined): LayerDesc[] {
  if (act === 'none') return [];
  return act === 'leakyrelu' ? [{ kind: 'leakyrelu', ...(sl === undefined ? {} : { slope: sl }) }] : [{ kind: act }];
}

/** conv proposal -> a conv valid on [c, h, w], and its output shape; undefined to drop it. */
function fitConv(c: ConvP, shape: Shape): { layer: LayerDesc; shape: Shape } | undefined {
  const [, h, w] = shape as [number, number, number];
  const k: [number, number] = [...c.k];
  const d: [number, number] = [...c.d];
  const same = c.pad === 'same';
  const s: [number, number] = same ? [1, 1] : c.s; // `same` needs stride 1 ...
  if (same) for (const i of [0, 1] as const) if ((d[i] * (k[i] - 1)) % 2 === 1) k[i]--; // ... and an odd window
  const axis = (i: 0 | 1, inn: number): number | undefined => {
    // shrink dilation, then kernel, until the window fits the input with the padding it gets
    for (;;) {
      const eff = d[i] * (k[i] - 1) + 1;
      const pad = c.pad === 'full' ? eff - 1 : c.pad === 'explicit' ? Math.min(c.p[i], eff - 1) : c.pad === 'same' ? (eff - 1) >> 1 : 0;
      if (inn + 2 * pad >= eff) return pad;
      if (d[i] > 1) d[i]--;
      else if (k[i] > 1) k[i]--;
      else return undefined;
    }
  };
  const ph = axis(0, h);
  const pw = axis(1, w);
  if (ph === undefined || pw === undefined) return undefined;
  const effOdd = (d[0] * (k[0] - 1)) % 2 === 0 && (d[1] * (k[1] - 1)) % 2 === 0;
  const stride1 = s[0] === 1 && s[1] === 1;
  let pad: PadWritten | undefined;
  if (c.pad === 'none') pad = undefined;
  else if (c.pad === 'same' && !(effOdd && stride1)) pad = [ph, pw]; // `same` is not allowed here
  else if (c.pad === 'explicit') pad = ph === pw ? ph : [ph, pw];
  else pad = c.pad;
  const oh = out(h, k[0], s[0], ph, d[0]);
  const ow = out(w, k[1], s[1], pw, d[1]);
  if (oh > MAX_SIDE || ow > MAX_SIDE || c.filters * oh * ow > MAX_ELEMENTS) return undefined;
  const layer: LayerDesc = {
    kind: 'conv',
    filters: c.filters,
    kernel: k[0] === k[1] ? k[0] : k,
    ...(stride1 ? {} : { stride: s }),
    ...(pad === undefined ? {} : { pad }),
    ...(d[0] === 1 && d[1] === 1 ? {} : { dilation: d }),
    ...(c.bias ? {} : { bias: false }),
  };
  return { layer, shape: [c.filters, oh, ow] };
}

function fitPool(p: PoolP, shape: Shape): { layer: LayerDesc; shape: Shape } | undefined {
  const [ch, h, w] = shape as [number, number, number];
  const k: [number, number] = [Math.min(p.k[0], h), Math.min(p.k[1], w)];
  const pad: [number, number] = [Math.min(p.p[0], k[0] - 1), Math.min(p.p[1], k[1] - 1)];
  const s = p.s ?? k;
  const oh = out(h, k[0], s[0], pad[0], 1);
  const ow = out(w, k[1], s[1], pad[1], 1);
  if (oh < 1 || ow < 1 || oh > MAX_SIDE || ow > MAX_SIDE) return undefined;
  const layer: LayerDesc = {
    kind: p.kind,
    kernel: k[0] === k[1] ? k[0] : k,
    ...(p.s === undefined ? {} : { stride: p.s }),
    ...(pad[0] === 0 && pad[1] === 0 ? {} : { pad: pad[0] === pad[1] ? pad[0] : pad }),
  };
  return { layer, shape: [ch, oh, ow] };
}

function build(n: NetP): NetDesc {
  const input: Shape = n.vectorInput ? [n.input[1] * n.input[2]] : n.input;
  const layers: LayerDesc[] = [];
  let shape = input;
  if (shape.length === 3) {
    for (const b of n.blocks) {
      for (const c of b.convs) {
        const f = fitConv(c, shape);
        if (!f) continue;
        layers.push(f.layer, ...actLayer(c.act, c.slope));
        shape = f.shape;
      }
      const pool = b.pool && fitPool(b.pool, shape);
      if (pool) {
        layers.push(pool.layer);
        shape = pool.shape;
      }
      if (b.dropout !== undefined) layers.push({ kind: 'dropout', rate: b.dropout });
    }
  }
  const softmax = n.ending.startsWith('softmax');
  if (shape.length === 3 && n.bridge === 'flatten') layers.push({ kind: 'flatten' });
  if (shape.length === 3 && n.bridge === 'globalavgpool') layers.push({ kind: 'globalavgpool' });
  // 'dense-direct': a dense layer (if any) reads the feature map as it is; 'stay-spatial' without
  // softmax: the network ends on the feature map (mse or no loss on a CxHxW output)
  const dense = shape.length === 3 && n.bridge === 'stay-spatial' && !softmax ? [] : n.dense;
  dense.forEach((dp, i) => {
    const last = i === dense.length - 1;
    layers.push({ kind: 'dense', units: softmax && last ? n.classes : dp.units, ...(dp.bias ? {} : { bias: false }) });
    layers.push(...actLayer(dp.act, dp.slope));
    if (dp.dropout !== undefined && !(softmax && last)) layers.push({ kind: 'dropout', rate: dp.dropout });
  });
  // softmax needs a vector of the classes before it
  if (softmax && dense.length === 0) layers.push({ kind: 'dense', units: n.classes });
  if (softmax) layers.push({ kind: 'softmax' });
  if (layers.length === 0) layers.push({ kind: 'dense', units: n.classes });
  const loss: LossKind | undefined =
    n.ending === 'softmax-ce' ? 'cross_entropy' : n.ending === 'softmax-mse' || n.ending === 'mse' ? 'mse' : undefined;
  return { name: 'random', input, layers, ...(loss ? { loss } : {}) };
}

export const arbNetDesc: fc.Arbitrary<NetDesc> = netP.map(build);
