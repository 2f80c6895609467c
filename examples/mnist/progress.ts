// Training progress on stderr. On a terminal: one line redrawn in place (at most 10 times a
// second) with a bar, the running loss and the throughput. Anywhere else (a pipe, a log file, CI):
// plain lines, one per `linesPerEpoch`-th of an epoch, so logs stay readable.

export interface ProgressSink {
  write(text: string): void;
  readonly isTTY?: boolean;
}

export interface ProgressOptions {
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly batch: number;
  /** plain lines per epoch when not on a terminal (default 4) */
  readonly linesPerEpoch?: number;
  /** clock in ms (tests pass a fake one); default performance.now */
  readonly now?: () => number;
}

const BAR = 24;

export class Progress {
  private readonly out: ProgressSink;
  private readonly o: ProgressOptions;
  private readonly now: () => number;
  private epochStart = 0;
  private lastDraw = -Infinity;
  private lossSum = 0;
  private lossCount = 0;
  private epoch = 0;

  constructor(out: ProgressSink, options: ProgressOptions) {
    this.out = out;
    this.o = options;
    this.now = options.now ?? (() => performance.now());
  }

  startEpoch(epoch: number): void {
    this.epoch = epoch;
    this.epochStart = this.now();
    this.lastDraw = -Infinity;
    this.lossSum = 0;
    this.lossCount = 0;
  }

  /** After step `step` (0-based) of the current epoch, whose loss was `loss`. */
  step(step: number, loss: number): void {
    this.lossSum += loss;
    this.lossCount++;
    const done = step + 1;
    const total = this.o.stepsPerEpoch;
    if (this.out.isTTY) {
      const t = this.now();
      if (t - this.lastDraw < 100 && done < total) return;
      this.lastDraw = t;
      const filled = Math.round((BAR * done) / total);
      const bar = `${'='.repeat(filled)}${filled < BAR ? '>' : ''}`.padEnd(BAR).slice(0, BAR);
      this.out.write(`\r\x1b[2K${this.prefix()} [${bar}] ${done}/${total} ${this.stats()}`);
      return;
    }
    const every = Math.max(1, Math.ceil(total / (this.o.linesPerEpoch ?? 4)));
    if (done % every === 0 || done === total)
      this.out.write(`${this.prefix()} step ${done}/${total} ${this.stats()}\n`);
  }

  /** Ends the epoch's progress line (on a terminal, the redrawn line is cleared). */
  endEpoch(): { seconds: number; samplesPerSecond: number; meanLoss: number } {
    const seconds = (this.now() - this.epochStart) / 1000;
    if (this.out.isTTY) this.out.write('\r\x1b[2K');
    return {
      seconds,
      samplesPerSecond: (this.lossCount * this.o.batch) / Math.max(seconds, 1e-9),
      meanLoss: this.lossSum / Math.max(this.lossCount, 1),
    };
  }

  private prefix(): string {
    const w = String(this.o.epochs).length;
    return `epoch ${String(this.epoch + 1).padStart(w)}/${this.o.epochs}`;
  }

  private stats(): string {
    const seconds = (this.now() - this.epochStart) / 1000;
    const rate = seconds > 0 ? Math.round((this.lossCount * this.o.batch) / seconds) : 0;
    return `loss ${(this.lossSum / Math.max(this.lossCount, 1)).toFixed(4)}  ${rate.toLocaleString('en-US')} samples/s`;
  }
}
