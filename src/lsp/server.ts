// The language server: wires the pure features (analysis.ts, hover.ts, inlay.ts, completion.ts,
// symbols.ts, actions.ts, formatting.ts) to an LSP connection. No language logic lives here.
//
// Diagnostics are pushed after every open and change, after a short debounce; a publication always
// carries the analysed document's version and is skipped when the document changed or closed in
// between, so stale results never replace newer ones. Every handler runs under guard(): an internal
// error is logged (window/logMessage) and answered as an error response; the server goes on.

import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  createConnection,
  ErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActions } from './actions.js';
import { analyze, type Analysis } from './analysis.js';
import { completionsAt } from './completion.js';
import { inDocument, SOURCE, toLspDiagnostic } from './convert.js';
import { formattingEdits } from './formatting.js';
import { hoverAt } from './hover.js';
import { inlayHints } from './inlay.js';
import { documentSymbols } from './symbols.js';

export interface ServerOptions {
  /** milliseconds between the last change and the diagnostics; default 30 */
  readonly debounceMs?: number;
}

/**
 * `cnnc/stats`, a request of this server's own (no parameters): what it holds and how much memory
 * it uses, for measurements (test/lsp/abuse.test.ts) and bug reports. When node runs with
 * `--expose-gc`, it collects garbage first (twice), so `heapUsed` is what is really kept.
 */
export const STATS_REQUEST = 'cnnc/stats';

export interface ServerStats {
  /** open documents, and how many of them have a cached analysis */
  readonly documents: number;
  readonly cachedAnalyses: number;
  /** analyses run since the start (at most one per document version) */
  readonly analysesRun: number;
  /** documents whose diagnostics are waiting for the debounce */
  readonly pendingDiagnostics: number;
  /** whether garbage was collected before measuring */
  readonly collected: boolean;
  /** process.memoryUsage(), in bytes */
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly rss: number;
  readonly external: number;
}

export const CAPABILITIES: InitializeResult['capabilities'] = {
  textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
  hoverProvider: true,
  inlayHintProvider: true,
  completionProvider: { triggerCharacters: [' ', ':'] },
  documentFormattingProvider: true,
  documentSymbolProvider: true,
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
};

/** The path a `file:` URI names (the checker derives the default network name from it). */
export function fileOfUri(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      // not a local file URI; use it as is
    }
  }
  return uri;
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const debounceMs = options.debounceMs ?? 30;
  const documents = new TextDocuments(TextDocument);
  const cache = new Map<string, { version: number; analysis: Analysis }>();
  const timers = new Map<string, NodeJS.Timeout>();
  let analysesRun = 0;

  /** Runs a handler; an exception becomes a log line and an error response, never a crash. */
  const guard = <P, R>(name: string, handler: (params: P) => R) =>
    (params: P): R | ResponseError<void> => {
      try {
        return handler(params);
      } catch (err) {
        connection.console.error(`${SOURCE}: ${name} failed: ${describe(err)}`);
        return new ResponseError(ErrorCodes.InternalError, `${SOURCE}: ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    };

  const analysisOf = (uri: string): Analysis | undefined => {
    const doc = documents.get(uri);
    if (doc === undefined) return undefined;
    const text = doc.getText();
    const hit = cache.get(uri);
    // The text too, not only the version: a client that sends two texts under one version number
    // gets answers about the text it sent last (an unchanged text is the same string: no compare).
    if (hit !== undefined && hit.version === doc.version && hit.analysis.text === text) return hit.analysis;
    const analysis = analyze(text, fileOfUri(uri));
    analysesRun++;
    cache.set(uri, { version: doc.version, analysis });
    return analysis;
  };

  const publish = (uri: string): void => {
    timers.delete(uri);
    const doc = documents.get(uri);
    if (doc === undefined) return;
    const version = doc.version;
    const analysis = analysisOf(uri);
    // Analysis is synchronous, so nothing can change in between today; the check keeps it so if
    // analysis ever moves off this thread.
    if (analysis === undefined || documents.get(uri)?.version !== version) return;
    void connection.sendDiagnostics({
      uri,
      version,
      diagnostics: analysis.diagnostics.map((d) => toLspDiagnostic(analysis.doc, d)),
    });
  };

  const schedule = (uri: string): void => {
    clearTimeout(timers.get(uri));
    timers.set(uri, setTimeout(guard('diagnostics', () => publish(uri)), debounceMs));
  };

  connection.onInitialize(() => ({ capabilities: CAPABILITIES, serverInfo: { name: 'cnnc' } }));

  documents.onDidChangeContent(guard('didChange', (e: { document: TextDocument }) => schedule(e.document.uri)));
  documents.onDidClose(
    guard('didClose', (e: { document: TextDocument }) => {
      const uri = e.document.uri;
      clearTimeout(timers.get(uri));
      timers.delete(uri);
      cache.delete(uri);
      void connection.sendDiagnostics({ uri, diagnostics: [] });
    }),
  );

  connection.onHover(guard('hover', (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (doc === undefined || !inDocument(doc, p.position)) return null;
    const a = analysisOf(p.textDocument.uri);
    return a === undefined ? null : hoverAt(a, p.position);
  }));
  connection.languages.inlayHint.on(guard('inlayHint', (p) => {
    const a = analysisOf(p.textDocument.uri);
    return a === undefined ? [] : inlayHints(a, p.range);
  }));
  connection.onCompletion(guard('completion', (p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc === undefined || !inDocument(doc, p.position) ? [] : completionsAt(doc.getText(), doc.offsetAt(p.position));
  }));
  connection.onDocumentFormatting(guard('formatting', (p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc === undefined ? [] : formattingEdits(doc, analysisOf(p.textDocument.uri));
  }));
  connection.onDocumentSymbol(guard('documentSymbol', (p) => {
    const a = analysisOf(p.textDocument.uri);
    return a === undefined ? [] : documentSymbols(a);
  }));
  connection.onCodeAction(guard('codeAction', (p) => {
    const a = analysisOf(p.textDocument.uri);
    return a === undefined ? [] : codeActions(a, p.textDocument.uri, p.range);
  }));

  connection.onRequest(STATS_REQUEST, guard(STATS_REQUEST, (): ServerStats => {
    const gc = (globalThis as { gc?: () => void }).gc;
    // Twice: what optimised code still points at (the last long loop's data, which can be a whole
    // closed document's analysis) goes only in the collection after the one that finds it unused.
    if (typeof gc === 'function') {
      gc();
      gc();
    }
    const m = process.memoryUsage();
    return {
      documents: documents.keys().length,
      cachedAnalyses: cache.size,
      analysesRun,
      pendingDiagnostics: timers.size,
      collected: typeof gc === 'function',
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      rss: m.rss,
      external: m.external,
    };
  }));

  documents.listen(connection);
  connection.listen();
}

/**
 * `cnnc lsp --stdio`: a server on stdin/stdout. stdout carries only protocol messages, so console
 * output goes to stderr. The process ends on `exit`, or when stdin closes (the library exits then).
 */
export function startStdioServer(options: ServerOptions = {}): Connection {
  const toStderr = (...args: unknown[]): void => void process.stderr.write(`${args.map(String).join(' ')}\n`);
  console.log = toStderr;
  console.info = toStderr;
  console.warn = toStderr;
  console.debug = toStderr;
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  process.on('uncaughtException', (err) => {
    // A bug outside any handler: report it and keep serving the open documents.
    try {
      connection.console.error(`${SOURCE}: uncaught: ${describe(err)}`);
    } catch {
      process.stderr.write(`${SOURCE}: uncaught: ${describe(err)}\n`);
    }
  });
  startServer(connection, options);
  return connection;
}
