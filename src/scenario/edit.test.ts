/**
 * The document actions of the editor. Every action starts from a frozen document, so that a
 * mutation of its input throws; most assert that the result still validates without a new error,
 * which is what "every reference follows" means in practice.
 */

import { describe, expect, it } from 'vitest';
import { createDefaultScenario } from './defaultScenario';
import {
  addElement,
  clipboardFromText,
  clipboardToText,
  connect,
  connectionProblem,
  copyElements,
  deleteElements,
  disconnect,
  duplicateElements,
  type EditResult,
  elementIds,
  elementOfPath,
  freeAddressInSubnet,
  getAt,
  locateElement,
  moveElements,
  moveItem,
  type NewElementKind,
  nameProblem,
  nextPriority,
  parsePath,
  pasteElements,
  removeItem,
  renameElement,
  setField,
  swapPriority,
} from './edit';
import { membersOf } from './members';
import { createRichScenario } from './testScenarios';
import type { Scenario } from './types';
import { validateScenario } from './validate';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const lab = () => deepFreeze(createDefaultScenario());
const rich = () => deepFreeze(createRichScenario());

function ok(result: EditResult): { scenario: Scenario; ids: readonly string[] } {
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result;
}
function refused(result: EditResult): string {
  if (result.ok) throw new Error('expected a refusal');
  return result.reason;
}
const errorsOf = (s: Scenario) => validateScenario(s).errors.map((e) => `${e.path}: ${e.message}`);
const json = (s: Scenario) => JSON.stringify(s);

describe('locating elements and diagnostics', () => {
  it('finds the path of each kind of element id', () => {
    const s = rich();
    expect(locateElement(s, 'vm:web02')).toEqual(['virtualMachines', 1]);
    expect(locateElement(s, 'nic:web02-nic1')).toEqual(['virtualMachines', 1, 'networkInterfaces', 0]);
    expect(locateElement(s, 'subnet:spoke/nva')).toEqual(['vnets', 0, 'subnets', 1]);
    expect(locateElement(s, 'probe:plb/http-health')).toEqual(['loadBalancers', 1, 'probes', 0]);
    expect(locateElement(s, 'loopback:web02/lo-pub')).toEqual(['virtualMachines', 1, 'loopbackInterfaces', 0]);
    expect(locateElement(s, 'traffic:ping-web01')).toEqual(['traffic', 2]);
    expect(locateElement(s, 'vm:nobody')).toBeNull();
    expect(locateElement(s, 'gateway:onPremises')).toBeNull();
  });

  it('names the element a diagnostic path is about', () => {
    const s = rich();
    expect(elementOfPath(s, 'loadBalancers[0].probes[0].port')).toBe('probe:ilb/p80');
    expect(elementOfPath(s, 'loadBalancers[1].inboundNatRules[0].frontendPort')).toBe('natRule:plb/ssh-web02');
    expect(elementOfPath(s, 'loadBalancers[1].sku')).toBe('lb:plb');
    expect(elementOfPath(s, 'vnets[0].subnets[1].addressPrefix')).toBe('subnet:spoke/nva');
    expect(elementOfPath(s, 'virtualMachines[1].networkInterfaces[0].ipConfigurations[0].privateIPAddress')).toBe(
      'nic:web02-nic1',
    );
    expect(elementOfPath(s, 'virtualMachines[1].listeners[2].proxyTo[0]')).toBe('vm:web02');
    expect(elementOfPath(s, 'layout["vm:web01"].x')).toBe('vm:web01');
    expect(elementOfPath(s, 'traffic[0].to')).toBeNull();
    expect(elementOfPath(s, 'title')).toBeNull();
    expect(parsePath('layout["vm:web01"].x')).toEqual(['layout', 'vm:web01', 'x']);
  });

  it('lists every element id', () => {
    expect(elementIds(lab())).toEqual([
      'vnet:spoke',
      'subnet:spoke/web',
      'vm:web01',
      'nic:web01-nic1',
      'lb:ilb',
      'frontend:ilb/fe',
      'pool:ilb/pool',
      'probe:ilb/p80',
      'rule:ilb/http',
      'client:onprem',
    ]);
  });
});

describe('addElement', () => {
  it('a VM dropped in a subnet gets a NIC with the first free address, and both a place', () => {
    const { scenario, ids } = ok(addElement(lab(), 'vm', { subnet: 'spoke/web', position: { x: 500, y: 300 } }));
    expect(ids).toEqual(['vm:vm1', 'nic:vm1-nic1']);
    // .0–.3 are Azure's, .4 is web01's: the first free one is .5.
    expect(getAt(scenario, ['virtualMachines', 1])).toEqual({
      name: 'vm1',
      networkInterfaces: [
        {
          name: 'vm1-nic1',
          ipConfigurations: [{ name: 'ipconfig1', subnet: 'spoke/web', privateIPAddress: '10.2.1.5' }],
        },
      ],
    });
    expect(scenario.layout?.['vm:vm1']).toEqual({ x: 500, y: 300 });
    expect(scenario.layout?.['nic:vm1-nic1']).toEqual({ x: 500, y: 396 });
    expect(errorsOf(scenario)).toEqual([]);
    const again = ok(addElement(scenario, 'vm', { subnet: 'spoke/web' }));
    expect(
      getAt(again.scenario, ['virtualMachines', 2, 'networkInterfaces', 0, 'ipConfigurations', 0, 'privateIPAddress']),
    ).toBe('10.2.1.6');
  });

  it('every palette kind added to the lab leaves it valid', () => {
    const kinds: [NewElementKind, object][] = [
      ['vm', { subnet: 'spoke/web' }],
      ['proxy', { subnet: 'spoke/web' }],
      ['nic', { vm: 'web01', subnet: 'spoke/web' }],
      ['loopback', { vm: 'web01' }],
      ['lb', { subnet: 'spoke/web' }],
      ['lb', {}],
      ['frontend', { lb: 'ilb', subnet: 'spoke/web' }],
      ['pool', { lb: 'ilb' }],
      ['probe', { lb: 'ilb' }],
      ['vnet', {}],
      ['subnet', { vnet: 'spoke' }],
      ['nsg', {}],
      ['routeTable', {}],
      ['onPremisesClient', {}],
      ['internetClient', {}],
    ];
    for (const [kind, placement] of kinds) {
      const { scenario } = ok(addElement(lab(), kind, placement));
      expect({ kind, errors: errorsOf(scenario) }).toEqual({ kind, errors: [] });
    }
  });

  it('a loopback dropped on a pool member takes the frontend address (floating IP)', () => {
    const { scenario, ids } = ok(addElement(lab(), 'loopback', { vm: 'web01' }));
    expect(ids).toEqual(['loopback:web01/lo1']);
    expect(getAt(scenario, ['virtualMachines', 0, 'loopbackInterfaces'])).toEqual([
      { name: 'lo1', ipAddress: '10.2.1.100' },
    ]);
  });

  it('a frontend takes a private address in its subnet, or a public one outside any', () => {
    const inside = ok(addElement(lab(), 'frontend', { lb: 'ilb', subnet: 'spoke/web' }));
    expect(getAt(inside.scenario, ['loadBalancers', 0, 'frontendIPConfigurations', 1])).toEqual({
      name: 'fe1',
      privateIPAddress: '10.2.1.5',
      subnet: 'spoke/web',
    });
    const outside = ok(addElement(lab(), 'frontend', { lb: 'ilb' }));
    expect(getAt(outside.scenario, ['loadBalancers', 0, 'frontendIPConfigurations', 1])).toEqual({
      name: 'fe1',
      publicIPAddress: '20.50.1.10',
    });
  });

  it('a pool dropped where there is no load balancer brings one', () => {
    const empty: Scenario = deepFreeze({ format: 'hairpin-scenario', version: 2 });
    const { scenario, ids } = ok(addElement(empty, 'pool', { position: { x: 300, y: 300 } }));
    expect(ids).toEqual(['pool:lb1/pool1', 'lb:lb1', 'frontend:lb1/fe1']);
    expect(scenario.layout?.['lb:lb1']).toEqual({ x: 300, y: 204 });
    expect(errorsOf(scenario)).toEqual([]);
  });

  it('a new VNet comes with a default subnet, in a free address space', () => {
    const { scenario, ids } = ok(addElement(lab(), 'vnet', { position: { x: 0, y: 600 } }));
    expect(ids).toEqual(['vnet:vnet1', 'subnet:vnet1/default']);
    expect(getAt(scenario, ['vnets', 1])).toEqual({
      name: 'vnet1',
      addressSpace: ['10.0.0.0/16'],
      subnets: [{ name: 'default', addressPrefix: '10.0.0.0/24' }],
    });
    const second = ok(addElement(lab(), 'subnet', { vnet: 'spoke' }));
    expect(getAt(second.scenario, ['vnets', 0, 'subnets', 1])).toEqual({
      name: 'subnet1',
      addressPrefix: '10.2.0.0/24',
    });
  });

  it('refuses what the document cannot hold, saying why', () => {
    const empty: Scenario = deepFreeze({ format: 'hairpin-scenario', version: 2 });
    expect(refused(addElement(empty, 'vm', {}))).toMatch(/add a virtual network first/);
    expect(refused(addElement(lab(), 'nic', {}))).toMatch(/drop it onto one/);
    expect(refused(addElement(lab(), 'loopback', {}))).toMatch(/onto a virtual machine/);
    expect(refused(addElement(empty, 'subnet', {}))).toMatch(/inside one/);
  });

  it('knows when a subnet is full', () => {
    const s = createDefaultScenario();
    (s.vnets?.[0]?.subnets[0] as { addressPrefix: string }).addressPrefix = '10.2.1.0/29';
    // A /29 has eight addresses: .0–.3 and .7 are Azure's, .4 is web01's, .5 and .6 are free.
    expect(freeAddressInSubnet(s, 'spoke/web')).toBe('10.2.1.5');
    const full = ok(addElement(ok(addElement(deepFreeze(s), 'vm', {})).scenario, 'vm', {})).scenario;
    expect(refused(addElement(full, 'vm', {}))).toBe('Subnet spoke/web has no free address left.');
  });
});

describe('connect and disconnect', () => {
  const withVm2 = () => ok(addElement(lab(), 'vm', { subnet: 'spoke/web' })).scenario;

  it('NIC → backend pool adds the member; the edge removed removes it', () => {
    const { scenario } = ok(connect(withVm2(), 'nic:vm1-nic1', 'pool:ilb/pool'));
    // The NIC joins by its primary IP configuration.
    expect(getAt(scenario, ['loadBalancers', 0, 'backendAddressPools', 0, 'loadBalancerBackendAddresses'])).toEqual([
      { networkInterfaceIPConfiguration: 'web01-nic1/ipconfig1' },
      { networkInterfaceIPConfiguration: 'vm1-nic1/ipconfig1' },
    ]);
    // Either direction.
    expect(ok(connect(withVm2(), 'pool:ilb/pool', 'nic:vm1-nic1')).scenario).toEqual(scenario);
    expect(refused(connect(scenario, 'nic:vm1-nic1', 'pool:ilb/pool'))).toMatch(/already a member/);
    const back = ok(disconnect(scenario, 'nic:vm1-nic1', 'pool:ilb/pool')).scenario;
    expect(getAt(back, ['loadBalancers', 0, 'backendAddressPools', 0, 'loadBalancerBackendAddresses'])).toEqual([
      { networkInterfaceIPConfiguration: 'web01-nic1/ipconfig1' },
    ]);
  });

  it('frontend → pool makes a load-balancing rule with the first probe, on a free port', () => {
    const first = ok(connect(lab(), 'frontend:ilb/fe', 'pool:ilb/pool'));
    expect(first.ids).toEqual(['rule:ilb/rule1']);
    expect(getAt(first.scenario, ['loadBalancers', 0, 'loadBalancingRules', 1])).toEqual({
      name: 'rule1',
      frontendIPConfiguration: 'fe',
      backendAddressPool: 'pool',
      probe: 'p80',
      frontendPort: 443,
    });
    expect(errorsOf(first.scenario)).toEqual([]);
    const removed = ok(disconnect(first.scenario, 'frontend:ilb/fe', 'rule:ilb/rule1')).scenario;
    expect(removed).toEqual(lab());
  });

  it('refuses a rule across two load balancers', () => {
    const s = rich();
    expect(connectionProblem('frontend:plb/fe-pub', 'pool:ilb/pool')).toMatch(/same load balancer/);
    expect(refused(connect(s, 'frontend:plb/fe-pub', 'pool:ilb/pool'))).toMatch(/same load balancer/);
  });

  it('probe → pool sets the probe of the rules to that pool, and needs one', () => {
    const s = ok(addElement(lab(), 'probe', { lb: 'ilb' })).scenario;
    const { scenario } = ok(connect(s, 'probe:ilb/probe1', 'pool:ilb/pool'));
    expect(getAt(scenario, ['loadBalancers', 0, 'loadBalancingRules', 0, 'probe'])).toBe('probe1');
    const lone = ok(addElement(lab(), 'pool', { lb: 'ilb' })).scenario;
    expect(refused(connect(lone, 'probe:ilb/p80', 'pool:ilb/pool1'))).toMatch(/connect a frontend to the pool first/);
    const unprobed = ok(disconnect(scenario, 'probe:ilb/probe1', 'pool:ilb/pool')).scenario;
    expect(getAt(unprobed, ['loadBalancers', 0, 'loadBalancingRules', 0])).not.toHaveProperty('probe');
  });

  it('NSG → subnet or NIC and route table → subnet associate; disconnecting dissociates', () => {
    let s = ok(addElement(lab(), 'nsg', {})).scenario;
    s = ok(addElement(s, 'routeTable', {})).scenario;
    s = ok(connect(s, 'nsg:nsg1', 'subnet:spoke/web')).scenario;
    s = ok(connect(s, 'nic:web01-nic1', 'nsg:nsg1')).scenario;
    s = ok(connect(s, 'routeTable:rt1', 'subnet:spoke/web')).scenario;
    expect(getAt(s, ['vnets', 0, 'subnets', 0])).toEqual({
      name: 'web',
      addressPrefix: '10.2.1.0/24',
      networkSecurityGroup: 'nsg1',
      routeTable: 'rt1',
    });
    expect(getAt(s, ['virtualMachines', 0, 'networkInterfaces', 0, 'networkSecurityGroup'])).toBe('nsg1');
    expect(errorsOf(s)).toEqual([]);
    s = ok(disconnect(s, 'subnet:spoke/web', 'nsg:nsg1')).scenario;
    s = ok(disconnect(s, 'routeTable:rt1', 'subnet:spoke/web')).scenario;
    expect(getAt(s, ['vnets', 0, 'subnets', 0])).toEqual({ name: 'web', addressPrefix: '10.2.1.0/24' });
  });

  it('NIC → subnet moves the NIC with a free address; all NICs of a VM stay in one VNet', () => {
    const s = ok(addElement(lab(), 'subnet', { vnet: 'spoke' })).scenario;
    const moved = ok(connect(s, 'nic:web01-nic1', 'subnet:spoke/subnet1')).scenario;
    expect(getAt(moved, ['virtualMachines', 0, 'networkInterfaces', 0])).toEqual({
      name: 'web01-nic1',
      ipConfigurations: [{ name: 'ipconfig1', subnet: 'spoke/subnet1', privateIPAddress: '10.2.0.4' }],
    });
    let two = ok(addElement(lab(), 'vnet', {})).scenario;
    two = ok(addElement(two, 'nic', { vm: 'web01' })).scenario;
    expect(refused(connect(two, 'nic:web01-nic2', 'subnet:vnet1/default'))).toMatch(/one virtual network/);
  });

  it('loopback → VM moves the loopback to that VM', () => {
    let s = ok(addElement(lab(), 'loopback', { vm: 'web01' })).scenario;
    s = ok(addElement(s, 'vm', { subnet: 'spoke/web' })).scenario;
    const moved = ok(connect(s, 'loopback:web01/lo1', 'vm:vm1'));
    expect(moved.ids).toEqual(['loopback:vm1/lo1']);
    expect(getAt(moved.scenario, ['virtualMachines', 0])).not.toHaveProperty('loopbackInterfaces.0');
    expect(getAt(moved.scenario, ['virtualMachines', 1, 'loopbackInterfaces'])).toEqual([
      { name: 'lo1', ipAddress: '10.2.1.100' },
    ]);
  });

  it('refuses what Azure has no relation for, saying what to do instead', () => {
    expect(connectionProblem('vm:web01', 'pool:ilb/pool')).toMatch(/connect the VM’s NIC to the pool/);
    expect(connectionProblem('frontend:ilb/fe', 'nic:web01-nic1')).toMatch(/connect the frontend to a pool/);
    expect(connectionProblem('nsg:x', 'vm:web01')).toMatch(/subnet or a network interface/);
    expect(connectionProblem('client:onprem', 'lb:ilb')).toBe(
      'Azure has no relation between a client and a load balancer.',
    );
    expect(connectionProblem('vm:a', 'vm:a')).toMatch(/itself/);
    expect(connectionProblem('nic:a', 'pool:ilb/pool')).toBeNull();
    expect(refused(connect(lab(), 'vm:web01', 'pool:ilb/pool'))).toMatch(/NIC/);
    expect(refused(disconnect(lab(), 'nic:web01-nic1', 'vm:web01'))).toMatch(/move or delete the element/);
  });
});

describe('renameElement: every reference follows', () => {
  const cases: [string, string, string][] = [
    ['vm:web02', 'app02', '"web02"'],
    ['nic:web02-nic1', 'app02-eth0', 'web02-nic1'],
    ['nic:web01-nic1', 'web01-eth0', 'web01-nic1'],
    ['vnet:spoke', 'spoke9', '"spoke/'],
    ['subnet:spoke/web', 'frontend', 'spoke/web"'],
    ['nsg:nsg-web', 'nsg-front', 'nsg-web'],
    ['routeTable:rt-web', 'rt-front', 'rt-web'],
    ['lb:ilb', 'ilb2', '"ilb"'],
    ['frontend:plb/fe-pub', 'fe-public', 'fe-pub"'],
    ['pool:plb/web', 'webpool', '"web"'],
    ['probe:ilb/p80', 'tcp80', '"p80"'],
    ['probe:plb/http-health', 'health', 'http-health'],
    ['rule:ilb/http', 'web-http', '"http"'],
    ['client:users', 'people', '"users"'],
    ['traffic:onprem-to-vip', 'vip', 'onprem-to-vip'],
  ];
  it.each(cases)('%s → %s keeps the rich scenario valid', (id, to, oldText) => {
    const before = rich();
    const { scenario, ids } = ok(renameElement(before, id, to));
    expect(errorsOf(scenario)).toEqual([]);
    expect(validateScenario(scenario).warnings).toEqual(validateScenario(before).warnings);
    expect(ids).toHaveLength(1);
    expect(locateElement(scenario, ids[0] as string)).not.toBeNull();
    if (id !== 'rule:ilb/http' && id !== 'pool:plb/web' && id !== 'lb:ilb' && id !== 'subnet:spoke/web') {
      expect(json(scenario)).not.toContain(oldText);
    }
  });

  it('renames the rule and the members a distribution check names; deleting them drops what no longer exists', () => {
    const withCheck = (): Scenario => {
      const s = structuredClone(createRichScenario());
      s.lesson?.checks?.push({
        name: 'spread',
        loadBalancer: 'ilb',
        rule: 'http',
        members: ['web01-nic1'],
        expect: 'allMembers',
      });
      return deepFreeze(s);
    };
    const check = (s: Scenario) => s.lesson?.checks?.find((c) => c.name === 'spread');
    const rule = ok(renameElement(withCheck(), 'rule:ilb/http', 'web-http')).scenario;
    expect(check(rule)).toMatchObject({ rule: 'web-http' });
    expect(errorsOf(rule)).toEqual([]);
    const nic = ok(renameElement(withCheck(), 'nic:web01-nic1', 'web01-eth0')).scenario;
    expect(check(nic)).toMatchObject({ members: ['web01-eth0'] });
    expect(errorsOf(nic)).toEqual([]);
    expect(check(ok(deleteElements(withCheck(), ['rule:ilb/http'])).scenario)).toBeUndefined();
    expect(check(ok(deleteElements(withCheck(), ['vm:web01'])).scenario)).toBeUndefined();
  });

  it('moves layout keys with the element and its children', () => {
    const { scenario } = ok(renameElement(lab(), 'lb:ilb', 'front'));
    expect(Object.keys(scenario.layout ?? {})).toEqual(
      expect.arrayContaining(['lb:front', 'frontend:front/fe', 'pool:front/pool', 'probe:front/p80']),
    );
    expect(Object.keys(scenario.layout ?? {}).some((k) => k.includes('ilb'))).toBe(false);
    const vnet = ok(renameElement(lab(), 'vnet:spoke', 'hub')).scenario;
    expect(vnet.layout?.['subnet:hub/web']).toEqual(lab().layout?.['subnet:spoke/web']);
    expect(getAt(vnet, ['loadBalancers', 0, 'frontendIPConfigurations', 0, 'subnet'])).toBe('hub/web');
  });

  it('refuses a taken name or a name Azure would refuse', () => {
    expect(refused(renameElement(rich(), 'vm:web02', 'web01'))).toMatch(/already named "web01"/);
    expect(refused(renameElement(rich(), 'nic:web02-nic1', 'nva01-nic1'))).toMatch(/in the scenario/);
    expect(refused(renameElement(rich(), 'vm:web02', 'a/b'))).toMatch(/letters, digits/);
    expect(refused(renameElement(rich(), 'vm:web02', ' '))).toMatch(/empty/);
    expect(nameProblem('web-01.a_b')).toBeNull();
    // The same name in another load balancer is fine.
    expect(ok(renameElement(rich(), 'probe:plb/http-health', 'p80')).ids).toEqual(['probe:plb/p80']);
  });
});

describe('deleteElements: nothing is left dangling', () => {
  const s = rich();
  const allowed = elementIds(s);
  it.each(allowed)('deleting %s leaves no new error', (id) => {
    const result = deleteElements(s, [id]);
    if (!result.ok) {
      expect(result.reason).toMatch(/at least one/);
      return;
    }
    expect(errorsOf(result.scenario)).toEqual([]);
    expect(locateElement(result.scenario, id)).toBeNull();
  });

  it('a VM takes its NICs, its pool memberships, NAT rules, traffic, events and lesson checks', () => {
    const { scenario, ids } = ok(deleteElements(s, ['vm:web02']));
    expect(ids).toEqual(expect.arrayContaining(['vm:web02', 'nic:web02-nic1', 'loopback:web02/lo-pub']));
    const text = json(scenario);
    expect(text).not.toContain('web02');
    expect(getAt(scenario, ['loadBalancers', 1, 'inboundNatRules'])).toEqual([]);
    expect(scenario.lesson?.checks?.map((c) => c.name)).toEqual(['on-premises reaches the VIP', 'web01 up']);
  });

  it('a probe is removed from its rules; an NSG from its subnets', () => {
    const probe = ok(deleteElements(s, ['probe:ilb/p80'])).scenario;
    expect(getAt(probe, ['loadBalancers', 0, 'loadBalancingRules', 0])).not.toHaveProperty('probe');
    const nsg = ok(deleteElements(s, ['nsg:nsg-web'])).scenario;
    expect(getAt(nsg, ['vnets', 0, 'subnets', 0])).not.toHaveProperty('networkSecurityGroup');
  });

  it('a subnet takes what sits in it', () => {
    const { ids } = ok(deleteElements(lab(), ['subnet:spoke/web']));
    expect(new Set(ids)).toEqual(
      new Set([
        'subnet:spoke/web',
        'nic:web01-nic1',
        'vm:web01',
        'frontend:ilb/fe',
        'lb:ilb',
        'pool:ilb/pool',
        'probe:ilb/p80',
        'rule:ilb/http',
      ]),
    );
  });

  it('refuses the last NIC of a VM and the last frontend of a load balancer', () => {
    expect(refused(deleteElements(lab(), ['nic:web01-nic1']))).toMatch(/delete web01 itself/);
    expect(refused(deleteElements(lab(), ['frontend:ilb/fe']))).toMatch(/delete ilb itself/);
    expect(ok(deleteElements(lab(), ['nic:web01-nic1', 'vm:web01'])).ids).toContain('vm:web01');
    expect(refused(deleteElements(lab(), ['gateway:onPremises']))).toMatch(/not elements of the file/);
  });
});

describe('copy, paste and duplicate', () => {
  const s = rich();
  it.each(elementIds(s))('duplicating %s leaves no new error', (id) => {
    const { scenario, ids } = ok(duplicateElements(s, [id]));
    expect(errorsOf(scenario)).toEqual([]);
    expect(ids.length).toBeGreaterThan(0);
    for (const pasted of ids) expect(locateElement(scenario, pasted)).not.toBeNull();
  });

  it('a duplicated VM gets fresh names, a free address, and a place 40 px away', () => {
    const { scenario, ids } = ok(duplicateElements(lab(), ['vm:web01']));
    expect(ids).toEqual(['vm:web1', 'nic:web01-nic2']);
    expect(getAt(scenario, ['virtualMachines', 1, 'networkInterfaces', 0])).toEqual({
      name: 'web01-nic2',
      ipConfigurations: [{ name: 'ipconfig1', subnet: 'spoke/web', privateIPAddress: '10.2.1.5' }],
    });
    expect(scenario.layout?.['vm:web1']).toEqual({ x: 900, y: 260 });
  });

  it('copies a probe alone into its load balancer, and a VM into another scenario', () => {
    const probe = ok(duplicateElements(lab(), ['probe:ilb/p80']));
    expect(probe.ids).toEqual(['probe:ilb/p1']);
    expect(getAt(probe.scenario, ['loadBalancers', 0, 'probes', 1, 'port'])).toBe(80);

    const clip = copyElements(rich(), ['vm:nva01']);
    if (clip === null) throw new Error('nothing copied');
    const target = ok(addElement(lab(), 'subnet', { vnet: 'spoke' })).scenario;
    const pasted = ok(pasteElements(target, clip, { x: 0, y: 0 }));
    expect(pasted.ids).toEqual(['vm:nva01', 'nic:nva01-nic1']);
    // spoke/nva does not exist here: the NIC keeps its reference, and validation says so.
    expect(errorsOf(pasted.scenario)).toEqual([
      expect.stringContaining(
        'virtualMachines[1].networkInterfaces[0].ipConfigurations[0].subnet: no subnet named "nva"',
      ),
    ]);
  });

  it('copies nothing from an empty selection', () => {
    expect(copyElements(lab(), [])).toBeNull();
    expect(refused(duplicateElements(lab(), ['internet:internet']))).toMatch(/Select/);
  });
});

describe('format version 2: IP configurations and pool members', () => {
  const members = (s: Scenario) =>
    getAt(s, ['loadBalancers', 0, 'backendAddressPools', 0, 'loadBalancerBackendAddresses']);

  it('renaming a NIC rewrites the NIC part of the members that name its IP configuration', () => {
    const { scenario } = ok(renameElement(lab(), 'nic:web01-nic1', 'web01-eth0'));
    expect(members(scenario)).toEqual([{ networkInterfaceIPConfiguration: 'web01-eth0/ipconfig1' }]);
    expect(errorsOf(scenario)).toEqual([]);
  });

  it('renaming an IP configuration in the inspector rewrites the members that name it', () => {
    const path = ['virtualMachines', 0, 'networkInterfaces', 0, 'ipConfigurations', 0, 'name'];
    const renamed = setField(lab(), path, 'primary');
    expect(members(renamed)).toEqual([{ networkInterfaceIPConfiguration: 'web01-nic1/primary' }]);
    expect(errorsOf(renamed)).toEqual([]);
  });

  it('deleting a NIC removes its member entry, and the pool stays', () => {
    const withVm2 = ok(addElement(lab(), 'vm', { subnet: 'spoke/web' })).scenario;
    const joined = ok(connect(withVm2, 'nic:vm1-nic1', 'pool:ilb/pool')).scenario;
    const { scenario } = ok(deleteElements(joined, ['vm:vm1']));
    expect(members(scenario)).toEqual([{ networkInterfaceIPConfiguration: 'web01-nic1/ipconfig1' }]);
  });

  it('a NIC added to a VM gets one IP configuration, named as Azure names the first', () => {
    const { scenario } = ok(addElement(lab(), 'nic', { vm: 'web01' }));
    expect(getAt(scenario, ['virtualMachines', 0, 'networkInterfaces', 1])).toEqual({
      name: 'web01-nic2',
      ipConfigurations: [{ name: 'ipconfig1', subnet: 'spoke/web', privateIPAddress: '10.2.1.5' }],
    });
  });

  it('pastes elements an older Hairpin copied (clipboard version 1, NICs with their own address)', () => {
    const old = JSON.stringify({
      'hairpin-clipboard': 1,
      elements: {
        virtualMachines: [
          {
            name: 'app',
            networkInterfaces: [{ name: 'app-nic1', subnet: 'spoke/web', privateIPAddress: '10.2.1.30' }],
          },
        ],
      },
      holders: [],
    });
    const clip = clipboardFromText(old);
    if (!clip.ok) throw new Error(clip.reason);
    const { scenario, ids } = ok(pasteElements(lab(), clip.clipboard));
    expect(ids).toEqual(['vm:app', 'nic:app-nic1']);
    expect(getAt(scenario, ['virtualMachines', 1, 'networkInterfaces', 0, 'ipConfigurations', 0])).toEqual({
      name: 'ipconfig1',
      subnet: 'spoke/web',
      privateIPAddress: '10.2.1.5',
    });
    expect(errorsOf(scenario)).toEqual([]);
  });
});

describe('the clipboard as text (the system clipboard)', () => {
  const read = (text: string) => {
    const r = clipboardFromText(text);
    return r.ok ? r.clipboard : r.reason;
  };

  it('round-trips through a small JSON envelope, and pastes like the in-app clipboard', () => {
    const clip = copyElements(lab(), ['vm:web01', 'probe:ilb/p80']);
    if (clip === null) throw new Error('nothing copied');
    const text = clipboardToText(clip);
    const envelope = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(envelope)).toEqual(['hairpin-clipboard', 'elements', 'holders']);
    expect(envelope['hairpin-clipboard']).toBe(2);
    expect(envelope.holders).toEqual(['lb:ilb']);
    const back = read(text);
    if (typeof back === 'string') throw new Error(back);
    const viaText = ok(pasteElements(lab(), back));
    expect(json(viaText.scenario)).toBe(json(ok(pasteElements(lab(), clip)).scenario));
    expect(viaText.ids).toEqual(['vm:web1', 'nic:web01-nic2', 'probe:ilb/p1']);
    expect(errorsOf(viaText.scenario)).toEqual([]);
  });

  it.each([
    ['plain text', 'hello', 'not elements copied from Hairpin'],
    ['other JSON', '{"format":"hairpin-scenario","version":1}', 'not elements copied from Hairpin'],
    ['a newer version', '{"hairpin-clipboard":3,"elements":{}}', 'copied from a newer Hairpin (clipboard version 3'],
    [
      'a bad version',
      '{"hairpin-clipboard":"1","elements":{}}',
      '"hairpin-clipboard" must be a version from 1 to 2, got "1"',
    ],
    ['no fragment', '{"hairpin-clipboard":1,"elements":[1]}', '"elements" is not a scenario fragment'],
    ['no usable element', '{"hairpin-clipboard":1,"elements":{"virtualMachines":"x"}}', 'no elements Hairpin can use'],
  ])('refuses %s with a sentence that says why', (_what, text, reason) => {
    expect(read(text)).toEqual(expect.stringContaining(reason));
  });

  it('repairs what it can, like any untrusted document, and drops holders that name nothing', () => {
    const back = read(
      JSON.stringify({
        'hairpin-clipboard': 1,
        elements: {
          networkSecurityGroups: [{ name: 'nsg-x', securityRules: [], flavour: 'kept' }, { name: 42 }],
          layout: { 'nsg:nsg-x': { x: 10, y: 'nowhere' } },
        },
        holders: ['vm:ghost', 7],
      }),
    );
    if (typeof back === 'string') throw new Error(back);
    expect(back.scenario.networkSecurityGroups).toEqual([{ name: 'nsg-x', securityRules: [], flavour: 'kept' }]);
    expect(back.holders).toEqual([]);
    const pasted = ok(pasteElements(lab(), back));
    expect(pasted.ids).toEqual(['nsg:nsg-x']);
    expect(errorsOf(pasted.scenario)).toEqual([]);
  });
});

describe('field and list edits', () => {
  it('setField writes a value and removes a field with undefined, sharing what it did not touch', () => {
    const s = lab();
    const set = setField(s, ['loadBalancers', 0, 'probes', 0, 'port'], 8080);
    expect(getAt(set, ['loadBalancers', 0, 'probes', 0, 'port'])).toBe(8080);
    expect(set.virtualMachines).toBe(s.virtualMachines);
    expect(set.loadBalancers?.[0]?.frontendIPConfigurations).toBe(s.loadBalancers?.[0]?.frontendIPConfigurations);
    const unset = setField(s, ['loadBalancers', 0, 'sku'], undefined);
    expect(unset.loadBalancers?.[0]).not.toHaveProperty('sku');
  });

  it('removes and moves list items', () => {
    const s = rich();
    const path = ['networkSecurityGroups', 0, 'securityRules'];
    const moved = moveItem(s, path, 0, 2);
    expect((getAt(moved, path) as { name: string }[]).map((r) => r.name)).toEqual([
      'allow-ssh-corp',
      'allow-dns',
      'allow-http-internet',
    ]);
    const removed = removeItem(s, [...path, 1]);
    expect((getAt(removed, path) as { name: string }[]).map((r) => r.name)).toEqual([
      'allow-http-internet',
      'allow-dns',
    ]);
  });

  it('reorders NSG rules by swapping priorities with the neighbour', () => {
    const s = rich();
    const nsg = ['networkSecurityGroups', 0];
    const down = swapPriority(s, nsg, 0, 1);
    const priorities = (x: Scenario) =>
      (getAt(x, [...nsg, 'securityRules']) as { name: string; priority: number }[]).map((r) => [r.name, r.priority]);
    expect(priorities(down)).toEqual([
      ['allow-http-internet', 110],
      ['allow-ssh-corp', 100],
      ['allow-dns', 120],
    ]);
    expect(swapPriority(s, nsg, 0, -1)).toBe(s);
    expect(
      nextPriority(
        [
          { priority: 100, direction: 'Inbound' },
          { priority: 125, direction: 'Inbound' },
        ],
        'Inbound',
      ),
    ).toBe(130);
    expect(nextPriority([], 'Outbound')).toBe(100);
  });

  it('moveElements writes layout entries and keeps group sizes', () => {
    const moved = moveElements(lab(), { 'vm:web01': { x: 10.4, y: 20.6 }, 'subnet:spoke/web': { x: 1, y: 2 } });
    expect(moved.layout?.['vm:web01']).toEqual({ x: 10, y: 21 });
    expect(moved.layout?.['subnet:spoke/web']).toEqual({ x: 1, y: 2, width: 720, height: 360 });
  });
});

describe('setField on the name of a row: events follow the rename', () => {
  const withEvents = (): Scenario => {
    const s = createDefaultScenario();
    s.networkSecurityGroups = [
      {
        name: 'nsg-web',
        securityRules: [{ name: 'deny-all', priority: 4000, direction: 'Inbound', access: 'Deny' }],
      },
    ];
    const vm = s.virtualMachines?.[0];
    if (vm) vm.firewall = { rules: [{ name: 'block-probe', direction: 'Inbound', action: 'Block' }] };
    s.events = [
      { at: 10, action: 'setListener', vm: 'web01', listener: 'iis', http: { '/': 500 } },
      { at: 20, action: 'removeListener', vm: 'web01', listener: 'iis' },
      { at: 30, action: 'removeSecurityRule', networkSecurityGroup: 'nsg-web', rule: 'deny-all' },
      {
        at: 40,
        action: 'setSecurityRule',
        networkSecurityGroup: 'nsg-web',
        rule: { name: 'deny-all', priority: 4000, direction: 'Inbound', access: 'Allow' },
      },
      { at: 50, action: 'removeFirewallRule', vm: 'web01', rule: 'block-probe' },
      {
        at: 60,
        action: 'setFirewallRule',
        vm: 'web01',
        rule: { name: 'block-probe', direction: 'Inbound', action: 'Allow' },
      },
      { at: 70, action: 'removeListener', vm: 'other', listener: 'iis' },
    ];
    return Object.freeze(s) as Scenario;
  };

  it('a listener rename updates setListener and removeListener of that VM only', () => {
    const s = setField(withEvents(), ['virtualMachines', 0, 'listeners', 0, 'name'], 'web');
    expect(s.events?.map((e) => ('listener' in e ? e.listener : null))).toEqual([
      'web',
      'web',
      null,
      null,
      null,
      null,
      'iis',
    ]);
  });

  it('a security rule rename updates removeSecurityRule and the rule setSecurityRule carries', () => {
    const s = setField(withEvents(), ['networkSecurityGroups', 0, 'securityRules', 0, 'name'], 'deny-rest');
    expect(s.events?.[2]).toMatchObject({ rule: 'deny-rest' });
    expect(s.events?.[3]).toMatchObject({ rule: { name: 'deny-rest', access: 'Allow' } });
    expect(validateScenario({ ...s, events: s.events?.slice(0, 6) }).errors).toEqual([]);
  });

  it('a firewall rule rename updates removeFirewallRule and setFirewallRule', () => {
    const s = setField(withEvents(), ['virtualMachines', 0, 'firewall', 'rules', 0, 'name'], 'let-probe');
    expect(s.events?.[4]).toMatchObject({ rule: 'let-probe' });
    expect(s.events?.[5]).toMatchObject({ rule: { name: 'let-probe' } });
  });

  it('other name fields change nothing else', () => {
    const before = withEvents();
    const s = setField(before, ['title'], 'x');
    expect(s.events).toBe(before.events);
  });
});

describe('a refused edit', () => {
  it('says why in a sentence of bounded length, however long the names it repeats', () => {
    const huge = `web${'x'.repeat(1_000_000)}`;
    const s = createDefaultScenario();
    const vm = s.virtualMachines?.[0];
    if (vm?.networkInterfaces[0] !== undefined) vm.networkInterfaces[0].name = huge;
    const pool = s.loadBalancers?.[0]?.backendAddressPools[0];
    if (pool !== undefined) pool.loadBalancerBackendAddresses = membersOf([huge]);
    const refused = connect(s, `nic:${huge}`, 'pool:ilb/pool');
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.reason.startsWith(`web${'x'.repeat(500)}`)).toBe(true);
    expect(refused.reason.length).toBeLessThan(700);
  });
});
