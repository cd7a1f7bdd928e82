/**
 * The reference table drives rename and delete: these cases are ones the per-kind code of the
 * editor used to miss, so they fail when the table loses an entry or a walker ignores one.
 */
import { describe, expect, it } from 'vitest';
import { deleteElements, getAt, renameElement } from './edit';
import { KINDS } from './kinds';
import { findReferences, patternKeys, REFERENCES } from './references';
import { createRichScenario } from './testScenarios';
import type { Scenario } from './types';
import { validateScenario } from './validate';

const ok = (r: ReturnType<typeof renameElement>): Scenario => {
  if (!r.ok) throw new Error(r.reason);
  return r.scenario;
};

/** The rich scenario's `setRule` event (on `ilb`). */
const setRuleOf = (s: Scenario) => s.events?.find((e) => e.action === 'setRule') as { rule: { [k: string]: unknown } };

describe('the reference table', () => {
  it('names kinds of the registry, and each parent is read beside its field', () => {
    for (const r of REFERENCES) {
      for (const kind of r.to) expect(Object.keys(KINDS)).toContain(kind);
      if (r.parent === undefined) continue;
      const field = patternKeys(r.field);
      const parent = patternKeys(r.parent);
      // The parent's `[*]` are the field's own: the name is read in the same item.
      expect(field.slice(0, parent.lastIndexOf('*') + 1)).toEqual(parent.slice(0, parent.lastIndexOf('*') + 1));
      // A parent is named only for kinds whose names are unique in their parent.
      for (const kind of r.to) expect(KINDS[kind].scope).toBe('parent');
    }
  });

  it('finds a rule’s frontend in the rule’s own load balancer', () => {
    const found = findReferences(createRichScenario()).filter(
      (f) => f.reference.field === 'loadBalancers[*].loadBalancingRules[*].frontendIPConfiguration',
    );
    expect(found.map((f) => f.targets[0]?.ids[0])).toEqual(
      expect.arrayContaining(['frontend:ilb/fe', 'frontend:plb/fe-pub']),
    );
  });

  it('renames what a setRule event’s rule names, in the event’s load balancer only', () => {
    const s = createRichScenario();
    const before = setRuleOf(s).rule;
    const pool = ok(renameElement(s, `pool:ilb/${String(before.backendAddressPool)}`, 'renamed-pool'));
    expect(setRuleOf(pool).rule.backendAddressPool).toBe('renamed-pool');
    const frontend = ok(renameElement(s, `frontend:ilb/${String(before.frontendIPConfiguration)}`, 'renamed-fe'));
    expect(setRuleOf(frontend).rule.frontendIPConfiguration).toBe('renamed-fe');
    // Renaming a pool of the other load balancer leaves the event alone.
    const other = ok(renameElement(s, 'pool:plb/web', 'web2'));
    expect(setRuleOf(other).rule).toEqual(before);
  });

  it('deleting traffic takes the lesson checks that name it', () => {
    const s = createRichScenario();
    const name = s.lesson?.checks?.find((c) => 'traffic' in c && typeof c.traffic === 'string') as { traffic: string };
    const r = deleteElements(s, [`traffic:${name.traffic}`]);
    if (!r.ok) throw new Error(r.reason);
    expect(r.scenario.traffic?.some((t) => t.name === name.traffic)).toBe(false);
    expect(r.scenario.lesson?.checks?.some((c) => 'traffic' in c && c.traffic === name.traffic)).toBe(false);
    expect(r.ids).toEqual([`traffic:${name.traffic}`]);
  });

  it('clears a deleted probe from a setRule event and from the rules, and keeps the event', () => {
    const s = createRichScenario();
    const probe = String(setRuleOf(s).rule.probe);
    const r = deleteElements(s, [`probe:ilb/${probe}`]);
    if (!r.ok) throw new Error(r.reason);
    expect(setRuleOf(r.scenario).rule).not.toHaveProperty('probe');
    expect(getAt(r.scenario, ['loadBalancers', 0, 'loadBalancingRules', 0])).not.toHaveProperty('probe');
  });
});

describe('validation looks references up through the table', () => {
  /** References whose lookup says more than "no such element": a compound name, a VM's own NIC, two kinds, a check's member. */
  const BESPOKE = (r: (typeof REFERENCES)[number]) =>
    r.onDelete === 'keep' ||
    r.row === true ||
    r.to.includes('subnet') ||
    r.to.length > 1 ||
    r.field === 'virtualMachines[*].routes[*].interface' ||
    r.field.startsWith('lesson.checks[*].member');

  it('a name written nowhere is an error at the field, in the words the table gives (kind, and where it is unique)', () => {
    const s = createRichScenario();
    // …with the references it lacks: an NSG on a NIC, and a check that names a rule.
    const nic = s.virtualMachines?.[0]?.networkInterfaces[0];
    if (nic !== undefined) nic.networkSecurityGroup = 'nsg-web';
    s.lesson?.checks?.push({ name: 'spread', loadBalancer: 'ilb', rule: 'http', expect: 'allMembers' });
    expect(validateScenario(s).errors).toEqual([]);
    const seen = new Set<string>();
    for (const found of findReferences(s)) {
      if (BESPOKE(found.reference)) continue;
      for (const target of found.targets) {
        const broken = structuredClone(s) as unknown as { [k: string]: unknown };
        const path = target.index === null ? found.path : [...found.path, target.index];
        let node: { [k: string | number]: unknown } = broken;
        for (const key of path.slice(0, -1)) node = node[key] as { [k: string | number]: unknown };
        node[path[path.length - 1] as string | number] = 'nothing-here';
        const text = path
          .map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`))
          .join('')
          .slice(1);
        const label = KINDS[found.reference.to[0] as keyof typeof KINDS].schema.label;
        const errors = validateScenario(broken).errors.filter((e) => e.path === text);
        expect(errors.map((e) => e.message)[0] ?? `(no error at ${text})`, text).toMatch(
          new RegExp(`^no ${label} named "nothing-here"`),
        );
        seen.add(found.reference.field);
      }
    }
    // Every row so looked up is exercised by the rich scenario.
    const rows = REFERENCES.filter((r) => !BESPOKE(r)).map((r) => r.field);
    expect(rows.filter((field) => !seen.has(field))).toEqual([]);
  });
});
