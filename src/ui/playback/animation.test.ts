import { describe, expect, it } from 'vitest';
import { createDefaultScenario } from '../../scenario/defaultScenario';
import { toFlow } from '../canvas/toFlow';
import { boxOfElement, buildGraph, centreOf, packetPath, routeBetween } from './animation';

const graph = buildGraph(toFlow(createDefaultScenario()));

describe('routeBetween', () => {
  it('follows the canvas edges between the elements a trace names', () => {
    expect(routeBetween(graph, 'vm:web01', 'nic:web01-nic1').nodes).toEqual(['vm:web01', 'nic:web01-nic1']);
    // A NIC to the frontend: through its pool and the load-balancing rule.
    expect(routeBetween(graph, 'nic:web01-nic1', 'frontend:ilb/fe').nodes).toEqual([
      'nic:web01-nic1',
      'pool:ilb/pool',
      'frontend:ilb/fe',
    ]);
    expect(routeBetween(graph, 'client:onprem', 'gateway:onPremises').nodes).toEqual([
      'client:onprem',
      'gateway:onPremises',
    ]);
  });
  it('goes straight where no short path of edges joins two elements', () => {
    expect(routeBetween(graph, 'gateway:onPremises', 'frontend:ilb/fe')).toEqual({
      nodes: ['gateway:onPremises', 'frontend:ilb/fe'],
      links: [],
    });
  });
});

describe('boxOfElement', () => {
  it('places drawn elements at their node and stand-ins near what they belong to', () => {
    expect(boxOfElement(graph, 'vm:web01')).toEqual(graph.boxes.get('vm:web01'));
    expect(boxOfElement(graph, 'rule:ilb/http')).toEqual(graph.boxes.get('lb:ilb'));
    expect(boxOfElement(graph, 'loopback:web01/lo-vip')).toEqual(graph.boxes.get('vm:web01'));
    expect(boxOfElement(graph, 'nsg:none')).toBeNull();
  });
  it('puts the internet, when no client draws it, left of everything', () => {
    const internet = boxOfElement(graph, 'internet:internet');
    expect(internet).not.toBeNull();
    expect((internet?.x ?? 0) + (internet?.width ?? 0)).toBeLessThan(graph.bounds.x);
  });
});

describe('packetPath', () => {
  it('starts at the centre of one element and ends at the centre of the other', () => {
    const d = packetPath(graph, 'nic:web01-nic1', 'frontend:ilb/fe') as string;
    const a = centreOf(graph.boxes.get('nic:web01-nic1') as never);
    const b = centreOf(graph.boxes.get('frontend:ilb/fe') as never);
    expect(d.startsWith(`M${a.x},${a.y}`)).toBe(true);
    expect(d.endsWith(`L${b.x},${b.y}`)).toBe(true);
    // Along the edges: a bezier curve for the membership and the rule.
    expect(d).toContain('C');
  });
  it('loops under a node for a packet that stays inside the guest, never over its name', () => {
    const d = packetPath(graph, 'vm:web01', 'vm:web01') as string;
    expect(d).toMatch(/^M[\d.,]+ C[\d., ]+ C[\d., ]+$/);
    const box = graph.boxes.get('vm:web01') as { y: number; height: number };
    const ys = [...d.matchAll(/[\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
    expect(Math.min(...ys)).toBeGreaterThan(box.y + box.height);
  });
  it('has no path to an element the canvas cannot place', () => {
    expect(packetPath(graph, 'vm:web01', 'nsg:nowhere')).toBeNull();
  });
});
