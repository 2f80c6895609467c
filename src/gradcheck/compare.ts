// Judging one gradient element against finite differences.
//
// An element passes when the analytic derivative a and the central difference n agree:
//
//   |a - n| <= max(tol * max(|a|, |n|), noise)
//
// where `noise` is the rounding noise of n (see noiseFloor). The relative error reported is
// |a - n| / max(|a|, |n|, noise / tol), so "passes" is exactly "relative error <= tol".
//
// Kinks. ReLU and leaky ReLU are not differentiable at 0, max pooling where two inputs of a window
// tie; a sigmoid or tanh network, dropout (with replayed masks) and average pooling have no kinks.
// The checker draws continuous random parameters and inputs, so no unit sits exactly on a kink,
// and uses a small step (1e-6 in f64). A kink inside [x - eps, x + eps] makes the central
// difference a blend of two slopes, so a correct gradient would fail. How often: a perturbed
// element moves every unit downstream of it, each by ~eps, so the expected number of kinks crossed
// is about eps times the number of ReLU and pooling units it reaches. For LeNet-5 that is ~1e-2
// per element; for the first layer of VGG-16 (13 million units downstream) it is ~10. Two defences:
//
// 1. One kink. Its element is recognised by its one-sided differences
//    D+ = (f(x+eps) - f(x))/eps and D- = (f(x) - f(x-eps))/eps disagreeing (on a smooth function
//    they differ by eps * f'', far below tol) and judged against the one that does not cross it:
//    the backward pass must return the slope on the side where x lies, which is D+ or D-.
// 2. Several kinks (deep networks). The element is evaluated again with steps eps/10 and eps/100
//    (REFINEMENT), which cross ten and a hundred times fewer kinks, with a noise floor ten and a
//    hundred times higher. It passes at a smaller step only if that difference agrees with a
//    within its noise floor AND is at most half as far from a as the difference at eps was:
//    removing kinks moves the difference onto a, while for a bug the differences at every step
//    estimate the same true derivative and stay as far from a as before. (The floor is ~100x the
//    rounding actually observed, so at eps/10 the true noise is below a tenth of any error that
//    failed at eps, and a bug cannot pass; at eps/100 only a bug within ~1.3x the noise floor at
//    eps, barely detectable anyway, could.)
//
// A bug, on the other hand, leaves D+ and D- in agreement with each other and the differences at
// every step in agreement with each other, and not with a: it is reported. No tolerance is widened
// and nothing is retried at random: a report is a function of the seed.

export type Verdict = 'ok' | 'kink' | 'fail';

export interface ElementJudgement {
  readonly analytic: number;
  /** the difference a was judged against: central, one-sided at a kink, or central at a smaller step */
  readonly numeric: number;
  readonly absError: number;
  readonly relError: number;
  readonly verdict: Verdict;
}

/** The three evaluations around one element: f at x - h-, x, x + h+ (h as actually represented). */
export interface Evaluations {
  readonly xMinus: number;
  readonly x0: number;
  readonly xPlus: number;
  readonly fMinus: number;
  readonly f0: number;
  readonly fPlus: number;
}

/** Relative error with the noise floor: <= tol exactly when the element passes. */
export function relativeError(a: number, n: number, tol: number, noise: number): number {
  const abs = Math.abs(a - n);
  if (abs === 0) return 0;
  const scale = Math.max(Math.abs(a), Math.abs(n), noise / tol);
  return scale === 0 ? Infinity : abs / scale;
}

/**
 * The rounding noise of a central difference with step 2h on an objective of scale `scale`
 * (sum over outputs of |df/dy_k| * |y_k|: how relative rounding errors in the outputs reach f).
 * Each output carries a relative error of a few units in the last place times the depth of its
 * accumulations; SAFETY covers that (measured: errors on the examples stay below 1% of this floor).
 */
export const UNIT_ROUNDOFF = 2 ** -53;
export const SAFETY = 1e4;

export function noiseFloor(scale: number, h: number): number {
  return (SAFETY * UNIT_ROUNDOFF * scale) / h;
}

export function judge(a: number, e: Evaluations, tol: number, noise: number): ElementJudgement {
  const central = (e.fPlus - e.fMinus) / (e.xPlus - e.xMinus);
  const rel = relativeError(a, central, tol, noise);
  if (rel <= tol)
    return { analytic: a, numeric: central, absError: Math.abs(a - central), relError: rel, verdict: 'ok' };

  // One-sided differences have half the step, so twice the rounding noise of the central one.
  const oneSidedNoise = 2 * noise;
  const plus = (e.fPlus - e.f0) / (e.xPlus - e.x0);
  const minus = (e.f0 - e.fMinus) / (e.x0 - e.xMinus);
  const smooth = relativeError(plus, minus, tol, oneSidedNoise) <= tol;
  if (!smooth) {
    const relPlus = relativeError(a, plus, tol, oneSidedNoise);
    const relMinus = relativeError(a, minus, tol, oneSidedNoise);
    const side = relPlus <= relMinus ? plus : minus;
    const sideRel = Math.min(relPlus, relMinus);
    if (sideRel <= tol) {
      return { analytic: a, numeric: side, absError: Math.abs(a - side), relError: sideRel, verdict: 'kink' };
    }
  }
  return { analytic: a, numeric: central, absError: Math.abs(a - central), relError: rel, verdict: 'fail' };
}

/** Step divisors for elements that fail at eps (see the header). */
export const REFINEMENT = [10, 100] as const;

/**
 * Re-judges an element that failed at eps from a central difference with a smaller step, whose
 * noise floor is `noise` (scaled up with the step's divisor). It passes, as a kink, only when the
 * fine difference matches a within that floor and is at most half as far from a as the coarse one.
 */
export function judgeRefined(
  failed: ElementJudgement,
  fine: Pick<Evaluations, 'xMinus' | 'xPlus' | 'fMinus' | 'fPlus'>,
  tol: number,
  noise: number,
): ElementJudgement | undefined {
  const a = failed.analytic;
  const central = (fine.fPlus - fine.fMinus) / (fine.xPlus - fine.xMinus);
  const abs = Math.abs(a - central);
  const rel = relativeError(a, central, tol, noise);
  if (rel <= tol && abs <= failed.absError / 2) {
    return { analytic: a, numeric: central, absError: abs, relError: rel, verdict: 'kink' };
  }
  return undefined;
}
