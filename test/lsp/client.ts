// A minimal LSP client for tests: spawns the real `cnnc lsp --stdio` (from the sources, through
// tsx: see cnnc-entry.ts, or bundled: bundleCnnc) and speaks JSON-RPC to it with vscode-jsonrpc.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver/node';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CNNC_LSP: readonly string[] = ['--import', 'tsx', join(root, 'test', 'lsp', 'cnnc-entry.ts'), 'lsp', '--stdio'];

/**
 * The real `cnnc` command from the current sources (cnnc-entry.ts), bundled by esbuild into
 * test/lsp/tmp/NAME-PID/ (git-ignored), its packages left to node_modules. It runs what tsx runs,
 * without tsx's per-call cost (esbuild's keepNames helper doubles the parser's time), so tests that
 * measure or load the server for seconds measure the server. main() loads its command modules by
 * a computed specifier, so the `lsp` command is an entry of its own beside it. Returns the folder
 * (to remove afterwards) and the file to give to node.
 */
export async function bundleCnnc(name: string): Promise<{ dir: string; main: string }> {
  const dir = join(root, 'test', 'lsp', 'tmp', `${name}-${process.pid}`);
  await mkdir(dir, { recursive: true });
  await build({
    entryPoints: { cnnc: join(root, 'test', 'lsp', 'cnnc-entry.ts'), lsp: join(root, 'src', 'cli', 'lsp.ts') },
    outdir: dir,
    bundle: true,
    splitting: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
  });
  // .js files are ES modules here: the nearest package.json is the root's, `"type": "module"`
  return { dir, main: join(dir, 'cnnc.js') };
}

export interface Published extends PublishDiagnosticsParams {
  readonly seq: number;
}

export class TestClient {
  readonly published: Published[] = [];
  readonly logs: { type: number; message: string }[] = [];
  stderr = '';
  exitCode: number | null | undefined = undefined;
  initResult: InitializeResult | undefined;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly proc: ChildProcessWithoutNullStreams,
    readonly conn: MessageConnection,
  ) {}

  /** `node ...nodeArgs`; by default `cnnc lsp --stdio` from the sources. */
  static async start(nodeArgs: readonly string[] = CNNC_LSP): Promise<TestClient> {
    const proc = spawn(process.execPath, [...nodeArgs], {
      cwd: root,
      stdio: 'pipe',
      env: { ...process.env, NO_COLOR: '1' },
    });
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    const client = new TestClient(proc, conn);
    proc.stderr.on('data', (b: Buffer) => void (client.stderr += b.toString('utf8')));
    proc.on('exit', (code) => {
      client.exitCode = code;
      client.wake();
    });
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      client.published.push({ ...p, seq: client.published.length });
      client.wake();
    });
    conn.onNotification('window/logMessage', (p: { type: number; message: string }) => void client.logs.push(p));
    conn.listen();
    client.initResult = (await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
    })) as InitializeResult;
    await conn.sendNotification('initialized', {});
    return client;
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when `pred` holds, checked after every notification; rejects after `ms`. */
  async until<T>(pred: () => T | undefined, ms = 15_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = pred();
      if (v !== undefined) return v;
      if (!this.alive) throw new Error(`server exited (${this.exitCode}) while waiting for ${what}; stderr: ${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The first diagnostics published for `uri` at `version` (or later), after index `since`. */
  diagnosticsFor(uri: string, version: number, since = 0, ms = 15_000): Promise<Published> {
    return this.until(
      () => this.published.find((p) => p.seq >= since && p.uri === uri && (p.version ?? -1) >= version),
      ms,
      `diagnostics of ${uri} v${version}`,
    );
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'cnn', version, text } });
  }

  change(uri: string, version: number, changes: unknown[]): Promise<void> {
    return this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  close(uri: string): Promise<void> {
    return this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  /** shutdown + exit; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.alive) {
      await this.conn.sendRequest('shutdown');
      await this.conn.sendNotification('exit');
      await this.until(() => (this.alive ? undefined : true), 10_000, 'exit');
    }
    this.conn.dispose();
    return this.exitCode ?? null;
  }

  kill(): void {
    if (this.alive) this.proc.kill('SIGKILL');
    this.conn.dispose();
  }
}
