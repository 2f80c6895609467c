// What a name is (LANGUAGE.md: `[A-Za-z_][A-Za-z0-9_]*`). The AST builder only ever makes such
// names; an AST from another tool may hold anything, and names reach the generated code as
// identifiers and quoted strings, so the checker refuses any other (code `invalid-name`).

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const INVALID_NAME = 'invalid-name';

export function isName(name: unknown): name is string {
  return typeof name === 'string' && NAME.test(name);
}

/** The message for a name that is not one: `what` is "the label", "the network name". */
export function invalidNameMessage(what: string, name: unknown): string {
  const shown = JSON.stringify(String(name)).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  const cut = shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
  return `${what} ${cut} is not a name: a name is a letter or \`_\`, then letters, digits and \`_\``;
}
