// Small networks covering every layer kind and every option on its own, and a few stacks. Each is
// a .cnn source; `loss` cases are checked through lossAndGrad, the others through backward().

export interface Case {
  readonly name: string;
  readonly src: string;
  readonly loss?: boolean;
}

const net = (input: string, ...lines: string[]): string => `input ${input}\n${lines.join('\n')}\n`;

export const LAYER_CASES: readonly Case[] = [
  // conv and each of its options
  { name: 'conv 3x3 valid', src: net('2x7x6', 'conv 3 3x3') },
  { name: 'conv 1x1', src: net('3x4x5', 'conv 4 1') },
  { name: 'conv rectangular 3x2', src: net('2x6x7', 'conv 3 3x2') },
  { name: 'conv stride 2', src: net('2x9x8', 'conv 3 3x3 stride 2') },
  { name: 'conv stride 2x1', src: net('2x9x8', 'conv 2 3x3 stride 2x1') },
  { name: 'conv stride 3 > kernel 2', src: net('2x10x11', 'conv 2 2x2 stride 3') },
  { name: 'conv pad 1', src: net('2x6x6', 'conv 3 3x3 pad 1') },
  { name: 'conv pad 2x1 explicit', src: net('1x6x7', 'conv 2 3x3 pad 2x1') },
  { name: 'conv pad same 5x5', src: net('2x7x7', 'conv 2 5x5 pad same') },
  { name: 'conv pad full', src: net('2x5x4', 'conv 2 3x3 pad full') },
  { name: 'conv dilation 2', src: net('2x9x9', 'conv 2 3x3 dilation 2') },
  { name: 'conv dilation 2x1 pad same', src: net('1x8x8', 'conv 2 3x3 dilation 2x1 pad same') },
  { name: 'conv stride 2 pad 1 dilation 2', src: net('2x11x10', 'conv 3 3x3 stride 2 pad 1 dilation 2') },
  { name: 'conv stride 2 pad 2 (uneven)', src: net('1x10x9', 'conv 2 4x3 stride 2 pad 2') },
  { name: 'conv nobias', src: net('2x6x6', 'conv 5 3x3 nobias') },
  { name: 'conv 6 filters (remainder block)', src: net('3x6x6', 'conv 6 3x3 pad 1') },
  { name: 'conv 9 channels (remainder block)', src: net('9x5x5', 'conv 3 3x3') },
  { name: 'conv window fills the input', src: net('2x3x3', 'conv 2 3x3') },
  { name: 'conv 1x1 stride 2 (skips inputs)', src: net('1x1x5', 'conv 1 1x1 stride 2', 'dense 2') },
  { name: 'conv 1x3 stride 2 pad 0x1', src: net('2x3x7', 'conv 2 1x3 stride 2 pad 0x1') },
  { name: 'conv 5x5 pad 1 (small output)', src: net('2x6x6', 'conv 2 5x5 pad 1') },
  { name: 'conv stride 2 pad 1 dilation 3', src: net('2x9x9', 'conv 2 3x3 stride 2 pad 1 dilation 3') },
  { name: 'conv + relu', src: net('2x6x6', 'conv 3 3x3 pad 1 relu') },
  { name: 'conv + sigmoid', src: net('2x6x6', 'conv 3 3x3 sigmoid') },
  { name: 'conv + tanh', src: net('2x6x6', 'conv 3 3x3 tanh') },
  { name: 'conv + leakyrelu 0.2', src: net('2x6x6', 'conv 3 3x3 leakyrelu 0.2') },
  // pooling
  { name: 'maxpool 2', src: net('2x6x6', 'maxpool 2') },
  { name: 'maxpool 3 stride 2 (overlap)', src: net('2x7x7', 'maxpool 3 stride 2') },
  { name: 'maxpool 3 stride 1 pad 1', src: net('2x5x5', 'maxpool 3 stride 1 pad 1') },
  { name: 'maxpool 2x3 stride 1x2', src: net('1x6x7', 'maxpool 2x3 stride 1x2') },
  { name: 'maxpool 2 uneven', src: net('1x7x5', 'maxpool 2') },
  { name: 'maxpool 1 stride 2', src: net('2x5x4', 'maxpool 1 stride 2') },
  { name: 'avgpool 1x2 stride 2 pad 0x1', src: net('1x3x5', 'avgpool 1x2 stride 2 pad 0x1') },
  { name: 'avgpool 2', src: net('2x6x6', 'avgpool 2') },
  { name: 'avgpool 3 stride 2 pad 1', src: net('2x7x6', 'avgpool 3 stride 2 pad 1') },
  { name: 'avgpool 3x2 stride 1', src: net('1x5x6', 'avgpool 3x2 stride 1') },
  { name: 'globalavgpool', src: net('3x4x5', 'globalavgpool') },
  // dense, flatten
  { name: 'dense', src: net('7', 'dense 5') },
  { name: 'dense nobias', src: net('6', 'dense 3 nobias') },
  { name: 'dense on CxHxW', src: net('2x3x3', 'dense 4') },
  { name: 'flatten + dense', src: net('2x3x2', 'flatten', 'dense 3 relu') },
  { name: 'dense 9 units, 19 inputs (remainders)', src: net('19', 'dense 9 tanh') },
  // activations on their own
  { name: 'relu', src: net('2x3x3', 'relu') },
  { name: 'sigmoid', src: net('10', 'sigmoid') },
  { name: 'tanh', src: net('2x2x3', 'tanh') },
  { name: 'leakyrelu', src: net('10', 'leakyrelu') },
  { name: 'maxpool + leakyrelu 0.3 (standalone, from x)', src: net('2x4x4', 'maxpool 2', 'leakyrelu 0.3') },
  { name: 'dense + standalone sigmoid', src: net('6', 'dense 4', 'sigmoid') },
  // dropout (training mode, masks replayed)
  { name: 'dropout 0.5', src: net('12', 'dense 8', 'dropout 0.5', 'dense 3') },
  { name: 'dropout 0', src: net('5', 'dropout 0', 'dense 2') },
  // softmax and the losses
  { name: 'softmax (JVP backward)', src: net('6', 'dense 4', 'softmax') },
  { name: 'softmax + cross_entropy', src: net('6', 'dense 4', 'softmax', 'loss cross_entropy'), loss: true },
  { name: 'mse', src: net('6', 'dense 3 tanh', 'loss mse'), loss: true },
  { name: 'softmax + mse', src: net('5', 'dense 4', 'softmax', 'loss mse'), loss: true },
];

export const STACK_CASES: readonly Case[] = [
  {
    name: 'small LeNet',
    src: net('1x12x12', 'c1: conv 4 3x3 relu', 'maxpool 2', 'conv 6 3x3 pad 1 tanh', 'avgpool 2', 'flatten', 'dense 8 relu', 'dense 3', 'softmax', 'loss cross_entropy'),
    loss: true,
  },
  {
    name: 'strided and dilated stack',
    src: net('3x11x11', 'conv 4 3x3 stride 2 pad 1 leakyrelu 0.1', 'conv 5 3x3 dilation 2 pad same sigmoid', 'maxpool 2 stride 1', 'globalavgpool', 'dropout 0.3', 'dense 4'),
  },
  {
    name: 'factorised convolutions',
    src: net('2x8x8', 'conv 3 1x5 pad 0x2 relu', 'conv 3 5x1 pad 2x0 relu', 'conv 4 1x1 nobias', 'avgpool 3 stride 2 pad 1', 'dense 3', 'softmax', 'loss cross_entropy'),
    loss: true,
  },
];
