// The same network in TensorFlow.js (cpu backend, float32), an implementation independent of both
// the reference interpreter and the code generator. Parameters enter in PyTorch layout (conv
// [O,I,KH,KW], dense [out,in]) and are rearranged inside the differentiated function, so TF's
// gradients come back in the same flat layout as ours.
//
// Choices, forced by TF.js 4.22:
// - Activations run NHWC: the cpu backend's pooling kernels only take NHWC. The input is
//   transposed from NCHW on entry, and back to NCHW before `flatten`/`dense` (which must see C,H,W
//   order) and at the output.
// - Padding is explicit, with tf.pad: zeros for conv and avgpool (so avgpool's divisor is the whole
//   window, padding included), -Infinity for maxpool; then the TF op runs with 'valid'.
// - Dilation: TF.js has no gradient for dilated conv2d (and refuses stride > 1 with dilation > 1),
//   so a dilated kernel is built explicitly by interleaving zeros (differentiably: reshape, pad,
//   reshape, slice) and run as an ordinary, possibly strided, conv. This covers every combination.
// - Dropout in training mode multiplies by the caller's 0/1 keep-mask times 1/(1 - rate); without
//   a mask (or in inference) it is the identity.

import * as tf from '@tensorflow/tfjs';
import type { LayerSpec, Network } from '../../src/network.js';

let ready: Promise<void> | undefined;

/** Selects the pure-JS cpu backend once; prod mode silences the "install tfjs-node" hint. */
export function tfReady(): Promise<void> {
  ready ??= (async () => {
    tf.enableProdMode();
    await tf.setBackend('cpu');
  })();
  return ready;
}

export interface TfOptions {
  readonly training?: boolean;
  readonly dropoutMasks?: readonly Float64Array[];
}

/** What the gradient is taken of: a declared loss against `target`, or sum(output * dOutput). */
export type TfObjective =
  | { readonly loss: 'cross_entropy' | 'mse'; readonly target: ArrayLike<number> }
  | { readonly dOutput: ArrayLike<number> };

export interface TfResult {
  readonly output: Float64Array;
  readonly loss?: number;
  readonly dParams: Float64Array;
  readonly dInput: Float64Array;
}

type Layout = 'nhwc' | 'vec';

function dilateKernel(w: tf.Tensor4D, dh: number, dw: number): tf.Tensor4D {
  if (dh === 1 && dw === 1) return w;
  const [o, i, kh, kw] = w.shape;
  const stuffed = tf
    .reshape(w, [o, i, kh, 1, kw, 1])
    .pad([[0, 0], [0, 0], [0, 0], [0, dh - 1], [0, 0], [0, dw - 1]])
    .reshape([o, i, kh * dh, kw * dw]);
  return tf.slice(stuffed, [0, 0, 0, 0], [o, i, (kh - 1) * dh + 1, (kw - 1) * dw + 1]) as tf.Tensor4D;
}

function toNchwFlat(x: tf.Tensor, layout: Layout, batch: number): tf.Tensor2D {
  const t = layout === 'nhwc' ? tf.transpose(x, [0, 3, 1, 2]) : x;
  return tf.reshape(t, [batch, -1]);
}

/** Builds the network's forward function over (input, ...params), returning [batch, outSize]. */
function forwardFn(network: Network, batch: number, opts: TfOptions) {
  return (x: tf.Tensor, params: readonly tf.Tensor[]): tf.Tensor2D => {
    let h: tf.Tensor;
    let layout: Layout;
    if (network.input.length === 3) {
      h = tf.transpose(tf.reshape(x, [batch, ...network.input]), [0, 2, 3, 1]);
      layout = 'nhwc';
    } else {
      h = tf.reshape(x, [batch, network.input[0]!]);
      layout = 'vec';
    }
    let pi = 0;
    let dropoutIndex = 0;
    for (const layer of network.layers) {
      const spec: LayerSpec = layer.spec;
      const w = layer.params.length > 0 ? params[pi++] : undefined;
      const b = layer.params.length > 1 ? params[pi++] : undefined;
      switch (spec.kind) {
        case 'conv': {
          const k = tf.transpose(dilateKernel(w as tf.Tensor4D, spec.dilation[0], spec.dilation[1]), [2, 3, 1, 0]);
          const padded = tf.pad(h, [[0, 0], [spec.pad[0], spec.pad[0]], [spec.pad[1], spec.pad[1]], [0, 0]]);
          h = tf.conv2d(padded as tf.Tensor4D, k as tf.Tensor4D, [spec.stride[0], spec.stride[1]], 'valid');
          if (b) h = tf.add(h, b);
          break;
        }
        case 'maxpool':
        case 'avgpool': {
          const fill = spec.kind === 'maxpool' ? -Infinity : 0;
          const padded = tf.pad(h, [[0, 0], [spec.pad[0], spec.pad[0]], [spec.pad[1], spec.pad[1]], [0, 0]], fill);
          const pool = spec.kind === 'maxpool' ? tf.maxPool : tf.avgPool;
          h = pool(padded as tf.Tensor4D, [spec.kernel[0], spec.kernel[1]], [spec.stride[0], spec.stride[1]], 'valid');
          break;
        }
        case 'globalavgpool':
          h = tf.mean(h, [1, 2]);
          layout = 'vec';
          break;
        case 'flatten':
          h = toNchwFlat(h, layout, batch);
          layout = 'vec';
          break;
        case 'dense':
          h = tf.matMul(toNchwFlat(h, layout, batch), tf.transpose(w!)); // [out,in] -> [in,out]
          layout = 'vec';
          if (b) h = tf.add(h, b);
          break;
        case 'relu':
          h = tf.relu(h);
          break;
        case 'leakyrelu':
          h = tf.leakyRelu(h, spec.slope);
          break;
        case 'sigmoid':
          h = tf.sigmoid(h);
          break;
        case 'tanh':
          h = tf.tanh(h);
          break;
        case 'dropout': {
          const mask = opts.training ? opts.dropoutMasks?.[dropoutIndex] : undefined;
          dropoutIndex++;
          if (mask === undefined) break;
          let m: tf.Tensor = tf.tensor(Float32Array.from(mask, (v) => v / (1 - spec.rate)), [batch, ...layer.input]);
          if (layout === 'nhwc') m = tf.transpose(m, [0, 2, 3, 1]);
          h = tf.mul(h, m);
          break;
        }
        case 'softmax':
          h = tf.softmax(h);
          break;
      }
    }
    return toNchwFlat(h, layout, batch);
  };
}

function paramTensors(network: Network, params: ArrayLike<number>): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  let off = 0;
  for (const layer of network.layers)
    for (const p of layer.params) {
      out.push(tf.tensor(Float32Array.from({ length: p.size }, (_, i) => params[off + i]!), [...p.shape]));
      off += p.size;
    }
  return out;
}

function objective(out: tf.Tensor2D, obj: TfObjective, batch: number): tf.Scalar {
  if ('dOutput' in obj) return tf.sum(tf.mul(out, tf.tensor(Float32Array.from(obj.dOutput), out.shape)));
  const t = tf.tensor(Float32Array.from(obj.target), out.shape);
  if (obj.loss === 'mse') return tf.div(tf.sum(tf.square(tf.sub(out, t))), 2 * batch);
  // -(1/B) sum t log p; t = 0 entries are masked so that 0 * log 0 cannot give NaN
  return tf.div(tf.neg(tf.sum(tf.where(tf.greater(t, 0), tf.mul(t, tf.log(out)), tf.zerosLike(t)))), batch);
}

/** Forward only (no gradients). */
export function tfForward(network: Network, params: ArrayLike<number>, input: ArrayLike<number>, batch: number, opts: TfOptions = {}): Float64Array {
  let out: Float64Array | undefined;
  tf.tidy(() => {
    const fn = forwardFn(network, batch, opts);
    out = Float64Array.from(fn(tf.tensor(Float32Array.from(input)), paramTensors(network, params)).dataSync());
  });
  return out!;
}

/** Forward, the objective, and its gradient w.r.t. every parameter (flat layout) and the input. */
export function tfGradients(
  network: Network,
  params: ArrayLike<number>,
  input: ArrayLike<number>,
  batch: number,
  obj: TfObjective,
  opts: TfOptions = {},
): TfResult {
  let result: TfResult | undefined;
  tf.tidy(() => {
    const fn = forwardFn(network, batch, opts);
    const x = tf.tensor(Float32Array.from(input));
    const ps = paramTensors(network, params);
    let output: Float64Array | undefined;
    let loss: number | undefined;
    const f = (...args: tf.Tensor[]): tf.Scalar => {
      const out = fn(args[0]!, args.slice(1));
      output = Float64Array.from(out.dataSync());
      const s = objective(out, obj, batch);
      if ('loss' in obj) loss = s.dataSync()[0];
      return s;
    };
    const grads = tf.grads(f)([x, ...ps]);
    const dParams = new Float64Array(network.paramCount);
    let off = 0;
    for (const g of grads.slice(1)) {
      dParams.set(g.dataSync(), off);
      off += g.size;
    }
    result = { output: output!, ...(loss === undefined ? {} : { loss }), dParams, dInput: Float64Array.from(grads[0]!.dataSync()) };
  });
  return result!;
}
