// Our optimisers and schedules against torch.optim (PyTorch 1.13, float32), step by step, from the
// committed fixtures written by scripts/make-torch-fixtures.py: the same initial parameters and
// gradient sequence (with an exact zero and a large entry), parameters and state after every step.

import { describe, expect, it } from 'vitest';
import { adam, adamw, cosineLr, sgd, stepLr, type Optimizer } from '../../src/runtime/index.js';
import { expectClose, readFixtureJson, type TrajectoryCase } from './helpers.js';

const { cases } = readFixtureJson<{ cases: TrajectoryCase[] }>('optim-trajectories.json');

// float32 on both sides, computed in a different order (PyTorch rounds every intermediate tensor to
// float32, we round only what is stored), so values differ by a few ulps of the terms they were
// computed from. When terms cancel (a parameter pushed to +7 by the large gradient and back near 0,
// a momentum sum of gradients of both signs) those ulps are large next to the result, so each
// element is compared relative to the largest magnitude it has had so far in the trajectory.
const REL = 1e-6;

/** Per element: max(|v|) over the values seen so far, updated in place. */
function grow(scale: Float64Array, values: ArrayLike<number>): Float64Array {
  for (let i = 0; i < scale.length; i++) scale[i] = Math.max(scale[i]!, Math.abs(values[i]!));
  return scale;
}

function make(c: TrajectoryCase, n: number): Optimizer & { readonly [k: string]: unknown } {
  const o = c.options as never;
  if (c.optimizer === 'sgd') return sgd(n, o) as never;
  return (c.optimizer === 'adam' ? adam(n, o) : adamw(n, o)) as never;
}

describe('optimisers against torch.optim trajectories', () => {
  it('the fixture has the cases this test is about', () => {
    expect(cases.map((c) => c.name)).toEqual(
      expect.arrayContaining(['sgd_plain', 'sgd_momentum', 'sgd_nesterov', 'sgd_weight_decay', 'adam', 'adam_weight_decay', 'adamw']),
    );
  });

  for (const c of cases) {
    it(`${c.name} ${JSON.stringify(c.options)}`, () => {
      const params = Float32Array.from(c.params0);
      const opt = make(c, params.length);
      const scales = new Map<string, Float64Array>([['params', grow(new Float64Array(params.length), c.params0)]]);
      const scale = (key: string, values: ArrayLike<number>): Float64Array => {
        if (!scales.has(key)) scales.set(key, new Float64Array(values.length));
        return grow(scales.get(key)!, values);
      };
      let worst = 0;
      for (let s = 0; s < c.grads.length; s++) {
        opt.lr = c.lrs[s]!;
        opt.step(params, Float32Array.from(c.grads[s]!));
        const want = c.params[s]!;
        worst = Math.max(worst, expectClose(params, want, REL, scale('params', want), `${c.name} step ${s + 1} params`));
        for (const [key, wantState] of Object.entries(c.state[s]!)) {
          const have = opt[key] as Float32Array | null;
          if (wantState === null) expect(have, key).toBeNull();
          else worst = Math.max(worst, expectClose(have!, wantState, REL, scale(key, wantState), `${c.name} step ${s + 1} ${key}`));
        }
      }
      expect(opt.steps).toBe(c.grads.length);
      expect(worst).toBeLessThan(REL);
    });
  }
});

interface ScheduleCase {
  readonly kind: 'step' | 'cosine';
  readonly options: never;
  readonly lrs: number[];
}

describe('schedules against torch.optim.lr_scheduler', () => {
  const { schedules } = readFixtureJson<{ schedules: ScheduleCase[] }>('lr-schedules.json');
  for (const s of schedules) {
    it(`${s.kind} ${JSON.stringify(s.options)}, epochs 0..${s.lrs.length - 1}`, () => {
      const f = s.kind === 'step' ? stepLr(s.options) : cosineLr(s.options);
      // PyTorch updates the cosine rate recursively; the closed form agrees to rounding
      expectClose(s.lrs.map((_, epoch) => f(epoch)), s.lrs, 1e-12, 1e-6, `${s.kind} lr`);
    });
  }
});
