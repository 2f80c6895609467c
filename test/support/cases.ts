// A table of small networks: every layer kind and every option on its own, then in stacks. Shared
// by the reference tests (against TF.js and finite differences) and the generated-module tests.
// Spatial sizes are small so a case costs milliseconds in every implementation.

import type { NetDesc } from './net.js';

export interface Case {
  readonly name: string;
  readonly net: NetDesc;
}

const c = (name: string, net: NetDesc): Case => ({ name, net: { name: `t_${name.replace(/[^A-Za-z0-9_]/g, '_')}`, ...net } });

export const LAYER_CASES: readonly Case[] = [
  // conv
  c('conv 3x3', { input: [2, 6, 6], layers: [{ kind: 'conv', filters: 3, kernel: 3 }], loss: 'mse' }),
  c('conv 1x1', { input: [3, 4, 4], layers: [{ kind: 'conv', filters: 2, kernel: 1 }], loss: 'mse' }),
  c('conv rect kernel 3x2', { input: [2, 5, 6], layers: [{ kind: 'conv', filters: 2, kernel: [3, 2] }], loss: 'mse' }),
  c('conv stride 2', { input: [2, 7, 7], layers: [{ kind: 'conv', filters: 2, kernel: 3, stride: 2 }], loss: 'mse' }),
  c('conv stride 2x1 uneven', { input: [1, 8, 6], layers: [{ kind: 'conv', filters: 2, kernel: 3, stride: [2, 1] }], loss: 'mse' }),
  c('conv pad 1', { input: [2, 5, 5], layers: [{ kind: 'conv', filters: 3, kernel: 3, pad: 1 }], loss: 'mse' }),
  c('conv pad 2x1 kernel 5x3', { input: [1, 6, 5], layers: [{ kind: 'conv', filters: 2, kernel: [5, 3], pad: [2, 1] }], loss: 'mse' }),
  c('conv pad same', { input: [2, 5, 6], layers: [{ kind: 'conv', filters: 2, kernel: 3, pad: 'same' }], loss: 'mse' }),
  c('conv pad same 5x3', { input: [1, 5, 5], layers: [{ kind: 'conv', filters: 2, kernel: [5, 3], pad: 'same' }], loss: 'mse' }),
  c('conv pad full', { input: [2, 4, 5], layers: [{ kind: 'conv', filters: 2, kernel: [2, 3], pad: 'full' }], loss: 'mse' }),
  c('conv pad with stride', { input: [2, 6, 6], layers: [{ kind: 'conv', filters: 2, kernel: 3, stride: 2, pad: 1 }], loss: 'mse' }),
  c('conv dilation 2', { input: [2, 7, 7], layers: [{ kind: 'conv', filters: 2, kernel: 3, dilation: 2 }], loss: 'mse' }),
  c('conv dilation 1x2', { input: [1, 5, 7], layers: [{ kind: 'conv', filters: 2, kernel: [2, 3], dilation: [1, 2] }], loss: 'mse' }),
  c('conv dilation same', { input: [1, 6, 6], layers: [{ kind: 'conv', filters: 2, kernel: 3, dilation: 2, pad: 'same' }], loss: 'mse' }),
  c('conv dilation full', { input: [1, 4, 4], layers: [{ kind: 'conv', filters: 2, kernel: 2, dilation: 2, pad: 'full' }], loss: 'mse' }),
  c('conv dilation and stride', {
    input: [2, 9, 8],
    layers: [{ kind: 'conv', filters: 2, kernel: 3, dilation: 2, stride: 2, pad: 1 }],
    loss: 'mse',
  }),
  c('conv 1x1 stride 2 skips inputs', {
    input: [2, 5, 5],
    layers: [{ kind: 'conv', filters: 2, kernel: 1, stride: 2 }, { kind: 'dense', units: 3 }],
    loss: 'mse',
  }),
  c('conv 1x1 stride 2 skips inputs, small dense', {
    input: [1, 1, 5],
    layers: [{ kind: 'conv', filters: 1, kernel: 1, stride: 2 }, { kind: 'dense', units: 2 }],
    loss: 'mse',
  }),
  c('conv 1x1 stride 2 on width 2, dense after', {
    input: [1, 1, 2],
    layers: [{ kind: 'conv', filters: 1, kernel: 1, stride: 2, bias: false }, { kind: 'dense', units: 2 }],
    loss: 'mse',
  }),
  c('conv 2x2 stride 3 skips inputs', { input: [1, 7, 8], layers: [{ kind: 'conv', filters: 2, kernel: 2, stride: 3 }], loss: 'mse' }),
  c('conv nobias', { input: [2, 5, 5], layers: [{ kind: 'conv', filters: 3, kernel: 3, bias: false }], loss: 'mse' }),
  c('conv kernel = input', { input: [2, 3, 4], layers: [{ kind: 'conv', filters: 3, kernel: [3, 4] }], loss: 'mse' }),
  // pooling
  c('maxpool 2x2', { input: [2, 6, 6], layers: [{ kind: 'maxpool', kernel: 2 }], loss: 'mse' }),
  c('maxpool 3 stride 2 pad 1', { input: [2, 7, 6], layers: [{ kind: 'maxpool', kernel: 3, stride: 2, pad: 1 }], loss: 'mse' }),
  c('maxpool 2x3 stride 1x2', { input: [1, 5, 7], layers: [{ kind: 'maxpool', kernel: [2, 3], stride: [1, 2] }], loss: 'mse' }),
  c('maxpool overlapping stride 1', { input: [2, 4, 4], layers: [{ kind: 'maxpool', kernel: 2, stride: 1 }], loss: 'mse' }),
  c('maxpool 1 stride 2 skips inputs', { input: [2, 5, 4], layers: [{ kind: 'maxpool', kernel: 1, stride: 2 }, { kind: 'dense', units: 2 }], loss: 'mse' }),
  c('maxpool uneven', { input: [1, 7, 5], layers: [{ kind: 'maxpool', kernel: 2 }], loss: 'mse' }),
  c('maxpool after relu (ties at 0)', {
    input: [2, 6, 6],
    layers: [{ kind: 'conv', filters: 2, kernel: 3, pad: 1 }, { kind: 'relu' }, { kind: 'maxpool', kernel: 3, stride: 1, pad: 1 }],
    loss: 'mse',
  }),
  c('avgpool 2x2', { input: [2, 6, 6], layers: [{ kind: 'avgpool', kernel: 2 }], loss: 'mse' }),
  c('avgpool 3 stride 2 pad 1', { input: [2, 7, 6], layers: [{ kind: 'avgpool', kernel: 3, stride: 2, pad: 1 }], loss: 'mse' }),
  c('avgpool 3x2 pad 1x1', { input: [1, 5, 5], layers: [{ kind: 'avgpool', kernel: [3, 2], stride: [1, 2], pad: [1, 1] }], loss: 'mse' }),
  c('avgpool 2 stride 3 skips inputs', { input: [1, 8, 7], layers: [{ kind: 'avgpool', kernel: 2, stride: 3 }, { kind: 'dense', units: 2 }], loss: 'mse' }),
  c('globalavgpool', { input: [3, 4, 5], layers: [{ kind: 'globalavgpool' }], loss: 'mse' }),
  // vectors
  c('flatten', { input: [2, 3, 4], layers: [{ kind: 'flatten' }], loss: 'mse' }),
  c('flatten + dense', { input: [2, 3, 3], layers: [{ kind: 'flatten' }, { kind: 'dense', units: 4 }], loss: 'mse' }),
  c('dense on CxHxW', { input: [3, 2, 4], layers: [{ kind: 'dense', units: 5 }], loss: 'mse' }),
  c('dense on vector', { input: [7], layers: [{ kind: 'dense', units: 3 }], loss: 'mse' }),
  c('dense nobias', { input: [2, 2, 3], layers: [{ kind: 'dense', units: 4, bias: false }], loss: 'mse' }),
  // activations, on feature maps and on vectors
  c('relu', { input: [2, 3, 3], layers: [{ kind: 'conv', filters: 2, kernel: 2 }, { kind: 'relu' }], loss: 'mse' }),
  c('sigmoid', { input: [2, 3, 3], layers: [{ kind: 'conv', filters: 2, kernel: 2 }, { kind: 'sigmoid' }], loss: 'mse' }),
  c('tanh', { input: [6], layers: [{ kind: 'dense', units: 4 }, { kind: 'tanh' }], loss: 'mse' }),
  c('leakyrelu default', { input: [2, 3, 3], layers: [{ kind: 'conv', filters: 2, kernel: 2 }, { kind: 'leakyrelu' }], loss: 'mse' }),
  c('leakyrelu 0.2', { input: [6], layers: [{ kind: 'dense', units: 5 }, { kind: 'leakyrelu', slope: 0.2 }], loss: 'mse' }),
  // dropout (inference here; training with masks in the tests that can align them)
  c('dropout 0.5', { input: [2, 3, 3], layers: [{ kind: 'conv', filters: 2, kernel: 2 }, { kind: 'dropout', rate: 0.5 }], loss: 'mse' }),
  c('dropout on vector', { input: [6], layers: [{ kind: 'dense', units: 5 }, { kind: 'dropout', rate: 0.25 }, { kind: 'dense', units: 3 }], loss: 'mse' }),
  // softmax and the losses
  c('softmax + cross_entropy', { input: [5], layers: [{ kind: 'dense', units: 4 }, { kind: 'softmax' }], loss: 'cross_entropy' }),
  c('softmax + mse', { input: [5], layers: [{ kind: 'dense', units: 4 }, { kind: 'softmax' }], loss: 'mse' }),
  c('softmax without loss', { input: [5], layers: [{ kind: 'dense', units: 3 }, { kind: 'softmax' }] }),
];

export const STACK_CASES: readonly Case[] = [
  c('tiny lenet', {
    input: [1, 12, 12],
    layers: [
      { kind: 'conv', filters: 3, kernel: 3 }, { kind: 'relu' }, { kind: 'maxpool', kernel: 2 },
      { kind: 'conv', filters: 4, kernel: 3 }, { kind: 'relu' }, { kind: 'maxpool', kernel: 2 },
      { kind: 'flatten' }, { kind: 'dense', units: 6 }, { kind: 'relu' }, { kind: 'dense', units: 3 }, { kind: 'softmax' },
    ],
    loss: 'cross_entropy',
  }),
  c('all-conv with global pooling', {
    input: [2, 9, 9],
    layers: [
      { kind: 'conv', filters: 3, kernel: 3, pad: 'same' }, { kind: 'tanh' },
      { kind: 'conv', filters: 4, kernel: 3, stride: 2, pad: 1, bias: false }, { kind: 'leakyrelu', slope: 0.1 },
      { kind: 'avgpool', kernel: 2, stride: 1 },
      { kind: 'conv', filters: 3, kernel: [1, 3], dilation: [1, 2], pad: 'full' }, { kind: 'sigmoid' },
      { kind: 'globalavgpool' }, { kind: 'softmax' },
    ],
    loss: 'cross_entropy',
  }),
  c('factorised kernels', {
    input: [1, 8, 8],
    layers: [
      { name: 'a', kind: 'conv', filters: 2, kernel: [3, 1], pad: [1, 0] }, { kind: 'relu' },
      { name: 'b', kind: 'conv', filters: 2, kernel: [1, 3], pad: [0, 1] }, { kind: 'relu' },
      { kind: 'maxpool', kernel: 3, stride: 2, pad: 1 }, { kind: 'dropout', rate: 0.3 },
      { kind: 'dense', units: 5, bias: false }, { kind: 'tanh' }, { kind: 'dense', units: 2 },
    ],
    loss: 'mse',
  }),
  c('vector mlp', {
    input: [10],
    layers: [
      { kind: 'dense', units: 8 }, { kind: 'sigmoid' }, { kind: 'dropout', rate: 0.5 },
      { kind: 'dense', units: 6 }, { kind: 'leakyrelu' }, { kind: 'dense', units: 4 }, { kind: 'softmax' },
    ],
    loss: 'cross_entropy',
  }),
  c('2-D input shape', {
    input: [6, 6],
    layers: [{ kind: 'conv', filters: 2, kernel: 3 }, { kind: 'avgpool', kernel: 2 }, { kind: 'dense', units: 3 }],
    loss: 'mse',
  }),
];
