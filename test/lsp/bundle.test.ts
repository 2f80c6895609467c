// The server as the VS Code extension ships it: src/lsp bundled by editors/vscode/build.mjs into one
// ES module file, started with plain node (no tsx, no node_modules next to it).

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildServer } from '../../editors/vscode/build.mjs';
import { TestClient } from './client.js';

let dir: string | undefined;
let client: TestClient | undefined;
afterAll(async () => {
  client?.kill();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

it('bundles the server into one file that starts and publishes diagnostics', async () => {
  dir = await mkdtemp(join(tmpdir(), 'cnnc-bundle-'));
  const outfile = await buildServer(join(dir, 'server.mjs'));
  expect((await stat(outfile)).size).toBeGreaterThan(10_000);
  client = await TestClient.start([outfile, '--stdio']);
  expect(client.initResult?.capabilities.hoverProvider).toBe(true);
  const uri = 'file:///tmp/typo.cnn';
  await client.open(uri, 'input 1x28x28\nconvv 6 5x5\n', 1);
  const p = await client.diagnosticsFor(uri, 1);
  expect(p.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.character])).toEqual([
    ['unknown-keyword', 1, 0, 5],
  ]);
  expect(await client.stop()).toBe(0);
});
