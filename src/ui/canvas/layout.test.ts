import { describe, expect, it } from 'vitest';
import { createDefaultScenario, type Scenario } from '../../scenario';
import { type CanvasNode, toFlow } from './toFlow';

/** The default lab (the ILB hairpin write-up) with some layout entries taken out. */
function labWithout(...ids: string[]): Scenario {
  const s = createDefaultScenario();
  const layout = { ...s.layout };
  for (const id of ids) delete layout[id];
  return { ...s, layout };
}

const boxOf = (nodes: readonly CanvasNode[], id: string) => {
  const n = nodes.find((x) => x.id === id);
  if (n === undefined) throw new Error(`no node ${id}`);
  return { x: n.position.x, y: n.position.y, r: n.position.x + (n.width ?? 0), b: n.position.y + (n.height ?? 0) };
};
type B = ReturnType<typeof boxOf>;
const gap = (a: B, b: B) => Math.max(0, a.x - b.r, b.x - a.r) + Math.max(0, a.y - b.b, b.y - a.b);
const inside = (a: B, o: B) => a.x >= o.x && a.y >= o.y && a.r <= o.r && a.b <= o.b;
const overlap = (a: B, b: B) => a.x < b.r && b.x < a.r && a.y < b.b && b.y < a.b;

function expectNoOverlap(nodes: readonly CanvasNode[]) {
  const leaves = nodes.filter((n) => n.type !== 'network').map((n) => ({ id: n.id, ...boxOf(nodes, n.id) }));
  for (const [i, a] of leaves.entries()) {
    for (const b of leaves.slice(i + 1))
      expect({ a: a.id, b: b.id, overlap: overlap(a, b) }).toMatchObject({ overlap: false });
  }
}

describe('layouts that cover some elements only (placeMissing)', () => {
  it('puts a NIC without a position beside its VM, inside its subnet', () => {
    const { nodes } = toFlow(labWithout('nic:web01-nic1'));
    const nic = boxOf(nodes, 'nic:web01-nic1');
    expect(gap(nic, boxOf(nodes, 'vm:web01'))).toBeLessThan(60);
    expect(inside(nic, boxOf(nodes, 'subnet:spoke/web'))).toBe(true);
    expectNoOverlap(nodes);
  });

  it('puts a probe and a pool without positions beside their load balancer', () => {
    const { nodes } = toFlow(labWithout('probe:ilb/p80', 'pool:ilb/pool'));
    const lb = boxOf(nodes, 'lb:ilb');
    for (const id of ['probe:ilb/p80', 'pool:ilb/pool']) {
      expect({ id, near: gap(boxOf(nodes, id), lb) < 250 }).toEqual({ id, near: true });
      expect({ id, inside: inside(boxOf(nodes, id), boxOf(nodes, 'subnet:spoke/web')) }).toEqual({ id, inside: true });
    }
    expectNoOverlap(nodes);
  });

  it('puts a VM and its NIC that have no position at all into their subnet, the NIC by the VM', () => {
    const s = labWithout();
    s.virtualMachines = [
      ...(s.virtualMachines ?? []),
      {
        name: 'web02',
        networkInterfaces: [
          {
            name: 'web02-nic1',
            ipConfigurations: [{ name: 'ipconfig1', subnet: 'spoke/web', privateIPAddress: '10.2.1.5' }],
          },
        ],
      },
    ];
    const { nodes } = toFlow(s);
    const subnet = boxOf(nodes, 'subnet:spoke/web');
    expect(inside(boxOf(nodes, 'vm:web02'), subnet)).toBe(true);
    expect(inside(boxOf(nodes, 'nic:web02-nic1'), subnet)).toBe(true);
    expect(gap(boxOf(nodes, 'nic:web02-nic1'), boxOf(nodes, 'vm:web02'))).toBeLessThan(60);
    // Where the layout said, the rest stays.
    expect(boxOf(nodes, 'vm:web01')).toMatchObject({ x: 860, y: 220 });
    expectNoOverlap(nodes);
  });

  it('puts an NSG beside the subnet it is associated with', () => {
    const s = labWithout();
    s.networkSecurityGroups = [{ name: 'nsg-web', securityRules: [] }];
    s.vnets = s.vnets?.map((v) => ({
      ...v,
      subnets: v.subnets.map((x) => ({ ...x, networkSecurityGroup: 'nsg-web' })),
    }));
    const { nodes } = toFlow(s);
    const nsg = boxOf(nodes, 'nsg:nsg-web');
    const subnet = boxOf(nodes, 'subnet:spoke/web');
    expect(overlap(nsg, subnet)).toBe(false);
    expect(gap(nsg, subnet)).toBeLessThan(60);
  });

  it('keeps the automatic arrangement, below the rest, for what has nothing placed to go by', () => {
    const s = labWithout();
    s.vnets = [
      ...(s.vnets ?? []),
      { name: 'hub', addressSpace: ['10.9.0.0/16'], subnets: [{ name: 'a', addressPrefix: '10.9.1.0/24' }] },
    ];
    s.virtualMachines = [
      ...(s.virtualMachines ?? []),
      {
        name: 'fw',
        networkInterfaces: [
          { name: 'fw-nic', ipConfigurations: [{ name: 'ipconfig1', subnet: 'hub/a', privateIPAddress: '10.9.1.4' }] },
        ],
      },
    ];
    const { nodes } = toFlow(s);
    const vm = boxOf(nodes, 'vm:fw');
    const nic = boxOf(nodes, 'nic:fw-nic');
    // Together (as autoLayout puts a VM over its NIC), in their own subnet, below the lab.
    expect(gap(vm, nic)).toBeLessThan(60);
    expect(inside(vm, boxOf(nodes, 'subnet:hub/a'))).toBe(true);
    expect(vm.y).toBeGreaterThan(boxOf(nodes, 'vnet:spoke').b);
    expectNoOverlap(nodes);
  });

  it('gives a document with a single position sensible places for everything else', () => {
    const s = createDefaultScenario();
    s.layout = { 'vm:web01': { x: 2000, y: 2000 } };
    const { nodes } = toFlow(s);
    expect(boxOf(nodes, 'vm:web01')).toMatchObject({ x: 2000, y: 2000 });
    expect(gap(boxOf(nodes, 'nic:web01-nic1'), boxOf(nodes, 'vm:web01'))).toBeLessThan(60);
    expectNoOverlap(nodes);
  });
});
