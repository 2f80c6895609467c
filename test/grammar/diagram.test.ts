import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { diagramHtml } from '../../grammar/diagram.js';
import { serializedGrammar } from '../../grammar/index.js';

describe('railroad diagram', () => {
  const html = diagramHtml();
  const ruleNames = serializedGrammar().map((r) => (r as unknown as { name: string }).name);

  it('holds every rule of the grammar', () => {
    expect(ruleNames).toEqual(expect.arrayContaining(['program', 'statement', 'layerStmt', 'repeatStmt', 'block', 'optionClause']));
    for (const name of ruleNames) expect(html).toContain(`"name": "${name}"`);
  });

  it('loads nothing from the network: scripts and styles are inline', () => {
    expect(html).not.toMatch(/<script[^>]*\bsrc\s*=/i);
    expect(html).not.toMatch(/<link[^>]*\bhref\s*=/i);
    expect(html).not.toMatch(/@import|url\(\s*['"]?https?:/i);
    expect(html).not.toContain('unpkg.com');
  });

  it('draws one diagram per rule when its scripts run', () => {
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    const target = { innerHTML: '' };
    const document = {
      getElementById: () => target,
      getElementsByClassName: () => [],
      querySelectorAll: () => [],
    };
    const window: Record<string, unknown> = { document };
    window['window'] = window;
    const context = vm.createContext(window);
    for (const s of scripts) vm.runInContext(s, context);
    expect(target.innerHTML.match(/<svg/g)).toHaveLength(ruleNames.length);
    for (const name of ruleNames) expect(target.innerHTML).toContain(`>${name}</h2>`);
  });

  it('is up to date in grammar/diagram.html (regenerate with `npm run diagram`)', () => {
    const committed = readFileSync(new URL('../../grammar/diagram.html', import.meta.url), 'utf8');
    expect(committed).toBe(html);
  });
});
