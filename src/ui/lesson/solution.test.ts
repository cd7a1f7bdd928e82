import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioText, type Scenario } from '../../scenario';
import { runScenario } from '../../sim/simulate';
import { applySolution, describeChanges, formatValue, stripSolution } from './solution';

const LIBRARY = join(__dirname, '../../../public/library');
const library = (file: string): Scenario => {
  const outcome = loadScenarioText(readFileSync(join(LIBRARY, file), 'utf8'));
  if (outcome.scenario === null) throw new Error(`${file} does not load`);
  return outcome.scenario;
};
const files = (JSON.parse(readFileSync(join(LIBRARY, 'index.json'), 'utf8')) as { file: string }[]).map((e) => e.file);

describe('stripSolution', () => {
  it('takes the solution out of the lesson and keeps the rest', () => {
    const s = library('nsg-blocks-data-port.json');
    const stripped = stripSolution(s);
    expect(stripped.lesson?.solution).toBeUndefined();
    expect(JSON.stringify(stripped)).not.toContain('"access":"Allow"');
    expect(stripped.lesson?.checks).toEqual(s.lesson?.checks);
    expect(stripped.lesson?.hints).toEqual(s.lesson?.hints);
    expect(s.lesson?.solution).toBeDefined(); // the original is not changed
  });

  it('returns a document without a solution as it is', () => {
    const s = stripSolution(library('nsg-blocks-data-port.json'));
    expect(stripSolution(s)).toBe(s);
  });
});

describe('applySolution', () => {
  it('keeps the user’s own edits where the patch does not touch them', () => {
    const s = { ...library('nsg-blocks-data-port.json'), title: 'my copy' };
    const applied = applySolution(s);
    if (!applied.ok) throw new Error(applied.reason);
    expect(applied.scenario.title).toBe('my copy');
    expect(applied.scenario.networkSecurityGroups?.[0]?.securityRules?.[0]?.access).toBe('Allow');
  });

  it('says so when there is no solution', () => {
    const applied = applySolution(stripSolution(library('nsg-blocks-data-port.json')));
    expect(applied).toMatchObject({ ok: false, reason: 'This lesson has no solution.' });
  });

  it('refuses a patch that makes an unreadable document, saying why', () => {
    const s = library('nsg-blocks-data-port.json');
    const broken = { ...s, lesson: { ...s.lesson, solution: { format: 'something-else' } } } as Scenario;
    const applied = applySolution(broken);
    expect(applied.ok).toBe(false);
    if (!applied.ok) expect(applied.errors.length).toBeGreaterThan(0);
  });

  // The panel's Apply button must give what the engine judges a pass, for every built-in lesson.
  it.each(files)('%s: the applied solution passes every check, and the diff lists its changes', (file) => {
    const s = library(file);
    const applied = applySolution(s);
    if (!applied.ok) throw new Error(applied.reason);
    expect(runScenario(applied.scenario).lesson?.passed).toBe(true);
    expect(describeChanges(s, applied.scenario).length).toBeGreaterThan(0);
  });
});

describe('describeChanges', () => {
  it('reads an NSG rule replaced by another as one change of its fields', () => {
    const s = library('nsg-blocks-data-port.json');
    const applied = applySolution(s);
    if (!applied.ok) throw new Error(applied.reason);
    expect(describeChanges(s, applied.scenario)).toEqual([
      {
        path: 'networkSecurityGroups › nsg-web › securityRules › deny-onprem-http → allow-onprem-http › name',
        kind: 'changed',
        before: 'deny-onprem-http',
        after: 'allow-onprem-http',
      },
      {
        path: 'networkSecurityGroups › nsg-web › securityRules › deny-onprem-http → allow-onprem-http › access',
        kind: 'changed',
        before: 'Deny',
        after: 'Allow',
      },
    ]);
  });

  it('names a field added or removed even when Object.prototype has a member of that name', () => {
    const before = library('nsg-blocks-data-port.json');
    const after = JSON.parse(`{"constructor": 1, "toString": "x", ${JSON.stringify(before).slice(1)}`) as Scenario;
    expect(describeChanges(before, after)).toEqual([
      { path: 'constructor', kind: 'added', after: '1' },
      { path: 'toString', kind: 'added', after: 'x' },
    ]);
    expect(describeChanges(after, before)).toEqual([
      { path: 'constructor', kind: 'removed', before: '1' },
      { path: 'toString', kind: 'removed', before: 'x' },
    ]);
  });

  it('names added and removed fields and items, and sums up canvas moves in one line', () => {
    const before = library('nsg-blocks-data-port.json');
    const after: Scenario = {
      ...before,
      description: undefined as unknown as string,
      seed: 7,
      clients: [...(before.clients ?? []), { name: 'laptop', ipAddress: '192.168.2.9', location: 'onPremises' }],
      layout: { ...before.layout, 'client:laptop': { x: 1, y: 2 }, 'vm:web01': { x: 0, y: 0 } },
    };
    delete (after as { description?: string }).description;
    const changes = describeChanges(before, after);
    expect(changes).toContainEqual(expect.objectContaining({ path: 'description', kind: 'removed' }));
    expect(changes).toContainEqual({ path: 'seed', kind: 'changed', before: '1', after: '7' });
    expect(changes).toContainEqual({
      path: 'clients › laptop',
      kind: 'added',
      after: 'name: laptop · ipAddress: 192.168.2.9 · location: onPremises',
    });
    expect(changes).toContainEqual({
      path: 'layout',
      kind: 'changed',
      after: '2 elements placed or moved on the canvas',
    });
  });

  it('finds nothing when the solution is already in', () => {
    const s = library('nsg-blocks-data-port.json');
    const applied = applySolution(s);
    if (!applied.ok) throw new Error(applied.reason);
    expect(describeChanges(applied.scenario, applied.scenario)).toEqual([]);
  });
});

describe('formatValue', () => {
  it('prints lists of plain values as a list and cuts long values', () => {
    expect(formatValue(['10.0.0.0/16', '10.1.0.0/16'])).toBe('10.0.0.0/16, 10.1.0.0/16');
    expect(formatValue('x'.repeat(300))).toHaveLength(140);
    expect(formatValue({ port: 80, http: { '/': 200 } })).toBe('port: 80 · http: {"/":200}');
  });
});
