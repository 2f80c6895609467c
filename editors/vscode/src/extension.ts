// The VS Code client: starts the cnnc language server for `.cnn` files. By default the server
// bundled with the extension (dist/server.mjs, built from src/lsp by build.mjs) runs in VS Code's
// own Node; `cnnc.server.command` runs another one instead (e.g. the project's `npx cnnc lsp --stdio`).

import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

function serverOptions(context: vscode.ExtensionContext): ServerOptions {
  const command = vscode.workspace.getConfiguration('cnnc').get<string[]>('server.command', []);
  if (Array.isArray(command) && command.length > 0 && command[0]) {
    // The command is run as given: include `--stdio` in it (`cnnc lsp --stdio`).
    return { command: command[0], args: command.slice(1), options: { shell: process.platform === 'win32' } };
  }
  const module = context.asAbsolutePath('dist/server.mjs');
  return {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  // The server reads no settings: only the client's (which server to start) matter.
  const clientOptions: LanguageClientOptions = { documentSelector: [{ language: 'cnn' }] };
  client = new LanguageClient('cnnc', 'cnnc', serverOptions(context), clientOptions);
  await client.start();
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (c !== undefined) await c.stop();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand('cnnc.restartServer', async () => {
      await stop();
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('cnnc.server')) {
        await stop();
        await start(context);
      }
    }),
  );
  await start(context);
}

export function deactivate(): Promise<void> {
  return stop();
}
