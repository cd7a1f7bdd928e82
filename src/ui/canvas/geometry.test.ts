import { describe, expect, it } from 'vitest';
import { createDefaultScenario } from '../../scenario';
import { addElement } from '../../scenario/edit';
import { boxesOf, clampInto, growGroups, keepInSubnets, keyboardPlacement } from './geometry';
import { toFlow } from './toFlow';

describe('keepInSubnets: an element dropped near a subnet edge lands inside the subnet', () => {
  const lab = createDefaultScenario();
  const boxes = boxesOf(toFlow(lab).nodes);
  const subnet = boxes.get('subnet:spoke/web');
  if (subnet === undefined) throw new Error('the lab has subnet spoke/web');
  const right = subnet.x + subnet.width;
  const bottom = subnet.y + subnet.height;

  it('moves a NIC dropped across the bottom-right corner just inside it, with a free address', () => {
    const dropped = addElement(lab, 'nic', {
      vm: 'web01',
      subnet: 'spoke/web',
      position: { x: right - 40, y: bottom - 20 },
    });
    const kept = keepInSubnets(dropped, boxes);
    if (!kept.ok) throw new Error(kept.reason);
    const at = kept.scenario.layout?.['nic:web01-nic2'];
    expect(at).toEqual({ x: right - 12 - 152, y: bottom - 12 - 62 });
    expect(kept.scenario.virtualMachines?.[0]?.networkInterfaces[1]?.ipConfigurations[0]).toMatchObject({
      subnet: 'spoke/web',
      privateIPAddress: '10.2.1.5',
    });
  });

  it('moves a VM dropped on the left edge inside with its NIC, one row below it', () => {
    const kept = keepInSubnets(
      addElement(lab, 'vm', { subnet: 'spoke/web', position: { x: subnet.x - 60, y: subnet.y + 100 } }),
      boxes,
    );
    if (!kept.ok) throw new Error(kept.reason);
    const vm = kept.scenario.layout?.['vm:vm1'];
    const nic = kept.scenario.layout?.['nic:vm1-nic1'];
    expect(vm).toEqual({ x: subnet.x + 12, y: subnet.y + 100 });
    expect(nic).toEqual({ x: subnet.x + 12, y: subnet.y + 196 });
  });

  it('leaves an element dropped well inside where it was dropped, and refusals as they are', () => {
    const dropped = addElement(lab, 'nic', { vm: 'web01', position: { x: subnet.x + 100, y: subnet.y + 100 } });
    expect(keepInSubnets(dropped, boxes)).toBe(dropped);
    const refused = addElement(lab, 'nic', {});
    expect(keepInSubnets(refused, boxes)).toBe(refused);
  });

  it('clampInto keeps the label strip free and puts a box too big for the subnet at its top-left', () => {
    const box = { x: 0, y: 0, width: 100, height: 80 };
    expect(clampInto({ x: -50, y: -50 }, { width: 20, height: 20 }, box)).toEqual({ x: 12, y: 36 });
    expect(clampInto({ x: 500, y: 500 }, { width: 200, height: 200 }, box)).toEqual({ x: 12, y: 36 });
  });
});

describe('keyboard additions (keyboardPlacement, growGroups)', () => {
  const lab = createDefaultScenario();
  const boxes = boxesOf(toFlow(lab).nodes);
  const box = (id: string, s: Parameters<typeof toFlow>[0]) => {
    const n = toFlow(s).nodes.find((x) => x.id === id);
    if (n === undefined) throw new Error(`no ${id}`);
    return { x: n.position.x, y: n.position.y, r: n.position.x + (n.width ?? 0), b: n.position.y + (n.height ?? 0) };
  };
  const within = (a: ReturnType<typeof box>, o: ReturnType<typeof box>) =>
    a.x >= o.x && a.y >= o.y && a.r <= o.r && a.b <= o.b;

  it('puts a new subnet inside its VNet, which grows to hold it', () => {
    const added = growGroups(addElement(lab, 'subnet', keyboardPlacement(lab, ['vnet:spoke'], 'subnet')), boxes);
    if (!added.ok) throw new Error(added.reason);
    expect(within(box('subnet:spoke/subnet1', added.scenario), box('vnet:spoke', added.scenario))).toBe(true);
    expect(within(box('subnet:spoke/web', added.scenario), box('vnet:spoke', added.scenario))).toBe(true);
  });

  it('grows a full subnet (and its VNet) to hold a VM added to it, with its NIC', () => {
    let s = lab;
    for (let i = 0; i < 6; i++) {
      const b = boxesOf(toFlow(s).nodes);
      const r = growGroups(addElement(s, 'vm', keyboardPlacement(s, ['subnet:spoke/web'], 'vm')), b);
      if (!r.ok) throw new Error(r.reason);
      s = r.scenario;
    }
    const subnet = box('subnet:spoke/web', s);
    for (const id of ['vm:vm6', 'nic:vm6-nic1'])
      expect({ id, inside: within(box(id, s), subnet) }).toEqual({ id, inside: true });
    expect(within(subnet, box('vnet:spoke', s))).toBe(true);
  });

  it('puts NSGs, route tables and clients outside the networks', () => {
    for (const kind of ['nsg', 'routeTable', 'onPremisesClient', 'internetClient'] as const) {
      const r = addElement(lab, kind, keyboardPlacement(lab, ['subnet:spoke/web'], kind));
      if (!r.ok) throw new Error(r.reason);
      const id = r.ids[0] as string;
      const b = box(id, r.scenario);
      const vnet = box('vnet:spoke', r.scenario);
      const outside = b.r <= vnet.x || b.x >= vnet.r || b.b <= vnet.y || b.y >= vnet.b;
      expect({ kind, outside }).toEqual({ kind, outside: true });
    }
  });
});
