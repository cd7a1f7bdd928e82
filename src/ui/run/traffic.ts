/**
 * The traffic panel's pure half: what the pickers offer (the scenario's clients and VMs as
 * sources; its frontends with their rule ports, VMs' addresses with their listeners, and clients
 * with listeners as destinations), and the edits it makes, each one `Scenario → Scenario` applied
 * through the store (so undo covers them). Defaults stay unwritten: clearing a field removes it.
 */

import type { Scenario, Traffic } from '../../scenario';
import { setField } from '../../scenario/edit';
import { nicAddress } from '../../scenario/members';

export interface PickOption {
  readonly value: string;
  readonly label: string;
  /** The optgroup it goes in. */
  readonly group: string;
}

const list = <T>(value: readonly T[] | undefined): readonly T[] => (Array.isArray(value) ? value : []);

export function sourceOptions(s: Scenario): PickOption[] {
  return [
    ...list(s.clients).map((c) => ({
      value: c.name,
      label: `${c.name} · ${c.ipAddress}${c.location === 'onPremises' ? ' (on-premises)' : ' (internet)'}`,
      group: 'Clients',
    })),
    ...list(s.virtualMachines).map((vm) => ({
      value: vm.name,
      label: `${vm.name} · ${nicAddress(list(vm.networkInterfaces)[0]) ?? 'no NIC'}`,
      group: 'Virtual machines',
    })),
  ];
}

/** Destinations: frontends at each rule's port first (what a load balancer is for), then hosts. */
export function destinationOptions(s: Scenario): PickOption[] {
  const options: PickOption[] = [];
  const seen = new Set<string>();
  const add = (value: string, label: string, group: string) => {
    if (seen.has(value)) return;
    seen.add(value);
    options.push({ value, label, group });
  };
  for (const lb of list(s.loadBalancers)) {
    for (const fe of list(lb.frontendIPConfigurations)) {
      const address = fe.privateIPAddress ?? fe.publicIPAddress;
      if (address === undefined) continue;
      const rules = [...list(lb.loadBalancingRules), ...list(lb.inboundNatRules)].filter(
        (r) => r.frontendIPConfiguration === fe.name,
      );
      for (const r of rules) {
        const port = r.frontendPort === 0 ? 80 : r.frontendPort;
        add(`${address}:${port}`, `${address}:${port} · ${lb.name}/${fe.name} (${r.name})`, 'Frontends');
      }
      if (rules.length === 0) add(`${address}:80`, `${address}:80 · ${lb.name}/${fe.name}`, 'Frontends');
    }
  }
  for (const vm of list(s.virtualMachines)) {
    for (const nic of list(vm.networkInterfaces)) {
      const address = nicAddress(nic);
      if (address === undefined) continue;
      const ports = list(vm.listeners).map((l) => l.port);
      for (const port of ports.length > 0 ? ports : [80]) {
        add(`${address}:${port}`, `${address}:${port} · ${vm.name}`, 'Virtual machines');
      }
    }
  }
  for (const c of list(s.clients)) {
    for (const l of list(c.listeners)) {
      const address = c.ipAddress.split('/')[0] ?? c.ipAddress;
      add(`${address}:${l.port}`, `${address}:${l.port} · ${c.name}`, 'Clients');
    }
  }
  return options;
}

/** A fresh traffic entry: the first source to the first destination, named after them. */
export function newTraffic(s: Scenario): Traffic {
  const from = sourceOptions(s)[0]?.value ?? '';
  const to = destinationOptions(s)[0]?.value ?? '';
  const taken = new Set(list(s.traffic).map((t) => t.name));
  const base = from === '' ? 'traffic' : `${from}-to-${to.split(':')[0] ?? 'dst'}`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  return { name, from, to };
}

export const addTraffic = (s: Scenario): Scenario => ({ ...s, traffic: [...list(s.traffic), newTraffic(s)] });

export const removeTraffic = (s: Scenario, index: number): Scenario => ({
  ...s,
  traffic: list(s.traffic).filter((_, i) => i !== index),
});

export type TrafficField = Exclude<keyof Traffic, number>;

/** Sets one field of traffic `index`; `undefined` removes it (its default applies). */
export function setTrafficField(s: Scenario, index: number, field: TrafficField, value: unknown): Scenario {
  return setField(s, ['traffic', index, field as string], value);
}

/** How many connections the scenario's traffic opens (to choose trace or bulk mode). */
export const connectionCount = (s: Scenario): number =>
  list(s.traffic).reduce((n, t) => n + (typeof t.connections === 'number' ? t.connections : 1), 0);
