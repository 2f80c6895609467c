#!/usr/bin/python3
"""PyTorch as an independent implementation of every layer kind: fixtures for test/torch/.

    /usr/bin/python3 scripts/make-torch-layer-fixtures.py     # writes test/fixtures-torch/layers/

Needs Debian's python3-torch (1.13; `apt-get install -y python3-torch`, then /usr/bin/python3, not
a pyenv python). The tests read the committed JSON and never run Python. Re-running gives the same
bytes (fixed seeds, one thread).

Each model below is written twice, by hand: once in .cnn and once as a torch.nn.Sequential whose
module names are the cnnc layer names, so that the state_dict names are the paramLayout names
(the test checks that, in order, with shapes). Nothing is translated from one to the other.

Per model the fixture holds, as data (the test depends on no random generator matching):
  - the parameters (torch's default initialisation, float32 values) and the inputs (U(-1, 1), float32),
    a random output gradient dOutput, and for a model with a loss a random target;
  - in float64 (the model and inputs cast exactly to double): the inference output, the training
    output, the gradients of sum(dOutput * output) for every parameter and for the input, and with a
    loss the loss value and its gradients (parameters and input);
  - per quantity, `noise`: max |float64 result - float32 result| of the same torch computation run in
    float32, the measured effect of float32 rounding, from which the test sets the float32 tolerance.
Dropout: inference mode is torch's own F.dropout(training=False). Training mode cannot use torch's
RNG, so the mask is the one cnnc's module draws: the fixture gives the PRNG state to put in ws.rng
and the mask it yields (mulberry32, as the generated code documents, reimplemented below); the test
first checks that the module draws exactly that mask, then compares.

LeNet-5 (examples/lenet5.cnn) uses the cnnc-trained weights of test/fixtures-torch/lenet5-trained
.safetensors (written by scripts/make-torch-lenet-roundtrip.py, which must run first) instead of
listing 61,706 numbers; its two large weight gradients (c5.weight, f6.weight: 58,080 numbers) are
stored factored, exactly: both layers see a 1x1 (c5) or vector (f6) output, so dW = sum over the
batch of outer(dL/dz, x), and the fixture holds torch's dL/dz and x (captured with hooks; the script
asserts the reconstruction equals torch's .grad) plus torch's own sum and sum of squares of .grad.
"""

import hashlib
import json
import os
import struct
import sys
import zlib
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures-torch', 'layers')
TRAINED = os.path.join(ROOT, 'test', 'fixtures-torch', 'lenet5-trained.safetensors')


# ---- numbers in JSON -------------------------------------------------------------------------

def f32(values):
    """float32 values as the shortest decimal that reads back (through a double) to the same float32."""
    out = []
    for v in np.asarray(values, dtype=np.float32).ravel():
        s = repr(float(str(v)))  # numpy prints the shortest float32 decimal
        if np.float32(float(s)) != v:  # double rounding: fall back to the exact double
            s = repr(float(v))
        out.append(float(s))
    return out


def f64(values):
    """float64 results to 14 significant digits: 5e-15 relative, far below every tolerance used."""
    return [float('%.14g' % v) for v in np.asarray(values, dtype=np.float64).ravel()]


def noise(a64, a32):
    return float('%.3g' % float(np.max(np.abs(np.asarray(a64, np.float64) - np.asarray(a32, np.float64)), initial=0.0)))


# ---- safetensors, read by hand (Debian bookworm has no python3-safetensors) ------------------

def read_safetensors(path):
    """{name: float32 tensor}, metadata. 8-byte little-endian header length, JSON header, raw data."""
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n].decode('utf-8'))
    metadata = header.pop('__metadata__', {})
    tensors = OrderedDict()
    for name, e in header.items():
        assert e['dtype'] == 'F32', (name, e['dtype'])
        begin, end = e['data_offsets']
        data = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype='<f4').astype(np.float32)
        tensors[name] = torch.from_numpy(data.reshape(e['shape']).copy())
    return tensors, metadata, hashlib.sha256(raw).hexdigest()


# ---- dropout with a given mask -------------------------------------------------------------

def mulberry32_mask(state, count, rate):
    """The keep pattern cnnc's dropout draws from ws.rng = state: element i is dropped when r_i < rate."""
    s = state & 0xFFFFFFFF
    keep = []
    imul = lambda a, b: (a * b) & 0xFFFFFFFF
    for _ in range(count):
        s = (s + 0x6D2B79F5) & 0xFFFFFFFF
        t = imul(s ^ (s >> 15), 1 | s)
        t = ((t + imul(t ^ (t >> 7), 61 | t)) & 0xFFFFFFFF) ^ t
        r = ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296
        keep.append(0 if r < rate else 1)
    return keep


class MaskedDropout(nn.Module):
    """Inverted dropout: in training x * keep / (1 - rate) with a mask set from outside; in eval,
    torch's own F.dropout(training=False)."""

    def __init__(self, rate):
        super().__init__()
        self.rate = rate
        self.keep = None  # (batch, *shape) of 0/1

    def forward(self, x):
        if not self.training:
            return F.dropout(x, self.rate, training=False)
        scale = torch.tensor(1 / (1 - self.rate), dtype=x.dtype)
        return x * self.keep.to(x.dtype).reshape(x.shape) * scale


# ---- the models ------------------------------------------------------------------------------

def seq(*layers):
    return nn.Sequential(OrderedDict(layers))


# name: (.cnn source, input shape, batch, torch builder, loss)
# Shapes are small on purpose: the committed fixtures stay small and the test fast.
MODELS = OrderedDict([
    ('conv-stride', ("""input 2x7x7
c: conv 3 3x3 stride 2
""", [2, 7, 7], 2, lambda: seq(('c', nn.Conv2d(2, 3, 3, stride=2))), None)),

    ('conv-stride-hw-rect', ("""input 1x8x9
c: conv 2 3x2 stride 2x3
""", [1, 8, 9], 2, lambda: seq(('c', nn.Conv2d(1, 2, (3, 2), stride=(2, 3)))), None)),

    ('conv-pad-valid', ("""input 2x5x6
c: conv 2 3x3 pad valid
""", [2, 5, 6], 2, lambda: seq(('c', nn.Conv2d(2, 2, 3, padding='valid'))), None)),

    ('conv-pad-same', ("""input 2x6x6
c: conv 3 3x3 pad same
""", [2, 6, 6], 2, lambda: seq(('c', nn.Conv2d(2, 3, 3, padding='same'))), None)),

    ('conv-pad-same-dilated-rect', ("""input 1x7x8
c: conv 2 3x5 dilation 2x1 pad same
""", [1, 7, 8], 2, lambda: seq(('c', nn.Conv2d(1, 2, (3, 5), dilation=(2, 1), padding='same'))), None)),

    # torch has no 'full': it is P = D*(F-1) per axis, here (2, 1)
    ('conv-pad-full-rect', ("""input 1x4x5
c: conv 2 3x2 pad full
""", [1, 4, 5], 2, lambda: seq(('c', nn.Conv2d(1, 2, (3, 2), padding=(2, 1)))), None)),

    ('conv-pad-explicit-hw', ("""input 2x5x6
c: conv 2 3x3 stride 2 pad 1x2
""", [2, 5, 6], 2, lambda: seq(('c', nn.Conv2d(2, 2, 3, stride=2, padding=(1, 2)))), None)),

    ('conv-dilation-pad', ("""input 2x8x8
c: conv 2 3x3 dilation 2 pad 1
""", [2, 8, 8], 2, lambda: seq(('c', nn.Conv2d(2, 2, 3, dilation=2, padding=1))), None)),

    ('conv-dilation-rect', ("""input 1x9x7
c: conv 2 2x3 dilation 3x2
""", [1, 9, 7], 2, lambda: seq(('c', nn.Conv2d(1, 2, (2, 3), dilation=(3, 2)))), None)),

    ('conv-nobias', ("""input 2x5x5
c: conv 3 3x3 nobias
""", [2, 5, 5], 2, lambda: seq(('c', nn.Conv2d(2, 3, 3, bias=False))), None)),

    ('maxpool', ("""input 2x6x6
maxpool 2
""", [2, 6, 6], 2, lambda: seq(('maxpool1', nn.MaxPool2d(2))), None)),

    ('maxpool-stride-pad', ("""input 2x7x7
maxpool 3 stride 2 pad 1
""", [2, 7, 7], 2, lambda: seq(('maxpool1', nn.MaxPool2d(3, stride=2, padding=1))), None)),

    ('maxpool-rect', ("""input 1x6x7
maxpool 2x3 stride 1x2 pad 1x1
""", [1, 6, 7], 3, lambda: seq(('maxpool1', nn.MaxPool2d((2, 3), stride=(1, 2), padding=(1, 1)))), None)),

    ('avgpool', ("""input 2x6x6
avgpool 2
""", [2, 6, 6], 2, lambda: seq(('avgpool1', nn.AvgPool2d(2))), None)),

    # cnnc divides by the whole window, padding included: count_include_pad=True (torch's default)
    ('avgpool-stride-pad', ("""input 2x7x7
avgpool 3 stride 2 pad 1
""", [2, 7, 7], 2, lambda: seq(('avgpool1', nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=True))), None)),

    ('avgpool-rect-pad', ("""input 1x5x6
avgpool 2x3 stride 2x1 pad 1x1
""", [1, 5, 6], 3, lambda: seq(('avgpool1', nn.AvgPool2d((2, 3), stride=(2, 1), padding=(1, 1), count_include_pad=True))), None)),

    ('globalavgpool', ("""input 3x4x5
c: conv 4 2x2
globalavgpool
""", [3, 4, 5], 2, lambda: seq(('c', nn.Conv2d(3, 4, 2)), ('globalavgpool1', nn.AdaptiveAvgPool2d(1)),
                               ('flatten', nn.Flatten())), None)),

    ('flatten-dense', ("""input 2x3x3
flatten
d: dense 4
""", [2, 3, 3], 2, lambda: seq(('flatten1', nn.Flatten()), ('d', nn.Linear(18, 4))), None)),

    # dense on a CxHxW input flattens first, in C, H, W order
    ('dense-on-chw', ("""input 2x3x4
d: dense 5
""", [2, 3, 4], 2, lambda: seq(('flatten', nn.Flatten()), ('d', nn.Linear(24, 5))), None)),

    ('dense-nobias', ("""input 6
d: dense 4 nobias
""", [6], 3, lambda: seq(('d', nn.Linear(6, 4, bias=False))), None)),

    ('relu', ("""input 2x4x4
c: conv 3 3x3 relu
""", [2, 4, 4], 2, lambda: seq(('c', nn.Conv2d(2, 3, 3)), ('relu1', nn.ReLU())), None)),

    ('sigmoid', ("""input 5
d: dense 6 sigmoid
""", [5], 3, lambda: seq(('d', nn.Linear(5, 6)), ('sigmoid1', nn.Sigmoid())), None)),

    ('tanh', ("""input 5
d: dense 6
tanh
""", [5], 3, lambda: seq(('d', nn.Linear(5, 6)), ('tanh1', nn.Tanh())), None)),

    ('leakyrelu-default', ("""input 2x4x4
c: conv 2 3x3 leakyrelu
""", [2, 4, 4], 2, lambda: seq(('c', nn.Conv2d(2, 2, 3)), ('leakyrelu1', nn.LeakyReLU(0.01))), None)),

    ('leakyrelu-slope', ("""input 8
d: dense 6
leakyrelu 0.2
""", [8], 3, lambda: seq(('d', nn.Linear(8, 6)), ('leakyrelu1', nn.LeakyReLU(0.2))), None)),

    ('dropout', ("""input 8
d1: dense 6 relu
dropout 0.4
d2: dense 3
""", [8], 3, lambda: seq(('d1', nn.Linear(8, 6)), ('relu1', nn.ReLU()), ('dropout1', MaskedDropout(0.4)),
                         ('d2', nn.Linear(6, 3))), None)),

    ('softmax-cross-entropy', ("""input 2x4x4
c: conv 2 3x3
flatten
d: dense 5
softmax
loss cross_entropy
""", [2, 4, 4], 3, lambda: seq(('c', nn.Conv2d(2, 2, 3)), ('flatten1', nn.Flatten()), ('d', nn.Linear(8, 5)),
                               ('softmax1', nn.Softmax(dim=1))), 'cross_entropy')),

    ('softmax-no-loss', ("""input 6
d: dense 4
softmax
""", [6], 3, lambda: seq(('d', nn.Linear(6, 4)), ('softmax1', nn.Softmax(dim=1))), None)),

    ('mse', ("""input 6
d: dense 3 tanh
loss mse
""", [6], 3, lambda: seq(('d', nn.Linear(6, 3)), ('tanh1', nn.Tanh())), 'mse')),

    ('dropout-cross-entropy', ("""input 2x5x5
c: conv 3 3x3 relu
dropout 0.5
d: dense 4
softmax
loss cross_entropy
""", [2, 5, 5], 2, lambda: seq(('c', nn.Conv2d(2, 3, 3)), ('relu1', nn.ReLU()), ('dropout1', MaskedDropout(0.5)),
                               ('flatten', nn.Flatten()), ('d', nn.Linear(27, 4)), ('softmax1', nn.Softmax(dim=1))),
                               'cross_entropy')),
])


def lenet5():
    return seq(('c1', nn.Conv2d(1, 6, 5)), ('relu1', nn.ReLU()), ('s2', nn.MaxPool2d(2)),
               ('c3', nn.Conv2d(6, 16, 5)), ('relu2', nn.ReLU()), ('s4', nn.MaxPool2d(2)),
               ('c5', nn.Conv2d(16, 120, 5)), ('relu3', nn.ReLU()), ('flatten1', nn.Flatten()),
               ('f6', nn.Linear(120, 84)), ('relu4', nn.ReLU()), ('out', nn.Linear(84, 10)),
               ('softmax1', nn.Softmax(dim=1)))


# ---- running a model -------------------------------------------------------------------------

def loss_of(model, x, target, loss):
    """The loss as LANGUAGE.md defines it, with torch's own loss functions."""
    if loss == 'cross_entropy':
        # cnnc's cross_entropy takes the probabilities after the final softmax; torch's takes the logits
        # before it (soft targets: -(1/B) sum t log softmax(z), as LANGUAGE.md)
        return F.cross_entropy(model[:-1](x), target)
    # L = (1/B) sum (y - t)^2 / 2: torch's mse_loss summed, halved, over the batch
    return 0.5 * F.mse_loss(model(x), target, reduction='sum') / x.shape[0]


def run(model, dtype, x32, d_out, target, loss, keeps):
    """Everything the fixture records, computed in `dtype` from the float32 parameters and inputs."""
    m = model.to(dtype)
    for mod in m.modules():
        if isinstance(mod, MaskedDropout):
            mod.keep = keeps[0] if keeps else None
    r = {}
    m.eval()
    with torch.no_grad():
        r['inference'] = m(x32.to(dtype)).numpy().copy()
    m.train()
    x = x32.to(dtype).detach().clone().requires_grad_(True)
    m.zero_grad()
    y = m(x)
    r['output'] = y.detach().numpy().copy()
    (y * d_out.to(dtype)).sum().backward()
    r['dParams'] = OrderedDict((k, p.grad.numpy().copy() if p.grad is not None else np.zeros(p.shape))
                               for k, p in m.named_parameters())
    r['dInput'] = x.grad.numpy().copy()
    if loss:
        x = x32.to(dtype).detach().clone().requires_grad_(True)
        m.zero_grad()
        value = loss_of(m, x, target.to(dtype), loss)
        value.backward()
        r['loss'] = float(value)
        r['lossDParams'] = OrderedDict((k, p.grad.numpy().copy()) for k, p in m.named_parameters())
        r['lossDInput'] = x.grad.numpy().copy()
    return r


def target_for(loss, gen, batch, classes):
    if loss == 'cross_entropy':
        # A distribution per sample, every class > 0, in multiples of 2^-10 so that each row sums to
        # exactly 1 in any order. That matters in float64: torch's gradient is p * sum(t) - t, the
        # exact gradient of the loss; LANGUAGE.md's (p - t)/B is that only when sum(t) = 1, and a
        # float32-rounded distribution misses 1 by ~1e-7, which the float64 tolerance would see.
        k = torch.randint(1, 64, (batch, classes), generator=gen).double()
        k = torch.floor(k / k.sum(dim=1, keepdim=True) * 1024).clamp(min=1)
        k[:, 0] += 1024 - k.sum(dim=1)
        assert bool((k >= 1).all()) and bool((k.sum(dim=1) == 1024).all())
        return (k / 1024).float()
    return (torch.rand(batch, classes, generator=gen) * 2 - 1).float()


def fixture(name, source, in_shape, batch, build, loss):
    seed = zlib.crc32(name.encode())
    torch.manual_seed(seed)
    model = build().float()
    gen = torch.Generator().manual_seed(seed + 1)  # not the initialisation's stream
    x = (torch.rand(batch, *in_shape, generator=gen) * 2 - 1).float()
    with torch.no_grad():
        out_shape = list(model.eval()(x).shape[1:])
    d_out = (torch.rand(batch, *out_shape, generator=gen) * 2 - 1).float()
    classes = int(np.prod(out_shape))
    target = target_for(loss, gen, batch, classes) if loss else None

    dropout = None
    keeps = []
    drop = [m for m in model.modules() if isinstance(m, MaskedDropout)]
    if drop:
        assert len(drop) == 1, 'one dropout layer per model: the PRNG state runs on across layers'
        # the input of the dropout layer: its shape per sample
        shape = None

        def grab(_m, inp):
            nonlocal shape
            shape = list(inp[0].shape[1:])
        h = drop[0].register_forward_pre_hook(grab)
        with torch.no_grad():
            model.eval()(x)
        h.remove()
        rng = (seed * 2654435761) & 0x7FFFFFFF
        keep = mulberry32_mask(rng, batch * int(np.prod(shape)), drop[0].rate)
        keeps = [torch.tensor(keep, dtype=torch.float32).reshape(batch, *shape)]
        dropout = {'rng': rng, 'rate': drop[0].rate, 'keep': keep}

    params = OrderedDict((k, v.detach().clone()) for k, v in model.state_dict().items())
    r64 = run(model, torch.float64, x, d_out, target, loss, keeps)
    model.load_state_dict(params)
    r32 = run(model, torch.float32, x, d_out, target, loss, keeps)
    return assemble(name, source, batch, in_shape, out_shape, params, x, d_out, target, loss, dropout, r64, r32)


def assemble(name, source, batch, in_shape, out_shape, params, x, d_out, target, loss, dropout, r64, r32,
             extra=None):
    q = OrderedDict()
    nz = OrderedDict()
    for key in ('inference', 'output', 'dInput', 'lossDInput'):
        if key not in r64:
            continue
        q[key] = f64(r64[key])
        nz[key] = noise(r64[key], r32[key])
    for key in ('dParams',) + (('lossDParams',) if loss else ()):
        if key not in r64:
            continue
        q[key] = OrderedDict((k, f64(v)) for k, v in r64[key].items() if k not in (extra or {}).get('factored', {}))
        nz[key] = OrderedDict((k, noise(v, r32[key][k])) for k, v in r64[key].items())
    if loss:
        q['loss'] = float('%.14g' % r64['loss'])
        nz['loss'] = noise([r64['loss']], [r32['loss']])
    out = OrderedDict([
        ('name', name), ('torch', torch.__version__), ('source', source), ('batch', batch),
        ('inputShape', in_shape), ('outputShape', out_shape), ('loss', loss),
        ('layout', [{'name': k, 'shape': list(v.shape)} for k, v in params.items()]),
    ])
    if extra and 'paramsFile' in extra:
        out['paramsFile'] = extra['paramsFile']
    else:
        out['params'] = OrderedDict((k, f32(v)) for k, v in params.items())
    out['input'] = f32(x)
    if d_out is not None:
        out['dOutput'] = f32(d_out)
    if target is not None:
        out['target'] = f32(target)
    if dropout:
        out['dropout'] = dropout
    out['float64'] = q
    out['noise'] = nz
    if extra and 'factored' in extra:
        out['factored'] = extra['factored']
    return out


# ---- LeNet-5 with cnnc-trained weights -------------------------------------------------------

def lenet_fixture():
    if not os.path.exists(TRAINED):
        sys.exit(f'{TRAINED} is missing: run scripts/make-torch-lenet-roundtrip.py first')
    weights, _meta, sha = read_safetensors(TRAINED)
    with open(os.path.join(ROOT, 'examples', 'lenet5.cnn')) as f:
        source = f.read()
    seed = zlib.crc32(b'lenet5')
    gen = torch.Generator().manual_seed(seed)
    batch = 2
    x = (torch.rand(batch, 1, 32, 32, generator=gen) * 2 - 1).float()
    target = target_for('cross_entropy', gen, batch, 10)
    model = lenet5()
    model.load_state_dict(weights, strict=True)
    params = OrderedDict((k, v.detach().clone()) for k, v in model.state_dict().items())

    def lenet_run(dtype):
        m = model.to(dtype)
        m.eval()
        with torch.no_grad():
            inference = m(x.to(dtype)).numpy().copy()
        m.train()
        # dL/dz and x of c5 and f6, for the factored weight gradients
        seen = {}
        hooks = []
        def capture(name):
            def hook(_mod, inp, outp):  # returns None: the output is left as it is
                seen[name + '.x'] = inp[0].detach().clone()
                outp.register_hook(lambda g: seen.__setitem__(name + '.dz', g.clone()))
            return hook

        for name in ('c5', 'f6'):
            hooks.append(getattr(m, name).register_forward_hook(capture(name)))
        xx = x.to(dtype).detach().clone().requires_grad_(True)
        m.zero_grad()
        value = loss_of(m, xx, target.to(dtype), 'cross_entropy')
        value.backward()
        for h in hooks:
            h.remove()
        grads = OrderedDict((k, p.grad.numpy().copy()) for k, p in m.named_parameters())
        factored = OrderedDict()
        for name in ('c5', 'f6'):
            dz = seen[name + '.dz'].reshape(batch, -1).numpy()
            xin = seen[name + '.x'].reshape(batch, -1).numpy()
            rebuilt = np.einsum('bo,bi->oi', dz, xin).reshape(grads[name + '.weight'].shape)
            g = grads[name + '.weight']
            err = np.max(np.abs(rebuilt - g)) / np.max(np.abs(g))
            assert err < (1e-12 if dtype == torch.float64 else 1e-5), (name, err)
            factored[name + '.weight'] = {'dz': dz, 'x': xin, 'sum': float(g.sum()), 'sumSquares': float((g * g).sum())}
        # the backward(dOutput) path is covered by the layer models; LeNet-5 is checked on lossAndGrad
        r = {'inference': inference, 'loss': float(value), 'lossDParams': grads, 'lossDInput': xx.grad.numpy().copy()}
        return r, factored

    r64, fac64 = lenet_run(torch.float64)
    model.load_state_dict(params)
    r32, fac32 = lenet_run(torch.float32)
    factored = OrderedDict()
    for k, v in fac64.items():
        factored[k] = OrderedDict([
            ('dz', f64(v['dz'])), ('x', f64(v['x'])),
            ('sum', float('%.14g' % v['sum'])), ('sumSquares', float('%.14g' % v['sumSquares'])),
        ])
    fx = assemble('lenet5', source, batch, [1, 32, 32], [10], params, x, None, target, 'cross_entropy', None,
                  r64, r32, extra={'paramsFile': {'file': 'lenet5-trained.safetensors', 'sha256': sha},
                                   'factored': factored})
    return fx


# ---- output ----------------------------------------------------------------------------------

def write(obj, file):
    text = json.dumps(obj, separators=(',', ':'))
    with open(os.path.join(OUT, file), 'w') as f:
        f.write(text + '\n')


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    for name, spec in MODELS.items():
        write(fixture(name, *spec), f'{name}.json')
    write(lenet_fixture(), 'lenet5.json')
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f'wrote {len(MODELS) + 1} fixtures to {os.path.relpath(OUT, ROOT)} ({total:,} bytes)', file=sys.stderr)


if __name__ == '__main__':
    main()
