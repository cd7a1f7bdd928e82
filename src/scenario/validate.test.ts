/**
 * validateScenario as a whole: shape errors with their exact text, unknown fields, and fuzzing
 * (no input makes validation or restore throw; whatever restore returns is well typed).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDefaultScenario } from './defaultScenario';
import { loadScenarioText } from './index';
import { restoreScenario } from './restore';
import { SCENARIO } from './schema';
import { checkShape, isWellTyped } from './shape';
import { createRichScenario } from './testScenarios';
import type { Scenario } from './types';
import { validateScenario } from './validate';

// biome-ignore lint/suspicious/noExplicitAny: a document to break is untyped on purpose.
type Loose = Record<string, any>;

/** A copy of the default scenario as loose JSON, to break at will. */
function broken(change: (s: Loose) => void): unknown {
  const s = structuredClone(createDefaultScenario()) as unknown as Loose;
  change(s);
  return s;
}

describe('shape errors', () => {
  it('a probe port of 0', () => {
    expect(validateScenario(broken((s) => (s.loadBalancers[0].probes[0].port = 0))).errors).toEqual([
      { path: 'loadBalancers[0].probes[0].port', message: 'must be a whole number 1–65535, got 0' },
    ]);
  });
  it('an NSG priority below 100', () => {
    const s = broken((s) => {
      s.networkSecurityGroups = [
        { name: 'nsg', securityRules: [{ name: 'r', priority: 50, direction: 'Inbound', access: 'Allow' }] },
      ];
    });
    expect(validateScenario(s).errors).toEqual([
      {
        path: 'networkSecurityGroups[0].securityRules[0].priority',
        message: 'must be a whole number 100–4096, got 50',
      },
    ]);
  });
  it('a fraction where a whole number is needed', () => {
    expect(validateScenario(broken((s) => (s.traffic[0].connections = 1.5))).errors).toEqual([
      { path: 'traffic[0].connections', message: 'must be a whole number 1–10000000, got 1.5' },
    ]);
  });
  it('an enumeration, with a did-you-mean for the wrong case', () => {
    expect(validateScenario(broken((s) => (s.loadBalancers[0].sku = 'standard'))).errors).toEqual([
      {
        path: 'loadBalancers[0].sku',
        message: 'must be one of Standard, Basic, got "standard" (did you mean "Standard"?)',
      },
    ]);
  });
  it('a required field that is missing', () => {
    expect(
      validateScenario(broken((s) => delete s.virtualMachines[0].networkInterfaces[0].ipConfigurations[0].subnet))
        .errors,
    ).toEqual([
      {
        path: 'virtualMachines[0].networkInterfaces[0].ipConfigurations[0].subnet',
        message: 'missing: every IP configuration needs "subnet"',
      },
    ]);
  });
  it('a list of the wrong type', () => {
    expect(validateScenario(broken((s) => (s.vnets = { spoke: {} }))).errors).toContainEqual({
      path: 'vnets',
      message: 'must be a list, got an object',
    });
  });
  it('an empty name', () => {
    expect(validateScenario(broken((s) => (s.virtualMachines[0].listeners[0].name = ' '))).errors).toEqual([
      { path: 'virtualMachines[0].listeners[0].name', message: 'must not be empty' },
    ]);
  });
  it('an event with an action that does not exist', () => {
    const result = validateScenario(broken((s) => (s.events = [{ at: 1, action: 'rebootVm', vm: 'web01' }])));
    expect(result.errors).toEqual([
      {
        path: 'events[0].action',
        message: expect.stringMatching(/^must be one of stopVm, startVm, .*got "rebootVm"$/),
      },
    ]);
  });
  it('an event action named like a property of every object is just unknown', () => {
    const result = validateScenario(broken((s) => (s.events = [{ at: 1, action: 'constructor' }])));
    expect(result.errors).toEqual([
      { path: 'events[0].action', message: expect.stringContaining('got "constructor"') },
    ]);
  });
  it('a broken item is reported once, by shape, and rules skip it', () => {
    const result = validateScenario(broken((s) => (s.loadBalancers[0].loadBalancingRules[0].frontendPort = '80')));
    expect(result.errors).toEqual([
      {
        path: 'loadBalancers[0].loadBalancingRules[0].frontendPort',
        message: 'must be a whole number 0–65535, got "80"',
      },
    ]);
  });
  it('rules keep the original index of items after a broken one', () => {
    const result = validateScenario(
      broken((s) => {
        s.virtualMachines.unshift({ name: 42 });
        s.virtualMachines.push({
          name: 'web01',
          networkInterfaces: [
            { name: 'x', ipConfigurations: [{ name: 'ipconfig1', subnet: 'spoke/web', privateIPAddress: '10.2.1.9' }] },
          ],
        });
      }),
    );
    expect(result.errors).toContainEqual({ path: 'virtualMachines[0].name', message: 'must be text, got 42' });
    expect(result.errors).toContainEqual({
      path: 'virtualMachines[2].name',
      message: 'duplicate name: another virtual machine is already named "web01" (virtualMachines[1])',
    });
  });
});

describe('the document itself', () => {
  it('a document that is not an object is named (document)', () => {
    expect(validateScenario(undefined).errors).toEqual([
      { path: '(document)', message: 'must be an object (a scenario), got nothing' },
    ]);
  });
});

describe('unknown fields', () => {
  it('are warned about with their path, and are not errors', () => {
    const result = validateScenario(
      broken((s) => {
        s.author = 'me';
        s.loadBalancers[0].probes[0].timeoutInSeconds = 31;
      }),
    );
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      {
        path: 'loadBalancers[0].probes[0].timeoutInSeconds',
        message: 'unknown field: kept as written, but Hairpin does not use it',
      },
      { path: 'author', message: 'unknown field: kept as written, but Hairpin does not use it' },
    ]);
  });
  it('a field in the wrong case gets a did-you-mean', () => {
    const result = validateScenario(broken((s) => (s.loadBalancers[0].probes[0].Port = 80)));
    expect(result.warnings).toEqual([
      { path: 'loadBalancers[0].probes[0].Port', message: expect.stringContaining('(did you mean "port"?)') },
    ]);
  });
  it('a field named like a property of every object is unknown too', () => {
    const result = validateScenario(broken((s) => (s.vnets[0].toString = 'x')));
    expect(result.warnings).toEqual([{ path: 'vnets[0].toString', message: expect.stringContaining('unknown field') }]);
  });
  it('a field name that is not an identifier is quoted in the path', () => {
    const result = validateScenario(broken((s) => (s.vnets[0]['x-ms-tag'] = 1)));
    expect(result.warnings).toEqual([
      { path: 'vnets[0]["x-ms-tag"]', message: expect.stringContaining('unknown field') },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Fuzzing

type Key = string | number;

/** Every path into a JSON value (objects and lists), to aim mutations at. */
function pathsOf(value: unknown, prefix: Key[] = [], out: Key[][] = []): Key[][] {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) pathsOf(v, [...prefix, i], out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  }
  return out;
}

/** Sets (or, with `undefined`, deletes) the value at `path`; the root is replaced by returning it. */
function mutate(document: unknown, path: Key[], value: unknown): unknown {
  if (path.length === 0) return value;
  const root = structuredClone(document);
  let node = root as Record<Key, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<Key, unknown>;
  const last = path[path.length - 1] as Key;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else {
    node[last] = value;
  }
  return root;
}

/** Values that mean something somewhere in a scenario, and arbitrary JSON. */
const interesting = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    undefined,
    null,
    '',
    '*',
    '0.0.0.0',
    '10.2.1.4',
    '10.2.1.100',
    '10.2.1.0/24',
    '10.2.0.0/16',
    '10.2.1.100:80',
    'web01',
    'web01-nic1',
    'spoke/web',
    'ilb',
    'fe',
    'pool',
    'p80',
    'All',
    'Udp',
    'Icmp',
    'Basic',
    'VirtualNetwork',
    '__proto__',
    'constructor',
    0,
    -1,
    1.5,
    65535,
    65536,
    true,
    [],
    {},
  ),
);

const bases = [createDefaultScenario(), createRichScenario()];
const basePaths = bases.map((b) => pathsOf(b));

/** A valid scenario with up to eight of its values replaced, deleted, or set to arbitrary JSON. */
const mutatedScenario = fc
  .tuple(
    fc.integer({ min: 0, max: bases.length - 1 }),
    fc.array(fc.tuple(fc.nat(), interesting), { minLength: 1, maxLength: 8 }),
  )
  .map(([which, changes]) => {
    let doc: unknown = bases[which];
    const paths = basePaths[which] as Key[][];
    for (const [n, value] of changes) {
      // Mutations aim at the base's paths; a path a previous mutation removed is skipped.
      const path = paths[n % paths.length] as Key[];
      try {
        doc = mutate(doc, path, value);
      } catch {
        // The path no longer exists in this document.
      }
    }
    return doc;
  });

/** True for messages that say a value has the wrong type or is missing (not a range or rule). */
const isTypeError = (message: string) =>
  /^(missing:|must be (text|a list|an object|true or false|one of))/.test(message);

describe('fuzzing', () => {
  it('validation and restore never throw on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        validateScenario(value);
        restoreScenario(value);
      }),
      { numRuns: 500 },
    );
  });

  it('validation and restore never throw on a mutated scenario', () => {
    fc.assert(
      fc.property(mutatedScenario, (doc) => {
        const result = validateScenario(doc);
        expect(Array.isArray(result.errors) && Array.isArray(result.warnings)).toBe(true);
        restoreScenario(doc);
      }),
      { numRuns: 1500 },
    );
  });

  it('every diagnostic names a path and says something', () => {
    fc.assert(
      fc.property(mutatedScenario, (doc) => {
        const { errors, warnings } = validateScenario(doc);
        for (const d of [...errors, ...warnings]) {
          expect(d.path).not.toBe('');
          expect(d.message.length).toBeGreaterThan(5);
          expect(d.message).not.toMatch(/undefined|NaN|\[object Object\]/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('whatever restore returns is well typed and restores to itself', () => {
    fc.assert(
      fc.property(fc.oneof(mutatedScenario, fc.jsonValue()), (doc) => {
        const { scenario } = restoreScenario(doc);
        expect(isWellTyped(SCENARIO, scenario)).toBe(true);
        // Shape's own verdict: rules may still say "missing:" of a field restore had to remove.
        expect(checkShape(SCENARIO, scenario).errors.filter((e) => isTypeError(e.message))).toEqual([]);
        const again = restoreScenario(scenario);
        expect(again.repairs).toEqual([]);
        expect(again.scenario).toEqual(scenario);
      }),
      { numRuns: 800 },
    );
  });

  it('a mutation that changes nothing leaves a valid scenario valid', () => {
    for (const base of bases) {
      const copy = JSON.parse(JSON.stringify(base)) as Scenario;
      expect(validateScenario(copy)).toEqual({ errors: [], warnings: [] });
    }
  });
});

describe("a lesson's solution", () => {
  /** The rich scenario with `solution` as its lesson's solution, validated from JSON text. */
  const solved = (solution: unknown, text = (t: string) => t) => {
    const s = createRichScenario() as unknown as Loose;
    s.lesson.solution = solution;
    return loadScenarioText(text(JSON.stringify(s)));
  };

  it('is valid when applying it gives a valid document', () => {
    expect(solved({ seed: 9, loadBalancers: createRichScenario().loadBalancers }).errors).toEqual([]);
  });

  it('must be an object', () => {
    expect(solved([1]).errors).toEqual([{ path: 'lesson.solution', message: 'must be an object, got a list' }]);
  });

  it('may not hold a number JSON cannot carry (1e999 would come back as null)', () => {
    const loaded = solved({ seed: 'INF', title: ['INF'] }, (t) => t.replaceAll('"INF"', '1e999'));
    expect(loaded.errors).toEqual([
      { path: 'lesson.solution.seed', message: 'must be a finite number, got Infinity (a number too large for JSON)' },
      {
        path: 'lesson.solution.title[0]',
        message: 'must be a finite number, got Infinity (a number too large for JSON)',
      },
    ]);
  });

  it('reports an error of the solved document at the field of the solution that wrote it', () => {
    const lbs = createRichScenario().loadBalancers as Loose[];
    (lbs[0] as Loose).probes[0].port = 0;
    expect(solved({ seed: -1, loadBalancers: lbs }).errors).toEqual([
      {
        path: 'lesson.solution.seed',
        message: "must be a whole number 0–4294967295, got -1 (once the lesson's solution is applied)",
      },
      {
        path: 'lesson.solution.loadBalancers[0].probes[0].port',
        message: "must be a whole number 1–65535, got 0 (once the lesson's solution is applied)",
      },
    ]);
  });

  it('reports a missing field or a broken reference at the nearest field the solution wrote', () => {
    const vms = createRichScenario().virtualMachines as Loose[];
    delete (vms[0] as Loose).networkInterfaces;
    const errors = solved({
      virtualMachines: vms,
      traffic: [{ name: 't', from: 'nobody', to: '10.2.1.100:80' }],
    }).errors;
    expect(errors).toContainEqual({
      path: 'lesson.solution.virtualMachines[0]',
      message:
        'virtualMachines[0].networkInterfaces: missing: every virtual machine needs "networkInterfaces" (once the lesson\'s solution is applied)',
    });
    expect(errors).toContainEqual(
      expect.objectContaining({
        path: 'lesson.solution.traffic[0].from',
        message: expect.stringMatching(
          /^no virtual machine or client named "nobody".*\(once the lesson's solution is applied\)$/,
        ),
      }),
    );
  });

  it('does not repeat what the document as written already has wrong', () => {
    const s = createRichScenario() as unknown as Loose;
    s.seed = -1;
    s.lesson.solution = { title: 'solved' };
    expect(validateScenario(s).errors).toEqual([
      { path: 'seed', message: 'must be a whole number 0–4294967295, got -1' },
    ]);
  });
});
