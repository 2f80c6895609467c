// Where the CLI writes, and whether it may color what it writes. Commands never touch `process`
// directly, so they run in-process in tests (memoryIo) exactly as they run from bin/cnnc.js.

export interface OutputStream {
  write(text: string): void;
  /** true only when the stream is a terminal and NO_COLOR is unset (https://no-color.org) */
  readonly color: boolean;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
}

/** A command: `cnnc <name> ...args`. Returns the exit code (see EXIT in errors.ts). */
export interface CommandModule {
  run(args: string[], io: CliIo): Promise<number>;
  /** optional help text; when absent, main.ts's command table supplies it */
  readonly help?: string;
}

export function colorEnabled(
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const noColor = env['NO_COLOR'];
  return stream.isTTY === true && (noColor === undefined || noColor === '');
}

function nodeStream(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): OutputStream {
  // A reader that goes away (`cnnc summary x | head -3`) is not an error of ours.
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  const color = colorEnabled(stream, env);
  return { color, write: (text) => void stream.write(text) };
}

export function processIo(env: NodeJS.ProcessEnv = process.env): CliIo {
  return { stdout: nodeStream(process.stdout, env), stderr: nodeStream(process.stderr, env) };
}

export interface MemoryIo extends CliIo {
  out(): string;
  err(): string;
}

/** Captures both streams as strings (tests, and callers that embed the CLI). */
export function memoryIo(color = false): MemoryIo {
  let out = '';
  let err = '';
  return {
    stdout: { color, write: (t) => void (out += t) },
    stderr: { color, write: (t) => void (err += t) },
    out: () => out,
    err: () => err,
  };
}

const SGR = { bold: '1', red: '31', yellow: '33' } as const;
export type Style = keyof typeof SGR;

/** Wraps text in ANSI styles when `on`; returns it unchanged otherwise. */
export function paint(text: string, on: boolean, ...styles: Style[]): string {
  if (!on || styles.length === 0 || text === '') return text;
  return `\x1b[${styles.map((s) => SGR[s]).join(';')}m${text}\x1b[0m`;
}
