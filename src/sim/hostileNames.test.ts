/**
 * Names that are also the names of Object.prototype's members (`__proto__`, `constructor`, …) are
 * names like any other: a result keyed by them keeps them, and a lesson check finds exactly the
 * count of the member it names, never a prototype's function.
 */
import { describe, expect, it } from 'vitest';
import { createDefaultScenario } from '../scenario/defaultScenario';
import { deleteElements, renameElement } from '../scenario/edit';
import { loadScenarioText, loadScenarioValue, validateScenario } from '../scenario/index';
import { membersOf, poolMemberNics } from '../scenario/members';
import type { LessonCheck, Scenario } from '../scenario/types';
import { runScenario, runScenarioBulk } from './simulate';

const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'] as const;

/** Five web servers behind one rule, every resource named after a member of Object.prototype. */
function hostileLab(change: (s: Scenario) => void = () => {}): Scenario {
  const s = createDefaultScenario();
  s.virtualMachines = HOSTILE.map((name, i) => ({
    name,
    os: 'linux',
    networkInterfaces: [
      { ipConfigurations: [{ name: 'ipconfig1', subnet: 'spoke/web', privateIPAddress: `10.2.1.${10 + i}` }], name },
    ],
    listeners: [{ name: 'toString', protocol: 'Tcp', address: '0.0.0.0', port: 80, http: { '/': 200 } }],
  }));
  s.networkSecurityGroups = [
    {
      name: 'constructor',
      securityRules: [
        { name: '__proto__', priority: 100, direction: 'Inbound', access: 'Allow', destinationPortRange: '80' },
      ],
    },
  ];
  const subnet = s.vnets?.[0]?.subnets[0];
  if (subnet !== undefined) subnet.networkSecurityGroup = 'constructor';
  s.loadBalancers = [
    {
      name: 'valueOf',
      sku: 'Standard',
      frontendIPConfigurations: [{ name: 'toString', privateIPAddress: '10.2.1.100', subnet: 'spoke/web' }],
      backendAddressPools: [{ name: 'hasOwnProperty', loadBalancerBackendAddresses: membersOf(HOSTILE) }],
      probes: [{ name: 'constructor', protocol: 'Tcp', port: 80, intervalInSeconds: 5 }],
      loadBalancingRules: [
        {
          name: '__proto__',
          frontendIPConfiguration: 'toString',
          backendAddressPool: 'hasOwnProperty',
          probe: 'constructor',
          protocol: 'Tcp',
          frontendPort: 80,
          backendPort: 80,
        },
      ],
    },
  ];
  s.clients = [{ name: 'propertyIsEnumerable', os: 'linux', ipAddress: '192.168.2.1', location: 'onPremises' }];
  s.traffic = [
    { name: 'constructor', from: 'propertyIsEnumerable', to: '10.2.1.100:80', connections: 60, startAt: 20, http: '/' },
  ];
  s.layout = Object.fromEntries(HOSTILE.map((name, i) => [`vm:${name}`, { x: 100 * i, y: 0 }]));
  change(s);
  return s;
}

const allMembers: LessonCheck = {
  name: 'every member',
  loadBalancer: 'valueOf',
  rule: '__proto__',
  expect: 'allMembers',
};

function run(s: Scenario) {
  // Through the text pipeline: JSON.parse makes "__proto__" an own key, as a file would.
  const loaded = loadScenarioText(JSON.stringify(s));
  expect(loaded.errors).toEqual([]);
  if (loaded.scenario === null) throw new Error('not loaded');
  return runScenario(loaded.scenario);
}

describe('resources named after members of Object.prototype', () => {
  it('validate without a problem, and survive a round trip', () => {
    const s = hostileLab();
    const loaded = loadScenarioValue(JSON.parse(JSON.stringify(s)));
    expect(loaded.errors).toEqual([]);
    expect(loaded.warnings).toEqual([]);
    expect(JSON.parse(JSON.stringify(loaded.scenario))).toEqual(JSON.parse(JSON.stringify(s)));
  });

  it('are each counted in the distribution of the rule', () => {
    const result = run(hostileLab((s) => (s.lesson = { checks: [allMembers] })));
    const row = JSON.parse(JSON.stringify(result.distribution))['valueOf/__proto__'];
    expect(Object.keys(row).sort()).toEqual([...HOSTILE].sort());
    for (const name of HOSTILE) expect(row[name]).toBeGreaterThan(0);
    expect(Object.values(row as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(60);
    expect(result.lesson?.checks[0]).toMatchObject({ name: 'every member', passed: true });
  });

  it('are each counted among the backends of a bulk run', () => {
    const loaded = loadScenarioText(JSON.stringify(hostileLab()));
    if (loaded.scenario === null) throw new Error('not loaded');
    const bulk = runScenarioBulk(loaded.scenario);
    const backends = JSON.parse(JSON.stringify(bulk.backends));
    expect(Object.keys(backends).sort()).toEqual([...HOSTILE].sort());
    const row = JSON.parse(JSON.stringify(bulk.distribution))['valueOf/__proto__'];
    expect(Object.keys(row).sort()).toEqual([...HOSTILE].sort());
  });

  it.each(HOSTILE)('fail an allMembers check when %s receives nothing', (idle) => {
    const result = run(
      hostileLab((s) => {
        const vm = s.virtualMachines?.find((v) => v.name === idle);
        if (vm !== undefined) vm.powerState = 'stopped';
        s.lesson = { checks: [allMembers, { ...allMembers, name: 'named', members: [idle] }] };
      }),
    );
    expect(JSON.parse(JSON.stringify(result.distribution))['valueOf/__proto__'][idle]).toBe(0);
    const [every, named] = result.lesson?.checks ?? [];
    expect(every).toMatchObject({ passed: false, detail: expect.stringContaining(`${idle} received none`) });
    expect(named).toMatchObject({ passed: false, detail: `${idle} received none: ${idle} 0` });
  });

  it('fail an allMembers check when the rule placed no connection at all', () => {
    const result = run(
      hostileLab((s) => {
        s.traffic = [];
        s.lesson = { checks: HOSTILE.map((m) => ({ ...allMembers, name: m, members: [m] })) };
      }),
    );
    expect(result.lesson?.checks.map((c) => [c.name, c.passed])).toEqual(HOSTILE.map((m) => [m, false]));
  });

  it('are found when written twice', () => {
    const s = hostileLab((d) => {
      const vms = d.virtualMachines ?? [];
      vms.push({ ...(vms[0] as (typeof vms)[number]), networkInterfaces: [] });
    });
    expect(validateScenario(s).errors).toContainEqual({
      path: 'virtualMachines[5].name',
      message: 'duplicate name: another virtual machine is already named "__proto__" (virtualMachines[0])',
    });
  });

  it('are renamed and deleted with every reference and layout key', () => {
    const s = JSON.parse(JSON.stringify(hostileLab())) as Scenario;
    s.layout = JSON.parse(
      '{"vm:__proto__": {"x": 1, "y": 2}, "nic:constructor": {"x": 3, "y": 4}, "__proto__": {"x": 5, "y": 6}}',
    );
    const renamed = renameElement(s, 'nic:constructor', 'nic-c');
    if (!renamed.ok) throw new Error(renamed.reason);
    expect(poolMemberNics(renamed.scenario.loadBalancers?.[0]?.backendAddressPools[0])).toEqual([
      '__proto__',
      'nic-c',
      'toString',
      'hasOwnProperty',
      'valueOf',
    ]);
    expect(Object.keys(renamed.scenario.layout ?? {})).toEqual(['vm:__proto__', '__proto__', 'nic:nic-c']);
    const deleted = deleteElements(renamed.scenario, ['vm:__proto__']);
    if (!deleted.ok) throw new Error(deleted.reason);
    expect(deleted.scenario.virtualMachines?.map((v) => v.name)).toEqual([
      'constructor',
      'toString',
      'hasOwnProperty',
      'valueOf',
    ]);
    expect(poolMemberNics(deleted.scenario.loadBalancers?.[0]?.backendAddressPools[0])).toEqual([
      'nic-c',
      'toString',
      'hasOwnProperty',
      'valueOf',
    ]);
    expect(Object.keys(deleted.scenario.layout ?? {})).toEqual(['__proto__', 'nic:nic-c']);
    expect(loadScenarioText(JSON.stringify(deleted.scenario)).errors).toEqual([]);
  });
});
