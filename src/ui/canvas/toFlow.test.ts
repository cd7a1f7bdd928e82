import { describe, expect, it } from 'vitest';
import { createDefaultScenario, type Scenario } from '../../scenario';
import { createRichScenario } from '../../scenario/testScenarios';
import { handlesBetween, keepUnchanged, toFlow } from './toFlow';

const ids = (list: readonly { id: string }[]) => list.map((x) => x.id);

describe('toFlow: the default lab (the ILB hairpin write-up)', () => {
  const flow = toFlow(createDefaultScenario());
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));

  it('draws one node per element, keyed by the spec element id, groups first', () => {
    expect(ids(flow.nodes)).toEqual([
      'vnet:spoke',
      'subnet:spoke/web',
      'client:onprem',
      'gateway:onPremises',
      'lb:ilb',
      'frontend:ilb/fe',
      'pool:ilb/pool',
      'probe:ilb/p80',
      'vm:web01',
      'nic:web01-nic1',
    ]);
  });

  it('places nodes where layout says, and sizes groups from layout', () => {
    expect(byId.get('vm:web01')?.position).toEqual({ x: 860, y: 220 });
    expect(byId.get('frontend:ilb/fe')?.position).toEqual({ x: 420, y: 240 });
    const subnet = byId.get('subnet:spoke/web');
    expect(subnet?.position).toEqual({ x: 380, y: 100 });
    expect([subnet?.width, subnet?.height]).toEqual([720, 360]);
    expect(subnet?.type).toBe('network');
  });

  it('shows what matters at a glance', () => {
    expect(byId.get('frontend:ilb/fe')?.data.details).toEqual(['ilb · 10.2.1.100']);
    expect(byId.get('nic:web01-nic1')?.data.details).toEqual(['10.2.1.4']);
    expect(byId.get('vm:web01')?.data.details).toEqual(['Windows · TCP 80']);
    expect(byId.get('client:onprem')?.data.details).toEqual(['192.168.2.1']);
    expect(byId.get('vm:web01')?.ariaLabel).toBe('Virtual machine web01');
  });

  it('turns references into edges: NIC → VM, LB → its parts, NIC → pool, rule frontend → pool, probe → pool', () => {
    const edges = flow.edges.map((e) => [e.id, e.source, e.target, e.data?.relation]);
    expect(edges).toEqual([
      ['edge:gateway:onprem', 'client:onprem', 'gateway:onPremises', 'gateway'],
      ['edge:attached:nic:web01-nic1', 'nic:web01-nic1', 'vm:web01', 'attached'],
      ['edge:owner:frontend:ilb/fe', 'lb:ilb', 'frontend:ilb/fe', 'owner'],
      ['edge:owner:pool:ilb/pool', 'lb:ilb', 'pool:ilb/pool', 'owner'],
      ['edge:owner:probe:ilb/p80', 'lb:ilb', 'probe:ilb/p80', 'owner'],
      ['edge:member:pool:ilb/pool:web01-nic1', 'nic:web01-nic1', 'pool:ilb/pool', 'member'],
      ['rule:ilb/http', 'frontend:ilb/fe', 'pool:ilb/pool', 'rule'],
      ['edge:probe:ilb/p80:pool', 'probe:ilb/p80', 'pool:ilb/pool', 'probe'],
    ]);
    expect(flow.edges.find((e) => e.id === 'rule:ilb/http')?.label).toBe('TCP 80→80');
    // Only relations the user may remove are selectable (Delete then disconnects them).
    const selectable = flow.edges.filter((e) => e.selectable).map((e) => e.data?.relation);
    expect(selectable).toEqual(['member', 'rule', 'probe']);
  });

  it('leaves and enters edges by the sides that face each other', () => {
    const rule = flow.edges.find((e) => e.id === 'rule:ilb/http');
    expect([rule?.sourceHandle, rule?.targetHandle]).toEqual(['right', 'left']);
    // The NIC sits under its VM.
    const attached = flow.edges.find((e) => e.id === 'edge:attached:nic:web01-nic1');
    expect([attached?.sourceHandle, attached?.targetHandle]).toEqual(['top', 'bottom']);
  });

  it('is pure: the same document gives the same flow', () => {
    expect(toFlow(createDefaultScenario())).toEqual(flow);
  });
});

describe('toFlow: documents the editor may hold', () => {
  it('places elements without a layout entry, apart from each other, and wraps them in their groups', () => {
    const s = createDefaultScenario();
    const vm = s.virtualMachines?.[0];
    const web02 = {
      name: 'web02',
      networkInterfaces: [
        {
          name: 'web02-nic1',
          ipConfigurations: [{ name: 'ipconfig1', subnet: 'spoke/web', privateIPAddress: '10.2.1.5' }],
        },
      ],
    };
    const doc: Scenario = { ...s, virtualMachines: [...(vm ? [vm] : []), web02] };
    delete doc.layout;
    const { nodes } = toFlow(doc);
    const leaves = nodes.filter((n) => n.type !== 'network');
    const boxes = leaves.map((n) => ({
      x: n.position.x,
      y: n.position.y,
      right: n.position.x + (n.width ?? 0),
      bottom: n.position.y + (n.height ?? 0),
    }));
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        expect(a.right <= b.x || b.right <= a.x || a.bottom <= b.y || b.bottom <= a.y).toBe(true);
      }
    }
    const subnet = nodes.find((n) => n.id === 'subnet:spoke/web');
    const nic = nodes.find((n) => n.id === 'nic:web02-nic1');
    if (!subnet || !nic) throw new Error('missing nodes');
    expect(nic.position.x).toBeGreaterThan(subnet.position.x);
    expect(nic.position.y).toBeGreaterThan(subnet.position.y);
    expect(nic.position.x + (nic.width ?? 0)).toBeLessThan(subnet.position.x + (subnet.width ?? 0));
  });

  it('draws no edge to an element that does not exist (a dangling reference is a validation error)', () => {
    const s = createDefaultScenario();
    const lb = s.loadBalancers?.[0];
    if (!lb) throw new Error('the default lab has a load balancer');
    const doc: Scenario = {
      ...s,
      loadBalancers: [
        {
          ...lb,
          backendAddressPools: [
            {
              name: 'pool',
              loadBalancerBackendAddresses: [{ networkInterfaceIPConfiguration: 'ghost-nic/ipconfig1' }],
            },
          ],
        },
      ],
    };
    const { edges } = toFlow(doc);
    expect(edges.some((e) => e.source === 'nic:ghost-nic')).toBe(false);
  });

  it('draws NSGs, route tables and internet clients with their relations', () => {
    const doc: Scenario = {
      format: 'hairpin-scenario',
      version: 2,
      vnets: [
        {
          name: 'hub',
          addressSpace: ['10.0.0.0/16'],
          subnets: [{ name: 'a', addressPrefix: '10.0.1.0/24', networkSecurityGroup: 'nsg-a', routeTable: 'rt-a' }],
        },
      ],
      networkSecurityGroups: [{ name: 'nsg-a', securityRules: [] }],
      routeTables: [{ name: 'rt-a', routes: [] }],
      clients: [{ name: 'users', ipAddress: '203.0.113.0/24', count: 200 }],
    };
    const flow = toFlow(doc);
    expect(ids(flow.nodes)).toEqual([
      'vnet:hub',
      'subnet:hub/a',
      'client:users',
      'internet:internet',
      'nsg:nsg-a',
      'routeTable:rt-a',
    ]);
    expect(ids(flow.edges)).toEqual(['edge:internet:users', 'edge:nsg:subnet:hub/a', 'edge:routeTable:subnet:hub/a']);
    expect(flow.nodes.find((n) => n.id === 'client:users')?.data.details).toEqual(['203.0.113.0/24 · × 200 hosts']);
  });

  it('draws what the reference table marks for the canvas (associations, memberships) and parts joined to their parent', () => {
    const flow = toFlow(createRichScenario());
    const edges = new Map(flow.edges.map((e) => [e.id, [e.source, e.target, e.data?.relation]]));
    expect(edges.get('edge:nsg:subnet:spoke/web')).toEqual(['nsg:nsg-web', 'subnet:spoke/web', 'nsg']);
    expect(edges.get('edge:routeTable:subnet:spoke/web')).toEqual([
      'routeTable:rt-web',
      'subnet:spoke/web',
      'routeTable',
    ]);
    expect(edges.get('edge:member:pool:plb/web:web02-nic1')).toEqual(['nic:web02-nic1', 'pool:plb/web', 'member']);
    expect(edges.get('edge:attached:loopback:web02/lo-pub')).toEqual(['loopback:web02/lo-pub', 'vm:web02', 'attached']);
    // Each NIC is attached to its VM, and every member edge is a member of the pool it joins.
    const nics = (createRichScenario().virtualMachines ?? []).flatMap((vm) => vm.networkInterfaces.map((n) => n.name));
    for (const nic of nics) expect(edges.get(`edge:attached:nic:${nic}`)?.[0]).toBe(`nic:${nic}`);
    const members = flow.edges.filter((e) => e.data?.relation === 'member');
    expect(members.map((e) => e.id)).toEqual([
      'edge:member:pool:ilb/pool:web01-nic1',
      'edge:member:pool:plb/web:web02-nic1',
    ]);
    // An NSG associated with a NIC is drawn to the NIC.
    const withNicNsg = createRichScenario();
    const nic = withNicNsg.virtualMachines?.[0]?.networkInterfaces[0];
    if (nic !== undefined) nic.networkSecurityGroup = 'nsg-web';
    expect(toFlow(withNicNsg).edges.find((e) => e.id === 'edge:nsg:nic:web01-nic1')).toMatchObject({
      source: 'nsg:nsg-web',
      target: 'nic:web01-nic1',
    });
  });

  it('does not throw on a document restore kept odd (missing lists, no layout)', () => {
    expect(toFlow({ format: 'hairpin-scenario', version: 2 })).toEqual({ nodes: [], edges: [] });
  });
});

describe('handlesBetween', () => {
  const box = (x: number, y: number) => ({ x, y, width: 100, height: 50 });
  it.each([
    [box(0, 0), box(300, 20), 'right', 'left'],
    [box(300, 0), box(0, 20), 'left', 'right'],
    [box(0, 0), box(20, 300), 'bottom', 'top'],
    [box(0, 300), box(20, 0), 'top', 'bottom'],
  ])('%o → %o leaves by %s, enters by %s', (a, b, source, target) => {
    expect(handlesBetween(a, b)).toEqual({ sourceHandle: source, targetHandle: target });
  });
});

describe('toFlow: what the editor adds', () => {
  it('draws loopbacks as nodes attached to their VM, with their address', () => {
    const s = createDefaultScenario();
    const vm = s.virtualMachines?.[0];
    if (!vm) throw new Error('the default lab has a VM');
    vm.loopbackInterfaces = [{ name: 'lo-vip', ipAddress: '10.2.1.100' }];
    const flow = toFlow(s);
    expect(flow.nodes.find((n) => n.id === 'loopback:web01/lo-vip')?.data).toMatchObject({
      kind: 'loopback',
      owner: 'web01',
      details: ['10.2.1.100'],
    });
    expect(flow.edges.find((e) => e.id === 'edge:attached:loopback:web01/lo-vip')?.target).toBe('vm:web01');
  });

  it('lays out a document without layout: groups contain their elements, nothing overlaps', () => {
    const s = createDefaultScenario();
    delete s.layout;
    s.loadBalancers?.push({
      name: 'plb',
      frontendIPConfigurations: [{ name: 'pub', publicIPAddress: '20.50.1.10' }],
      backendAddressPools: [
        { name: 'web', loadBalancerBackendAddresses: [{ networkInterfaceIPConfiguration: 'web01-nic1/ipconfig1' }] },
      ],
    });
    s.networkSecurityGroups = [{ name: 'nsg', securityRules: [] }];
    const { nodes } = toFlow(s);
    const box = (id: string) => {
      const n = nodes.find((x) => x.id === id);
      if (!n) throw new Error(`no node ${id}`);
      return { x: n.position.x, y: n.position.y, r: n.position.x + (n.width ?? 0), b: n.position.y + (n.height ?? 0) };
    };
    const within = (inner: string, outer: string) => {
      const a = box(inner);
      const o = box(outer);
      return a.x >= o.x && a.y >= o.y && a.r <= o.r && a.b <= o.b;
    };
    for (const id of ['lb:ilb', 'frontend:ilb/fe', 'pool:ilb/pool', 'probe:ilb/p80', 'vm:web01', 'nic:web01-nic1']) {
      expect({ id, inside: within(id, 'subnet:spoke/web') }).toEqual({ id, inside: true });
    }
    expect(within('subnet:spoke/web', 'vnet:spoke')).toBe(true);
    // A public load balancer sits outside the VNets, an NSG to their right.
    expect(within('lb:plb', 'vnet:spoke')).toBe(false);
    expect(box('nsg:nsg').x).toBeGreaterThan(box('vnet:spoke').r);
    const leaves = nodes.filter((n) => n.type !== 'network').map((n) => box(n.id));
    for (const [i, a] of leaves.entries()) {
      for (const b of leaves.slice(i + 1)) expect(a.r <= b.x || b.r <= a.x || a.b <= b.y || b.b <= a.y).toBe(true);
    }
  });
});

describe('keepUnchanged: an edit redraws only what it changed', () => {
  it('keeps the objects of nodes and edges that did not change, and replaces the changed ones', () => {
    const s = createDefaultScenario();
    const before = toFlow(s);
    const moved: Scenario = { ...s, layout: { ...s.layout, 'vm:web01': { x: 900, y: 260 } } };
    const after = keepUnchanged(before, toFlow(moved));
    const old = new Map(before.nodes.map((n) => [n.id, n]));
    const replaced = after.nodes.filter((n) => old.get(n.id) !== n).map((n) => n.id);
    expect(replaced).toEqual(['vm:web01']);
    expect(after.nodes.find((n) => n.id === 'vm:web01')?.position).toEqual({ x: 900, y: 260 });
    // The NIC → VM edge may now leave by another side; the others are the same objects.
    const oldEdges = new Map(before.edges.map((e) => [e.id, e]));
    expect(after.edges.filter((e) => oldEdges.get(e.id) !== e).every((e) => e.target === 'vm:web01')).toBe(true);
  });

  it('returns the previous flow itself when nothing changed', () => {
    const s = createDefaultScenario();
    const before = toFlow(s);
    expect(keepUnchanged(before, toFlow(structuredClone(s)))).toBe(before);
  });

  it('tells React Flow each node is measured, so it never measures a dragged node again', () => {
    for (const n of toFlow(createDefaultScenario()).nodes) {
      expect(n.measured).toEqual({ width: n.width, height: n.height });
    }
  });
});
