// conv forward: cross-correlation (the kernel is not flipped) with zero padding,
//   y[f, oy, ox] = b[f] + sum_c sum_ky sum_kx w[f, c, ky, kx] * x[c, oy*S - P + ky*D, ox*S - P + kx*D]
// A padded layer first copies the sample into a zero-padded scratch; then every position, border
// included, runs the same unrolled kernel (corr.ts) with no bounds test. Each output sums the bias,
// then c, ky, kx in order in every unroll mode.

import type { LoweredStep } from '../../lower/types.js';
import { bindWorkspace, doc, forwardSignature, loop, type EmitContext, type Writer } from '../../emit/writer.js';
import { convConsts, convPlan, emitPadCopy, outputExpr, windowIndex } from './common.js';
import { emitCorrelation } from './corr.js';

export function emitConvForward(w: Writer, step: LoweredStep, ctx: EmitContext): void {
  const plan = convPlan(step);
  const g = plan.geom;
  const k = convConsts(g);
  const w0 = step.weight!.offset;
  const b0 = step.bias?.offset;
  const pad = plan.inputPad;
  const fb = plan.forward;
  const act = step.fused ? `, then ${step.fused.kind} (fused)` : '';
  doc(w, [
    `${step.layer.name} forward: ${g.c}x${g.h}x${g.w} -> ${g.f}x${g.oh}x${g.ow}, cross-correlation with ${g.kh}x${g.kw} kernels${act}:`,
    `y[f,oy,ox] = ${b0 === undefined ? '' : 'b[f] + '}sum_c,ky,kx w[f,c,ky,kx] x[${windowIndex(g, 'c', 'oy', 'ox', 'ky', 'kx')}]` +
      (pad ? ' (zero outside the input)' : ''),
    `weight [${g.f}][${g.c}][${g.kh}][${g.kw}] at p[${w0}]` + (b0 === undefined ? ', no bias.' : `, bias at p[${b0}].`),
    fb.unroll === 'none'
      ? 'Plain loops (unroll none).'
      : `${fb.unroll === 'window' ? 'Window unrolled' : 'Kernel rows unrolled'}, ${fb.fb} output channel(s) x ${fb.pb} position(s) per pass` +
        (pad ? ', over the zero-padded copy of the input: no bounds tests.' : '.'),
  ]);
  w.write(forwardSignature(step, ctx, { p: true, training: false })).block(() => {
    bindWorkspace(w, [['x', step.x], ['y', step.y], ...(pad ? ([['xp', 's0']] as const) : [])]);
    loop(w, 'b', 0, 'n', () => {
      w.writeLine(`const xb = b * ${k.chw}, yb = b * ${k.fo};`);
      if (pad) emitPadCopy(w, 'x', 'xb', 'xp', pad, 'x of sample b');
      emitCorrelation(w, {
        src: pad ? 'xp' : 'x',
        srcBase: pad ? '0' : 'xb',
        srcPlane: pad ? pad.plane : k.hw,
        srcRow: pad ? pad.cols : g.w,
        reduce: g.c,
        outputs: g.f,
        oh: g.oh,
        ow: g.ow,
        sh: g.sh,
        sw: g.sw,
        dh: g.dh,
        dw: g.dw,
        kh: g.kh,
        kw: g.kw,
        w0,
        wo: k.ckk,
        wr: k.kk,
        wu: g.kw,
        wv: 1,
        dst: 'y',
        dstBase: 'yb',
        ...(b0 === undefined ? {} : { bias: b0 }),
        out: (a) => outputExpr(step, a),
        block: fb,
      });
    });
  });
}
