// The report: one markdown document per run (stdout, bench/results.md, and appended to
// bench/history.md), built from the results that bench/results.json also keeps.

import type { CompileResult } from '../sections/compile.js';
import type { ParallelCell, ParallelSection } from '../sections/parallel.js';
import { CHECK_TARGETS, type FrontendSection } from '../sections/frontend.js';
import type { ThroughputCell, ThroughputSection } from '../sections/throughput.js';
import { bytes, cut, int, ms, num, ratio, seconds, table } from './format.js';
import { BATCHES, LEARNING_RATE, MODES, NETS, batchFlops } from './nets.js';
import { PEERS } from './peers.js';

export interface RunInfo {
  readonly date: string;
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly commit: string;
  readonly loadavg: readonly number[];
  readonly speed: 'quick' | 'full';
  /** sections, peers or networks were left out on the command line */
  readonly partial: boolean;
}

export interface BenchResults {
  readonly info: RunInfo;
  frontend?: FrontendSection;
  compile?: CompileResult[];
  throughput?: ThroughputSection;
  parallel?: ParallelSection;
  totalSeconds?: number;
}

function met(value: number, target: number): string {
  return Number.isFinite(value) ? (value < target ? 'yes' : '**no**') : '–';
}

export function header(info: RunInfo): string {
  const load = info.loadavg.map((l) => l.toFixed(2)).join(', ');
  const lines = [
    `${info.date} · Node ${info.node} · ${info.cpu} · ${info.cores} cores · commit ${info.commit} · load average at start ${load}` +
      (info.speed === 'quick' ? ' · **--quick** (short budgets)' : '') +
      (info.partial ? ' · partial run' : ''),
  ];
  if ((info.loadavg[0] ?? 0) > info.cores * 0.5) {
    lines.push('', `> The machine was busy (load ${info.loadavg[0]!.toFixed(2)} on ${info.cores} cores): expect noisy numbers.`);
  }
  return lines.join('\n');
}

function frontendTable(f: FrontendSection): string {
  const rows: string[][] = [];
  for (const m of f.models) {
    const p = m.inProcess;
    const target = m.lines === 200 ? CHECK_TARGETS.inProcess200Ms : undefined;
    if (p !== undefined) {
      const clean = p.errors === 0 && p.warnings === 0 ? '' : ` (${p.errors} errors, ${p.warnings} warnings!)`;
      rows.push([
        `\`checkSource\` in process, warm${clean}`,
        int(m.lines),
        ms(p.warm.medianMs),
        `${p.warm.runs} x ${p.warm.iters}`,
        target !== undefined ? `< ${target} ms` : '',
        target !== undefined ? met(p.warm.medianMs, target) : '',
      ]);
      rows.push([`\`checkSource\`, first call in a fresh process`, int(m.lines), ms(p.firstMs), '1', '', '']);
    } else {
      rows.push([`\`checkSource\` in process`, int(m.lines), `n/a (${cut(m.inProcessError ?? '', 80)})`, '', '', '']);
    }
  }
  for (const m of f.models) {
    const target = m.lines === 2000 ? CHECK_TARGETS.command2000Ms : undefined;
    const c = m.command;
    rows.push([
      '`node bin/cnnc.js check FILE`, whole command',
      int(m.lines),
      c.error !== undefined ? `n/a (${cut(c.error, 80)})` : ms(c.medianMs),
      String(c.runs),
      target !== undefined ? `< ${target} ms` : '',
      target !== undefined ? met(c.medianMs, target) : '',
    ]);
  }
  rows.push(['`node -e 0`: Node start-up alone, for scale', '', ms(f.nodeStartup.medianMs), String(f.nodeStartup.runs), '', '']);
  const from = f.models.find((m) => m.inProcess)?.inProcess?.from ?? '?';
  return (
    table(['front end', 'lines', 'median', 'runs', 'target', 'met'], rows, ['l', 'r', 'r', 'r', 'l', 'l']) +
    `\n\nGenerated models (bench/lib/models.ts): conv trunk with \`pad same\` blocks and comments, then dense/activation/dropout lines; they check clean. checkSource from ${from}.`
  );
}

function compileTable(rows: readonly CompileResult[]): string {
  return table(
    ['model', '`cnnc compile -o OUT.ts`, median', 'runs', 'output', 'target', 'met'],
    rows.map((r) =>
      r.timing.error !== undefined
        ? [r.model, `n/a (${cut(r.timing.error, 80)})`, String(r.timing.runs), '', `< ${seconds(r.targetMs)}`, '–']
        : [
            r.model,
            seconds(r.timing.medianMs),
            String(r.timing.runs),
            `${bytes(r.bytes ?? 0)}, ${int(r.lines ?? 0)} lines`,
            `< ${seconds(r.targetMs)}`,
            met(r.timing.medianMs, r.targetMs),
          ],
    ),
    ['l', 'r', 'r', 'r', 'l', 'l'],
  );
}

function runsText(c: ThroughputCell): string {
  const r = c.result;
  if (r === undefined) return '';
  if (r.firstCallOnly) return '1 (first call)';
  return r.iters > 1 ? `${r.runs} x ${r.iters}` : String(r.runs);
}

function throughputTables(t: ThroughputSection): string {
  const out: string[] = [];
  const best = t.ceiling.filter((c) => c.blocked).sort((a, b) => b.gflops - a.gflops)[0];
  if (best !== undefined) {
    const others = t.ceiling.filter((c) => c !== best).map((c) => `${c.name}: ${num(c.gflops)}`).join('; ');
    out.push(
      `**Scalar-JS ceiling on this machine: ${num(best.gflops)} GFLOP/s** (${best.name} C += A·B, ` +
        `${best.size.join('x')}, Float32Array, median of ${best.runs}; ${others}). ` +
        'The ceiling for plain JS on this machine: a scalar conv or dense layer is this loop nest.',
    );
  } else out.push(`Scalar-JS ceiling: n/a (${t.ceilingError ?? 'not measured'})`);
  const ceil = best?.gflops ?? NaN;

  const nets = NETS.filter((n) => t.macs[n.id] !== undefined);
  out.push(
    '',
    nets.map((n) => `${n.label}: ${n.note}, ${num(t.macs[n.id]! / 1e6)} M MACs forward per sample.`).join(' ') +
      ' GFLOP/s counts 2 FLOP per MAC, and 3x the forward FLOPs for a training step ' +
      '(forward + backward + SGD update). "vs cnnc": the peer\'s time over cnnc\'s (above 1: cnnc is faster).',
    '',
  );

  const find = (net: string, peer: string, mode: string, batch: number) =>
    t.cells.find((c) => c.net === net && c.peer === peer && c.mode === mode && c.batch === batch);
  const peers = PEERS.filter((p) => t.cells.some((c) => c.peer === p.id));

  // Side by side: one row per network, mode and batch, one column per peer.
  const side: string[][] = [];
  const long: string[][] = [];
  for (const net of nets) {
    for (const mode of MODES) {
      for (const batch of BATCHES) {
        const base = find(net.id, 'cnnc', mode, batch)?.result?.medianMs ?? NaN;
        const flops = batchFlops(t.macs[net.id]!, mode, batch);
        const sideRow = [net.label, mode === 'infer' ? 'inference' : 'train step', String(batch)];
        for (const p of peers) {
          const c = find(net.id, p.id, mode, batch);
          const r = c?.result;
          if (r === undefined) {
            const why = `n/a (${cut(c?.error ?? 'not run', 70)})`;
            sideRow.push(why);
            long.push([net.label, sideRow[1]!, String(batch), p.label, why, '', '', '', '', '']);
            continue;
          }
          const m = r.medianMs;
          const vs = p.id === 'cnnc' ? 'base' : ratio(m / base);
          sideRow.push(p.id === 'cnnc' || !Number.isFinite(base) ? ms(m) : `${ms(m)} (${vs})`);
          const gf = flops / (m * 1e6);
          long.push([net.label, sideRow[1]!, String(batch), p.label, num(m), num((batch * 1000) / m), num(gf), `${num((100 * gf) / ceil)}%`, vs, runsText(c!)]);
        }
        side.push(sideRow);
      }
    }
  }
  out.push(
    '**Time per batch, side by side** (peer / cnnc in parentheses):',
    '',
    table(['network', 'mode', 'batch', ...peers.map((p) => p.label)], side, ['l', 'l', 'r', ...peers.map(() => 'r' as const)]),
    '',
    '**Every cell:**',
    '',
    table(
      ['network', 'mode', 'batch', 'peer', 'ms / batch', 'samples/s', 'GFLOP/s', 'of JS ceiling', 'vs cnnc', 'runs'],
      long,
      ['l', 'l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    'runs: timed runs x calls per run (median over runs, after warm-up); "first call": one call was all the budget allowed.',
    '',
    ...peers.map((p) => `- ${p.label}: ${t.notes[p.id] ?? ''}`),
  );
  return out.join('\n');
}

function parallelTable(p: ParallelSection): string {
  const rows: string[][] = [];
  const runs = (c: ParallelCell | undefined): string =>
    c?.result === undefined ? '–' : c.result.firstCallOnly ? '1 (first call)' : c.result.iters > 1 ? `${c.result.runs} x ${c.result.iters}` : String(c.result.runs);
  const cores = (c: ParallelCell | undefined): string => (c?.coresUsed !== undefined && Number.isFinite(c.coresUsed) ? c.coresUsed.toFixed(2) : '–');
  const cpu = (c: ParallelCell | undefined): string => (c?.cpuMs !== undefined && Number.isFinite(c.cpuMs) ? num(c.cpuMs) : '–');
  const load = (c: ParallelCell | undefined): string => (c !== undefined && Number.isFinite(c.load[0]) ? c.load[0].toFixed(1) : '–');
  for (const net of NETS) {
    for (const batch of [...new Set(p.cells.filter((c) => c.net === net.id).map((c) => c.batch))]) {
      const one = p.cells.find((c) => c.net === net.id && c.batch === batch && c.workers === 0);
      const par = p.cells.find((c) => c.net === net.id && c.batch === batch && c.workers === p.workers);
      const time = (c: ParallelCell | undefined): string => (c?.result ? ms(c.result.medianMs) : `n/a (${cut(c?.error ?? 'not run', 60)})`);
      const rate = (c: ParallelCell | undefined): string => (c?.result ? num((batch * 1000) / c.result.medianMs) : '–');
      const speedup = one?.result && par?.result ? ratio(one.result.medianMs / par.result.medianMs) : '–';
      rows.push([net.label, String(batch), time(one), rate(one), time(par), rate(par), speedup, `${runs(one)} / ${runs(par)}`,
        par?.startMs !== undefined ? ms(par.startMs) : '–', `${cpu(one)} / ${cpu(par)}`, `${cores(one)} / ${cores(par)}`, `${load(one)} / ${load(par)}`]);
    }
  }
  return [
    table(
      ['network', 'batch', '1 thread', 'samples/s', `${p.workers} workers`, 'samples/s', 'speed-up', 'runs', 'start-up', 'CPU ms / step', 'cores used', 'load'],
      rows,
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    `A training step: lossAndGrad + a plain SGD update (lr ${LEARNING_RATE}) of every parameter. 1 thread: the module's own ` +
      `lossAndGrad. ${p.workers} workers: \`dataParallel\` from cnnc/runtime, the batch copied into its shared buffers, ` +
      'split into equal slices, the slice gradients summed (weighted by slice size) in the main thread, then the same ' +
      'SGD update of the shared parameters; its first step is checked against the single-threaded loss and gradient. ' +
      `speed-up: 1-thread time over ${p.workers}-worker time (${p.workers}.00x is the ideal on ${p.workers} idle cores). ` +
      'runs: timed runs x calls per run, single / parallel. start-up: `dataParallel(...)` until ready (compile + ' +
      'workers loading the module), not in the step time. CPU ms / step and cores used, single / parallel, over the ' +
      'timed runs: the CPU time of the whole process (all threads) per step, and over the wall time (what the ' +
      'scheduler actually gave). The speed-up is at most about the ratio of the cores used; the CPU per step shows ' +
      'what the parallel step costs in extra work, whatever the load. load: 1-minute load average when each cell started. On a shared ' +
      'machine whose load is near or above its core count the workers compete with other processes (and Linux ' +
      'autogroup shares the CPU per session, not per thread), so the speed-up is a rough figure.',
    ...p.notes.map((n) => `- ${n}`),
  ].join('\n');
}

export function renderReport(r: BenchResults): string {
  const parts = ['# cnnc benchmark', '', header(r.info)];
  if (r.frontend) parts.push('', '## A. Front end', '', frontendTable(r.frontend));
  if (r.compile) parts.push('', '## B. Compile', '', compileTable(r.compile));
  if (r.throughput) parts.push('', '## C. Throughput', '', throughputTables(r.throughput));
  if (r.parallel) parts.push('', '## D. Data-parallel training', '', parallelTable(r.parallel));
  if (r.totalSeconds !== undefined) parts.push('', `Whole run: ${num(r.totalSeconds)} s.`);
  return parts.join('\n') + '\n';
}
