#!/usr/bin/python3
"""Reference files for test/runtime, written by PyTorch (Debian's python3-torch 1.13).

    /usr/bin/python3 scripts/make-torch-fixtures.py      # writes test/fixtures-runtime/

The tests read the committed output; they never run Python. Re-running gives the same bytes.

Debian bookworm packages no python3-safetensors, so the .safetensors files are written here by
hand from the format's public specification (8-byte little-endian header length, JSON header
padded with spaces to 8-byte alignment, raw little-endian row-major data), laid out the way the
official library lays them out: tensors sorted by name (all have one dtype), "__metadata__"
{"format": "pt"} first in the header. That order differs from cnnc's layout order on purpose.
"""

import json
import os
import re
import struct
import sys

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures-runtime')
DTYPES = {torch.float32: 'F32', torch.float64: 'F64', torch.float16: 'F16'}


def write_safetensors(path, tensors, metadata):
    names = sorted(tensors)
    header = {'__metadata__': metadata}
    offset = 0
    blobs = []
    for name in names:
        t = tensors[name].detach().contiguous()
        # numpy's '<' byte order makes the data little-endian whatever the host is
        blob = t.numpy().astype(t.numpy().dtype.newbyteorder('<')).tobytes()
        header[name] = {'dtype': DTYPES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path, dtype):
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n].decode('utf-8'))
    header.pop('__metadata__', None)
    out = {}
    for name, e in header.items():
        begin, end = e['data_offsets']
        data = bytearray(raw[8 + n + begin:8 + n + end])
        out[name] = torch.frombuffer(data, dtype=dtype).reshape(e['shape']).clone()
    return out


class Small(torch.nn.Module):
    """The shapes of a tiny cnnc network: conv 2 3x3 on 1x4x4 input, then dense 3 over 8 inputs."""

    def __init__(self):
        super().__init__()
        self.c1 = torch.nn.Conv2d(1, 2, 3)
        self.d1 = torch.nn.Linear(8, 3)


def state_dict_fixtures():
    torch.manual_seed(1)
    sd = Small().state_dict()
    layout, offset = [], 0
    for name, t in sd.items():  # registration order: c1.weight, c1.bias, d1.weight, d1.bias
        layout.append({'name': name, 'offset': offset, 'shape': list(t.shape)})
        offset += t.numel()
    values = {name: t.flatten().tolist() for name, t in sd.items()}  # float32 values, exact as doubles
    meta = {'format': 'pt'}
    write_safetensors(os.path.join(OUT, 'state_dict.safetensors'), sd, meta)
    write_safetensors(os.path.join(OUT, 'state_dict_f64.safetensors'), {k: v.double() for k, v in sd.items()}, meta)
    write_safetensors(os.path.join(OUT, 'state_dict_f16.safetensors'), {k: v.half() for k, v in sd.items()}, meta)
    for suffix, dtype in (('', torch.float32), ('_f64', torch.float64)):  # the writer, checked by reading back
        back = read_safetensors(os.path.join(OUT, f'state_dict{suffix}.safetensors'), dtype)
        assert all(torch.equal(back[k], v.to(dtype)) for k, v in sd.items()) and set(back) == set(sd)
    dump({'torch': torch.__version__, 'layout': layout, 'paramCount': offset, 'metadata': meta, 'values': values},
         'state_dict.json')


# Optimiser cases: options in cnnc's names, translated below to torch's.
CASES = [
    ('sgd_plain', 'sgd', {'lr': 0.1}),
    ('sgd_weight_decay', 'sgd', {'lr': 0.1, 'weightDecay': 0.05}),
    ('sgd_momentum', 'sgd', {'lr': 0.05, 'momentum': 0.9}),
    ('sgd_dampening', 'sgd', {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.3}),
    ('sgd_nesterov', 'sgd', {'lr': 0.05, 'momentum': 0.9, 'nesterov': True}),
    ('sgd_nesterov_weight_decay', 'sgd', {'lr': 0.05, 'momentum': 0.8, 'nesterov': True, 'weightDecay': 0.01}),
    ('sgd_momentum_lr_change', 'sgd', {'lr': 0.1, 'momentum': 0.9, 'lrs': [0.1, 0.1, 0.05, 0.05, 0.01, 0.01]}),
    ('adam', 'adam', {'lr': 0.01}),
    ('adam_betas_eps', 'adam', {'lr': 0.02, 'betas': [0.8, 0.99], 'eps': 1e-6}),
    ('adam_weight_decay', 'adam', {'lr': 0.01, 'weightDecay': 0.1}),
    ('adam_amsgrad', 'adam', {'lr': 0.01, 'amsgrad': True}),
    ('adamw', 'adamw', {'lr': 0.01, 'weightDecay': 0.1}),
    ('adamw_lr_change', 'adamw', {'lr': 0.01, 'weightDecay': 0.05, 'lrs': [0.01, 0.01, 0.005, 0.005, 0.002, 0.002]}),
]
STEPS = 6
N = 12


def torch_optimizer(kind, o, p):
    if kind == 'sgd':
        return torch.optim.SGD([p], lr=o['lr'], momentum=o.get('momentum', 0), dampening=o.get('dampening', 0),
                               nesterov=o.get('nesterov', False), weight_decay=o.get('weightDecay', 0))
    cls = torch.optim.Adam if kind == 'adam' else torch.optim.AdamW
    return cls([p], lr=o['lr'], betas=tuple(o.get('betas', (0.9, 0.999))), eps=o.get('eps', 1e-8),
               weight_decay=o.get('weightDecay', 0 if kind == 'adam' else 1e-2), amsgrad=o.get('amsgrad', False))


def trajectory(name, kind, o):
    g = torch.Generator().manual_seed(sum(map(ord, name)))
    p0 = (torch.rand(N, generator=g) * 2 - 1).float()
    grads = [torch.randn(N, generator=g).float() for _ in range(STEPS)]
    for gr in grads:  # an exact zero and a large gradient in every step
        gr[3] = 0.0
        gr[7] *= 100
    p = p0.clone().requires_grad_(True)
    opt = torch_optimizer(kind, o, p)
    lrs = o.get('lrs', [o['lr']] * STEPS)
    params, state = [], []
    for s in range(STEPS):
        for group in opt.param_groups:
            group['lr'] = lrs[s]
        p.grad = grads[s].clone()
        opt.step()
        params.append(p.detach().tolist())
        st = opt.state[p]
        if kind == 'sgd':
            buf = st.get('momentum_buffer')
            state.append({'momentumBuffer': None if buf is None else buf.tolist()})
        else:
            entry = {'expAvg': st['exp_avg'].tolist(), 'expAvgSq': st['exp_avg_sq'].tolist()}
            if o.get('amsgrad'):
                entry['maxExpAvgSq'] = st['max_exp_avg_sq'].tolist()
            state.append(entry)
    options = {k: v for k, v in o.items() if k != 'lrs'}
    return {'name': name, 'optimizer': kind, 'options': options, 'lrs': lrs, 'params0': p0.tolist(),
            'grads': [gr.tolist() for gr in grads], 'params': params, 'state': state}


def schedules():
    def run(make, base, epochs):
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=base)
        sched = make(opt)
        lrs = []
        for _ in range(epochs):
            lrs.append(opt.param_groups[0]['lr'])
            opt.step()  # no grad: a no-op, but keeps the scheduler's call-order check quiet
            sched.step()
        return lrs

    return [
        {'kind': 'step', 'options': {'lr': 0.1, 'stepSize': 3, 'gamma': 0.5},
         'lrs': run(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), 0.1, 12)},
        {'kind': 'step', 'options': {'lr': 0.05, 'stepSize': 4},
         'lrs': run(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=4), 0.05, 12)},
        {'kind': 'cosine', 'options': {'lr': 0.1, 'tMax': 5, 'lrMin': 0.001},
         'lrs': run(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=0.001), 0.1, 16)},
        {'kind': 'cosine', 'options': {'lr': 0.2, 'tMax': 8},
         'lrs': run(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=8), 0.2, 9)},
    ]


def dump(obj, file):
    text = json.dumps(obj, indent=1)
    # one line per list of numbers, so the files stay short and diffs stay readable
    text = re.sub(r'\[\s*([-0-9.e+,\s]*?)\s*\]', lambda m: '[' + re.sub(r',\s+', ', ', m.group(1)) + ']', text)
    with open(os.path.join(OUT, file), 'w') as f:
        f.write(text + '\n')


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    state_dict_fixtures()
    dump({'torch': torch.__version__, 'cases': [trajectory(*c) for c in CASES]}, 'optim-trajectories.json')
    dump({'torch': torch.__version__, 'schedules': schedules()}, 'lr-schedules.json')
    print('wrote', os.path.normpath(OUT), file=sys.stderr)


if __name__ == '__main__':
    main()
