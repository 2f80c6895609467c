// Types of build.mjs, for the root test suite that imports it.
export function buildServer(outfile?: string): Promise<string>;
export function buildClient(outfile?: string): Promise<string>;
