// Small models that together use every layer kind, option and loss of LANGUAGE.md, for gradient
// checks that run in a second or two each.

export const LAYER_MODELS: Record<string, string> = {
  // strided, dilated and padded convolutions, tanh / leaky ReLU / sigmoid, average pooling with
  // padding, a kernel that is not square, nobias, and mean squared error
  'kinds-mse': `
network kinds
input 2x11x11
a: conv 4 3x3 stride 2 pad 1 tanh
b: conv 5 3x3 dilation 2 pad same leakyrelu 0.1
avgpool 2 pad 1
c: conv 3 1x3 nobias sigmoid
dense 6 tanh
dense 3
loss mse
`,
  // overlapping, padded max pooling, the full (wide) convolution, global average pooling,
  // dropout, a dense layer without bias, and the fused softmax + cross-entropy
  'pools-ce': `
network pools
input 3x9x9
conv 4 3x3 pad full relu
maxpool 3 stride 2 pad 1
conv 6 2x2 relu
globalavgpool
dropout 0.3
dense 5 nobias
softmax
loss cross_entropy
`,
  // a vector input, dropout between dense layers, an activation on its own line, and softmax
  // without a loss (its own backward pass, not the fused one)
  'vector-softmax': `
network vector
input 12
dense 8 relu
dropout 0.5
dense 8
sigmoid
dense 4
softmax
`,
};
