import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../sim/simulate';
import { createDefaultScenario } from './defaultScenario';
import { loadScenarioValue } from './index';
import { MIGRATIONS, type Migration, migrateScenario } from './migrate';

const read = (path: string): unknown => JSON.parse(readFileSync(join(__dirname, path), 'utf8'));

/**
 * A library lab as version 1 wrote it (NICs with their own `subnet` and `privateIPAddress`, pools
 * listing NIC names, a lesson solution carrying whole VMs and load balancers), and the same lab as
 * the library ships it now.
 */
const V1_LAB = read('fixtures/v1-workaround-second-nic-linux.json') as { [key: string]: unknown };
const V2_LAB = read('../../public/library/workaround-second-nic-linux.json');

/**
 * One document per migration, written in the version *before* it. The guard below fails when a
 * migration is added without a fixture here, so that no migration ships unexercised (tldraw).
 */
const BEFORE: Record<string, unknown> = {
  '1:add-version': (() => {
    const { version: _dropped, ...unversioned } = V1_LAB;
    return unversioned;
  })(),
  '2:ip-configurations': V1_LAB,
};

describe('migrations', () => {
  it('1:add-version: a document without "version" is read as version 1 and brought up to date', () => {
    const result = migrateScenario(BEFORE['1:add-version']);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.fromVersion).toBe(0);
    expect(result.value.applied).toEqual(['1:add-version', '2:ip-configurations']);
    expect(result.value.document).toEqual(V2_LAB);
  });

  it('2:ip-configurations: NICs get their address as one IP configuration, pools members naming it, the solution too', () => {
    const result = migrateScenario(BEFORE['2:ip-configurations']);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.fromVersion).toBe(1);
    expect(result.value.applied).toEqual(['2:ip-configurations']);
    // Byte for byte the library's version-2 file: the same fields in a natural order.
    expect(JSON.stringify(result.value.document, null, 2)).toBe(JSON.stringify(V2_LAB, null, 2));
    const solution = (result.value.document.lesson as { solution: { loadBalancers: unknown[] } }).solution;
    expect(JSON.stringify(solution.loadBalancers)).toContain(
      '"networkInterfaceIPConfiguration":"web01-nic1/ipconfig1"',
    );
  });

  it('2:ip-configurations: a version-1 lab keeps its result, connection by connection and probe by probe', () => {
    const v1 = loadScenarioValue(V1_LAB);
    const v2 = loadScenarioValue(V2_LAB);
    expect([...v1.errors, ...v2.errors]).toEqual([]);
    if (v1.scenario === null || v2.scenario === null) throw new Error('not loaded');
    const before = runScenario(v1.scenario);
    const after = runScenario(v2.scenario);
    expect(JSON.stringify(before)).toBe(JSON.stringify(after));
    expect(before.connections.length).toBeGreaterThan(0);
  });

  it('2:ip-configurations: moves a NIC public IP into its IP configuration and keeps the NIC settings after it', () => {
    const result = migrateScenario({
      format: 'hairpin-scenario',
      version: 1,
      virtualMachines: [
        {
          name: 'vm',
          networkInterfaces: [
            {
              name: 'nic',
              networkSecurityGroup: 'nsg',
              subnet: 'v/s',
              privateIPAddress: '10.0.0.4',
              publicIPAddress: '20.0.0.4',
              enableIPForwarding: true,
            },
          ],
        },
      ],
    });
    expect(result.ok && result.value.document.virtualMachines).toEqual([
      {
        name: 'vm',
        networkInterfaces: [
          {
            name: 'nic',
            ipConfigurations: [
              { name: 'ipconfig1', subnet: 'v/s', privateIPAddress: '10.0.0.4', publicIPAddress: '20.0.0.4' },
            ],
            networkSecurityGroup: 'nsg',
            enableIPForwarding: true,
          },
        ],
      },
    ]);
  });

  it('2:ip-configurations: leaves what it cannot read as written, for validation to report at its path', () => {
    const odd = {
      format: 'hairpin-scenario',
      version: 1,
      virtualMachines: [
        'not a VM',
        { name: 'no-nics' },
        { name: 'vm', networkInterfaces: [7, { name: 'bare' }, { name: 'v2', ipConfigurations: [] }] },
      ],
      loadBalancers: [
        null,
        {
          name: 'lb',
          backendAddressPools: [3, { name: 'p', networkInterfaces: 'nic' }, { name: 'q', networkInterfaces: ['a', 5] }],
        },
      ],
      lesson: { solution: 'not a patch' },
    };
    const result = migrateScenario(odd);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const doc = result.value.document;
    expect(doc.virtualMachines).toEqual(odd.virtualMachines);
    expect(doc.lesson).toEqual(odd.lesson);
    expect((doc.loadBalancers as unknown[])[1]).toEqual({
      name: 'lb',
      backendAddressPools: [
        3,
        { name: 'p', networkInterfaces: 'nic' },
        { name: 'q', loadBalancerBackendAddresses: [{ networkInterfaceIPConfiguration: 'a/ipconfig1' }, 5] },
      ],
    });
    // …and validation names the fields.
    const loaded = loadScenarioValue({ ...odd, virtualMachines: [], lesson: undefined });
    const paths = loaded.errors.map((d) => d.path);
    expect(paths).toContain('loadBalancers[1].backendAddressPools[1].loadBalancerBackendAddresses');
    expect(paths).toContain('loadBalancers[1].backendAddressPools[2].loadBalancerBackendAddresses[1]');
  });

  it('the default scenario is current: nothing to migrate', () => {
    const result = migrateScenario(createDefaultScenario());
    expect(result.ok && result.value.applied).toEqual([]);
  });

  it('guard: every migration is exercised by a fixture written before it', () => {
    const exercised = new Set<string>();
    for (const [name, document] of Object.entries(BEFORE)) {
      const result = migrateScenario(document);
      expect(result.ok, name).toBe(true);
      if (result.ok) for (const applied of result.value.applied) exercised.add(applied);
    }
    const all = MIGRATIONS.map((m) => `${m.to}:${m.name}`);
    expect(all.filter((m) => !exercised.has(m))).toEqual([]);
    expect(Object.keys(BEFORE).sort()).toEqual([...all].sort());
  });

  it('guard: migrations are numbered 1, 2, 3 … without gaps', () => {
    expect(MIGRATIONS.map((m) => m.to)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('runs later migrations in order and only those after the document version', () => {
    const steps: Migration[] = [
      ...MIGRATIONS,
      { to: 3, name: 'rename-x', up: (d) => ({ ...d, version: 3, y: d.x, x: undefined }) },
    ];
    const from2 = migrateScenario({ ...createDefaultScenario(), x: 5 }, steps);
    expect(from2.ok && from2.value.applied).toEqual(['3:rename-x']);
    expect(from2.ok && from2.value.document.y).toBe(5);
    const current = migrateScenario({ ...createDefaultScenario(), version: 3 }, steps);
    expect(current.ok && current.value.applied).toEqual([]);
  });

  it('refuses a document from a newer Hairpin with a clear message', () => {
    const result = migrateScenario({ ...createDefaultScenario(), version: 7 });
    expect(result).toEqual({
      ok: false,
      error: {
        path: 'version',
        message:
          'this scenario was written by a newer Hairpin (format version 7; this version reads up to 2): update Hairpin to open it',
      },
    });
  });

  it.each([
    [{ version: 1 }, 'format', 'missing: a scenario must say "format": "hairpin-scenario"'],
    [
      { format: 'excalidraw', version: 1 },
      'format',
      'must be "hairpin-scenario", got "excalidraw": this is not a Hairpin scenario',
    ],
    [{ format: 'hairpin-scenario', version: '1' }, 'version', 'must be a whole number from 1, got "1"'],
    [{ format: 'hairpin-scenario', version: 0.5 }, 'version', 'must be a whole number from 1, got 0.5'],
    [[1, 2], '(document)', 'a scenario must be a JSON object, got a list'],
    [null, '(document)', 'a scenario must be a JSON object, got null'],
    ['text', '(document)', 'a scenario must be a JSON object, got a string'],
  ])('refuses %j at %s', (document, path, message) => {
    expect(migrateScenario(document)).toEqual({ ok: false, error: { path, message } });
  });
});
