// ConvNetJS 0.3 (Karpathy): plain JavaScript, one sample at a time, Float64Array storage. The
// network is built from the checked Network; its `pool` layer is max pooling, its `softmax` layer
// brings its own dense layer (so `dense K` + `softmax` maps to `softmax num_classes K`).
// Training step: Trainer (method sgd, momentum 0, no weight decay) with batch_size = the batch;
// `train` runs forward + backward per sample and updates the weights on every batch_size-th call,
// so one step of batch B is B calls. Inference of batch B is B forward calls.

import { createRequire } from 'node:module';
import type { Network } from '../../src/network.js';
import { LEARNING_RATE, makeBatch, type BenchNet, type Mode } from '../lib/nets.js';
import type { Cell, Peer } from './types.js';

interface Vol {
  readonly w: Float64Array;
}
interface Net {
  makeLayers(defs: object[]): void;
  forward(v: Vol, training: boolean): Vol;
}
interface Trainer {
  train(x: Vol, y: number): unknown;
}
interface ConvNetJs {
  Net: new () => Net;
  Vol: new (sx: number, sy: number, depth: number, c: number) => Vol;
  Trainer: new (net: Net, options: object) => Trainer;
}

const convnetjs = createRequire(import.meta.url)('convnetjs') as ConvNetJs;

function square(name: string, what: string, v: readonly [number, number]): number {
  if (v[0] !== v[1]) throw new Error(`${name}: ConvNetJS needs a square ${what}, not ${v[0]}x${v[1]}`);
  return v[0];
}

export function layerDefs(network: Network): object[] {
  const [c, h, w] = network.input.length === 3 ? network.input : [network.input[0]!, 1, 1];
  const defs: object[] = [{ type: 'input', out_sx: w, out_sy: h, out_depth: c }];
  const ls = network.layers;
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    const s = l.spec;
    const next = ls[i + 1]?.spec.kind;
    const relu = next === 'relu' ? { activation: 'relu' } : {};
    switch (s.kind) {
      case 'conv': {
        if (s.dilation[0] !== 1 || s.dilation[1] !== 1) throw new Error(`${l.name}: ConvNetJS has no dilation`);
        if (!s.bias) throw new Error(`${l.name}: ConvNetJS convolutions always have a bias`);
        const k = square(l.name, 'kernel', s.kernel);
        defs.push({ type: 'conv', sx: k, sy: k, filters: s.filters, stride: square(l.name, 'stride', s.stride), pad: square(l.name, 'padding', s.pad), ...relu });
        if (next === 'relu') i++;
        break;
      }
      case 'maxpool':
        defs.push({ type: 'pool', sx: square(l.name, 'window', s.kernel), stride: square(l.name, 'stride', s.stride), pad: square(l.name, 'padding', s.pad) });
        break;
      case 'flatten':
        break; // fc layers read a whole volume
      case 'dense':
        if (next === 'softmax') {
          defs.push({ type: 'softmax', num_classes: s.units });
          i++;
        } else {
          defs.push({ type: 'fc', num_neurons: s.units, ...relu });
          if (next === 'relu') i++;
        }
        break;
      case 'relu':
        defs.push({ type: 'relu' });
        break;
      default:
        throw new Error(`${l.name}: layer kind ${s.kind} not mapped to ConvNetJS by the benchmark`);
    }
  }
  return defs;
}

export const peer: Peer = {
  async init() {},

  note() {
    return 'Trainer sgd, momentum 0; batch B = B train()/forward() calls';
  },

  async prepare(net: BenchNet, mode: Mode, batch: number): Promise<Cell> {
    const network = net.network;
    const model = new convnetjs.Net();
    model.makeLayers(layerDefs(network));
    const [c, h, w] = network.input.length === 3 ? network.input : [network.input[0]!, 1, 1];
    const size = c! * h! * w!;
    const { input, labels } = makeBatch(size, batch, net.classes);
    // Vol.w is depth-fastest ((y * sx + x) * depth + d); the values are random, the layout moot.
    const vols = Array.from({ length: batch }, (_, b) => {
      const v = new convnetjs.Vol(w!, h!, c!, 0);
      v.w.set(input.subarray(b * size, (b + 1) * size));
      return v;
    });
    if (mode === 'infer') {
      return {
        run: () => {
          for (let b = 0; b < batch; b++) model.forward(vols[b]!, false);
        },
      };
    }
    const trainer = new convnetjs.Trainer(model, { method: 'sgd', learning_rate: LEARNING_RATE, momentum: 0, l2_decay: 0, batch_size: batch });
    return {
      run: () => {
        for (let b = 0; b < batch; b++) trainer.train(vols[b]!, labels[b]!);
      },
    };
  },
};
