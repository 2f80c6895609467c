// conv backward, input half: the error map propagated back through the kernel rotated by 180
// degrees, a full correlation (with dz dilated by S - 1 zeros between its entries when S > 1):
//   dx[c, iy, ix] = sum_f sum_ky sum_kx dz[f, (iy + P - ky*D)/S, (ix + P - kx*D)/S] * w[f, c, ky, kx]
// (terms whose division is not exact, or that fall outside dz, are zero). Two ways to compute it:
//   gather  (stride 1): each sample's dz is copied into a scratch padded by D*(K-1) - P zeros, and
//           dx is the valid correlation of that map with the rotated kernel (corr.ts): every dx
//           sums f, ky', kx' of the rotated kernel in order;
//   scatter: each nonzero dz[f, oy, ox] is sent back through the window it came from,
//           dx[c, oy*S - P + ky*D, ox*S - P + kx*D] += dz[f, oy, ox] * w[f, c, ky, kx],
//           into a zero-padded scratch (so no bounds test) that is then cropped to dx. It skips
//           the zeros, which is most of dz when max pooling follows, and needs no dilation for S > 1.
//           Every dx sums over f, oy, ox in order.

import type { LoweredStep } from '../../lower/types.js';
import { bindWorkspace, inputGradSignature, doc, loop, plus, sum, times, type EmitContext, type Writer } from '../../emit/writer.js';
import { convConsts, convPlan, emitPadCopy } from './common.js';
import { emitCorrelation } from './corr.js';

export function emitConvInputGrad(w: Writer, step: LoweredStep, ctx: EmitContext): void {
  const plan = convPlan(step);
  const g = plan.geom;
  const ig = plan.inputGrad;
  const strided = g.sh > 1 || g.sw > 1;
  doc(w, [
    `${step.layer.name} backward, input: dx (${g.c}x${g.h}x${g.w}) = the full correlation of dz` +
      `${strided ? `, dilated by the stride ${g.sh}x${g.sw},` : ''} with the 180-degree-rotated kernel,`,
    ig.method === 'gather'
      ? `gathered: a valid correlation over dz zero-padded by ${ig.pad ? `${ig.pad.top}x${ig.pad.left}` : 'nothing (pad full)'}.`
      : `scattered: each nonzero dz[f,oy,ox] times w[f,c,:,:] added back into its window` +
        (plan.density < 1 ? ` (at most 1 in ${Math.round(1 / plan.density)} is nonzero: max pooling follows).` : '.'),
  ]);
  w.write(inputGradSignature(step, ctx)).block(() => {
    if (ig.method === 'gather') gather(w, step);
    else scatter(w, step);
  });
}

function gather(w: Writer, step: LoweredStep): void {
  const plan = convPlan(step);
  const g = plan.geom;
  const k = convConsts(g);
  const ig = plan.inputGrad;
  if (ig.method !== 'gather') throw new Error('gather: not a gather plan');
  const pad = ig.pad;
  bindWorkspace(w, [['dz', step.dy], ['dx', step.dx], ...(pad ? ([['ep', 's0']] as const) : [])]);
  loop(w, 'b', 0, 'n', () => {
    w.writeLine(`const db = b * ${k.chw}, gb = b * ${k.fo};`);
    if (pad) emitPadCopy(w, 'dz', 'gb', 'ep', pad, 'dz of sample b');
    emitCorrelation(w, {
      src: pad ? 'ep' : 'dz',
      srcBase: pad ? '0' : 'gb',
      srcPlane: pad ? pad.plane : k.oo,
      srcRow: pad ? pad.cols : g.ow,
      reduce: g.f,
      outputs: g.c,
      oh: g.h,
      ow: g.w,
      sh: 1,
      sw: 1,
      dh: g.dh,
      dw: g.dw,
      kh: g.kh,
      kw: g.kw,
      // tap (u, v) of the rotated kernel is w[f, c, kh-1-u, kw-1-v]
      w0: step.weight!.offset + (g.kh - 1) * g.kw + (g.kw - 1),
      wo: k.kk,
      wr: k.ckk,
      wu: -g.kw,
      wv: -1,
      dst: 'dx',
      dstBase: 'db',
      out: (a) => a,
      block: ig.block,
    });
  });
}

function scatter(w: Writer, step: LoweredStep): void {
  const plan = convPlan(step);
  const g = plan.geom;
  const k = convConsts(g);
  const ig = plan.inputGrad;
  if (ig.method !== 'scatter') throw new Error('scatter: not a scatter plan');
  const pad = plan.inputPad;
  const t = pad ? 'dxp' : 'dx';
  const plane = pad ? pad.plane : k.hw;
  const row = pad ? pad.cols : g.w;
  bindWorkspace(w, [['dz', step.dy], ['dx', step.dx], ...(pad ? ([['dxp', 's0']] as const) : [])]);
  loop(w, 'b', 0, 'n', () => {
    w.writeLine(`const db = b * ${k.chw}, gb = b * ${k.fo}, tb = ${pad ? '0' : 'db'};`);
    w.writeLine(pad ? `// the input gradient of sample b, zero-padded like the input (${pad.rows}x${pad.cols} per channel)` : '// dx of sample b');
    w.writeLine(`${t}.fill(0, tb, tb + ${g.c * plane});`);
    loop(w, 'f', 0, g.f, () => {
      w.writeLine(`const wf = ${sum(times('f', k.ckk), step.weight!.offset)}, gf = ${sum('gb', times('f', k.oo))};`);
      loop(w, 'oy', 0, g.oh, () => {
        w.writeLine(`const tr = ${sum('tb', times('oy', g.sh * row))}, er = ${sum('gf', times('oy', g.ow))};`);
        loop(w, 'ox', 0, g.ow, () => {
          w.writeLine('const e = dz[er + ox];');
          w.writeLine('if (e === 0) continue;');
          w.writeLine(`const ti = ${sum('tr', times('ox', g.sw))};`);
          const taps = (tc: string, wc: string): void => {
            if (ig.unroll === 'window') {
              for (let ky = 0; ky < g.kh; ky++) {
                const parts: string[] = [];
                for (let kx = 0; kx < g.kw; kx++) {
                  parts.push(`${t}[${plus(tc, ky * g.dh * row + kx * g.dw)}] += e * p[${plus(wc, ky * g.kw + kx)}];`);
                }
                w.writeLine(parts.join(' '));
              }
            } else if (ig.unroll === 'row') {
              w.write(`for (let ky = 0, tu = ${tc}, wu = ${wc}; ky < ${g.kh}; ky++, tu += ${g.dh * row}, wu += ${g.kw})`).block(() => {
                const parts: string[] = [];
                for (let kx = 0; kx < g.kw; kx++) parts.push(`${t}[${plus('tu', kx * g.dw)}] += e * p[${plus('wu', kx)}];`);
                w.writeLine(parts.join(' '));
              });
            } else {
              loop(w, 'ky', 0, g.kh, () => {
                loop(w, 'kx', 0, g.kw, () => {
                  w.writeLine(`${t}[${sum(tc, times('ky', g.dh * row), times('kx', g.dw))}] += e * p[${sum(wc, times('ky', g.kw), 'kx')}];`);
                });
              });
            }
          };
          if (g.c === 1) {
            taps('ti', 'wf');
          } else {
            w.write(`for (let c = 0, tc = ti, wc = wf; c < ${g.c}; c++, tc += ${plane}, wc += ${k.kk})`).block(() => taps('tc', 'wc'));
          }
        });
      });
    });
    if (pad) {
      w.writeLine('// crop the padding away');
      loop(w, 'c', 0, g.c, () => {
        loop(w, 'iy', 0, g.h, () => {
          const from = sum(times('c', pad.plane), times('iy', pad.cols), pad.top * pad.cols + pad.left);
          w.writeLine(`const from = ${from}, to = ${sum('db', times('c', k.hw), times('iy', g.w))};`);
          loop(w, 'ix', 0, g.w, () => w.writeLine('dx[to + ix] = dxp[from + ix];'));
        });
      });
    }
  });
}
