// `npm run bench`: cnnc and its peers measured in one run, one thing at a time; the tables go to
// stdout and to bench/results.md (+ results.json), and each full run is appended to bench/history.md.
//
//   tsx bench/run.ts [--quick] [--sections A,B,C,D] [--peers cnnc,tfjs-cpu,tfjs-wasm,convnetjs]
//                    [--nets lenet5,mnist-cnn] [--no-save]
//
// --quick shortens every budget (for trying the harness out); a quick or partial run writes
// results.md/json but not history.md. Progress goes to stderr.

import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { nowMs } from './lib/measure.js';
import { NETS } from './lib/nets.js';
import { BENCH, ROOT } from './lib/paths.js';
import { PEERS } from './lib/peers.js';
import { renderReport, type BenchResults } from './lib/report.js';
import { runCompile } from './sections/compile.js';
import { runFrontend } from './sections/frontend.js';
import { runParallel } from './sections/parallel.js';
import { runThroughput } from './sections/throughput.js';

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function list(args: readonly string[], name: string, all: readonly string[]): string[] {
  const v = option(args, name);
  if (v === undefined) return [...all];
  const picked = v.split(',').map((s) => s.trim());
  for (const p of picked) if (!all.includes(p)) throw new Error(`${name}: unknown ${p} (one of ${all.join(', ')})`);
  return picked;
}

function commit(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const speed = args.includes('--quick') ? 'quick' : 'full';
  const sections = list(args, '--sections', ['A', 'B', 'C', 'D']);
  const peers = list(args, '--peers', PEERS.map((p) => p.id));
  const nets = list(args, '--nets', NETS.map((n) => n.id));
  const partial = sections.length < 4 || peers.length < PEERS.length || nets.length < NETS.length;
  const log = (s: string): void => void process.stderr.write(`bench: ${s}\n`);
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) log('dist/ is missing: run `npm run build` first (the CLI timings need it)');

  const t0 = nowMs();
  const results: BenchResults = {
    info: {
      date: new Date().toISOString(),
      node: process.version,
      cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
      cores: cpus().length,
      commit: commit(),
      loadavg: loadavg(),
      speed,
      partial,
    },
  };
  const tmp = mkdtempSync(join(tmpdir(), 'cnnc-bench-'));
  try {
    if (sections.includes('A')) results.frontend = await runFrontend(tmp, speed, log);
    if (sections.includes('B')) results.compile = runCompile(tmp, speed, log);
    if (sections.includes('C')) results.throughput = await runThroughput(speed, peers, nets, log);
    if (sections.includes('D')) results.parallel = await runParallel(speed, nets, log);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  results.totalSeconds = (nowMs() - t0) / 1000;

  const report = renderReport(results);
  process.stdout.write(report);
  if (args.includes('--no-save')) return;
  writeFileSync(join(BENCH, 'results.md'), report);
  writeFileSync(join(BENCH, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  if (speed === 'full' && !partial) {
    const history = join(BENCH, 'history.md');
    if (!existsSync(history)) {
      writeFileSync(history, '# Benchmark history\n\nEvery full `npm run bench`, oldest first, newest at the end.\n');
    }
    const entry = report.replace(/^## /gm, '### ').replace(/^# cnnc benchmark\n/, `## ${results.info.date}, ${results.info.commit}\n`);
    appendFileSync(history, '\n---\n\n' + entry);
    log('appended to bench/history.md');
  }
  log(`wrote bench/results.md and bench/results.json (${results.totalSeconds.toFixed(0)} s)`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
