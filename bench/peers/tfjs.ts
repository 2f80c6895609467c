// TensorFlow.js 4.22 (cpu or wasm backend): the network built with tf.layers from the checked
// Network, NHWC as TF.js wants it. Inference: softmax(model.predict(x)), read back with dataSync.
// Training step: optimizer.minimize over softmaxCrossEntropy(labels, logits) with tf.train.sgd,
// i.e. forward + backward + the update of every variable. Production mode (fewer debug checks).

import * as tf from '@tensorflow/tfjs';
import type { Layer, Network } from '../../src/network.js';
import { LEARNING_RATE, makeBatch, oneHot, type BenchNet, type Mode } from '../lib/nets.js';
import type { Cell, Peer } from './types.js';

function nhwc(shape: readonly number[]): number[] {
  if (shape.length === 3) return [shape[1]!, shape[2]!, shape[0]!];
  return [...shape];
}

/** Keras padding for a resolved padding, or an error for what tf.layers cannot express. */
function padding(layer: Layer, pad: readonly [number, number], same: boolean): 'valid' | 'same' {
  if (pad[0] === 0 && pad[1] === 0) return 'valid';
  if (same) return 'same';
  throw new Error(`${layer.name}: explicit padding has no tf.layers equivalent here`);
}

/** The layers up to the logits (the final softmax is applied outside: in the loss, or after). */
export function buildModel(network: Network): tf.LayersModel {
  const model = tf.sequential();
  const inputShape = nhwc(network.input);
  let first = true;
  const opts = (): { inputShape?: number[] } => {
    if (!first) return {};
    first = false;
    return { inputShape };
  };
  const ls = network.layers;
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    const s = l.spec;
    const nextRelu = ls[i + 1]?.spec.kind === 'relu';
    const act = nextRelu ? 'relu' : 'linear';
    switch (s.kind) {
      case 'conv':
        model.add(
          tf.layers.conv2d({
            ...opts(),
            filters: s.filters,
            kernelSize: [...s.kernel],
            strides: [...s.stride],
            dilationRate: [...s.dilation],
            padding: padding(l, s.pad, s.padMode === 'same'),
            useBias: s.bias,
            activation: act,
          }),
        );
        if (nextRelu) i++;
        break;
      case 'maxpool':
        model.add(tf.layers.maxPooling2d({ ...opts(), poolSize: [...s.kernel], strides: [...s.stride], padding: padding(l, s.pad, false) }));
        break;
      case 'flatten':
        model.add(tf.layers.flatten(opts()));
        break;
      case 'dense':
        if (l.input.length === 3) model.add(tf.layers.flatten(opts()));
        model.add(tf.layers.dense({ ...opts(), units: s.units, useBias: s.bias, activation: act }));
        if (nextRelu) i++;
        break;
      case 'relu':
        model.add(tf.layers.reLU(opts()));
        break;
      case 'softmax':
        if (i !== ls.length - 1) throw new Error('softmax before the end');
        break;
      default:
        throw new Error(`${l.name}: layer kind ${s.kind} not mapped to tf.layers by the benchmark`);
    }
  }
  return model;
}

/** NCHW sample data to an NHWC tensor. */
function toNhwc(input: Float32Array, batch: number, shape: readonly number[]): tf.Tensor {
  const t = tf.tensor(input, [batch, ...shape]);
  if (shape.length !== 3) return t;
  const r = tf.transpose(t, [0, 2, 3, 1]);
  t.dispose();
  return r;
}

export function tfjsPeer(backend: 'cpu' | 'wasm', setup: () => Promise<string>): Peer {
  let setupNote = '';
  return {
    async init() {
      setupNote = await setup();
      if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not initialise`);
      await tf.ready();
      tf.enableProdMode();
    },

    note() {
      return `tf.layers + ${backend} backend, prod mode${setupNote ? `; ${setupNote}` : ''}`;
    },

    async prepare(net: BenchNet, mode: Mode, batch: number): Promise<Cell> {
      const network = net.network;
      const model = buildModel(network);
      const size = network.input.reduce((a, b) => a * b, 1);
      const { input, labels } = makeBatch(size, batch, net.classes);
      const x = toNhwc(input, batch, network.input);
      const dispose = (): void => {
        x.dispose();
        model.dispose();
      };
      if (mode === 'infer') {
        return {
          run: () => {
            const y = tf.tidy(() => tf.softmax(model.predict(x) as tf.Tensor));
            y.dataSync();
            y.dispose();
          },
          dispose,
        };
      }
      const y = tf.tensor(oneHot(labels, net.classes), [batch, net.classes]);
      const optimizer = tf.train.sgd(LEARNING_RATE);
      const step = (): void => {
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
      };
      // A backend without a gradient kernel throws on the first call, and the cell says so.
      let tensors = -1;
      return {
        run: () => {
          step();
          if (tensors < 0) tensors = tf.memory().numTensors;
        },
        dispose: () => {
          const leaked = tf.memory().numTensors - tensors;
          if (leaked !== 0) throw new Error(`the training step leaks ${leaked} tensors per call`);
          y.dispose();
          optimizer.dispose();
          dispose();
        },
      };
    },
  };
}
