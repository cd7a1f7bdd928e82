/**
 * The fields the inspector shows for an element id, read from the document as written: ARM's
 * property names as labels (an Azure engineer recognises them), nested lists summarised by the
 * names of their items. Pure, so it is tested without a browser.
 */
import type { Scenario } from '../../scenario';
import type { CanvasKind } from '../canvas/toFlow';
import { KIND_INFO } from '../kinds';

export interface Field {
  readonly label: string;
  readonly value: string;
}

export interface ElementDescription {
  readonly kindLabel: string;
  readonly name: string;
  readonly fields: readonly Field[];
}

type Obj = { readonly [key: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const items = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const named = (list: unknown, name: string): Obj | undefined => items(list).find((o) => o.name === name);

/** One value, short enough for a table cell. */
export function formatValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    // An item by its name; a one-field item (a pool member) by its value.
    const short = (v: unknown): string => {
      if (!isObj(v)) return formatValue(v);
      if (typeof v.name === 'string') return v.name;
      const values = Object.values(v);
      return values.length === 1 ? formatValue(values[0]) : formatValue(v);
    };
    return value.map(short).join(', ');
  }
  if (isObj(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return entries.map(([k, v]) => `${k}: ${formatValue(v)}`).join(', ');
  }
  return String(value);
}

const fieldsOf = (o: Obj, extra: Field[] = []): Field[] => [
  ...extra,
  ...Object.entries(o)
    .filter(([key]) => key !== 'name')
    .map(([label, value]) => ({ label, value: formatValue(value) })),
];

function find(s: Scenario, kind: string, name: string): { kind: CanvasKind | 'rule'; fields: Field[] } | null {
  const [parent = '', child = ''] = name.split('/');
  switch (kind) {
    case 'vm': {
      const vm = named(s.virtualMachines, name);
      return vm ? { kind, fields: fieldsOf(vm) } : null;
    }
    case 'nic': {
      for (const vm of items(s.virtualMachines)) {
        const nic = named(vm.networkInterfaces, name);
        if (!nic) continue;
        // The primary IP configuration's address and subnet are the NIC's (the first of its list).
        const primary = items(nic.ipConfigurations)[0] ?? {};
        const address = ['privateIPAddress', 'subnet', 'publicIPAddress']
          .filter((key) => primary[key] !== undefined)
          .map((key) => ({ label: key, value: formatValue(primary[key]) }));
        return { kind, fields: fieldsOf(nic, [{ label: 'virtual machine', value: formatValue(vm.name) }, ...address]) };
      }
      return null;
    }
    case 'lb': {
      const lb = named(s.loadBalancers, name);
      return lb ? { kind, fields: fieldsOf(lb) } : null;
    }
    case 'frontend':
    case 'pool':
    case 'probe':
    case 'rule': {
      const lb = named(s.loadBalancers, parent);
      const list = {
        frontend: 'frontendIPConfigurations',
        pool: 'backendAddressPools',
        probe: 'probes',
        rule: 'loadBalancingRules',
      }[kind];
      const item = lb ? named(lb[list], child) : undefined;
      return item ? { kind, fields: fieldsOf(item, [{ label: 'load balancer', value: parent }]) } : null;
    }
    case 'client': {
      const client = named(s.clients, name);
      return client ? { kind, fields: fieldsOf(client) } : null;
    }
    case 'vnet': {
      const vnet = named(s.vnets, name);
      return vnet ? { kind, fields: fieldsOf(vnet) } : null;
    }
    case 'subnet': {
      const subnet = named(named(s.vnets, parent)?.subnets, child);
      return subnet ? { kind, fields: fieldsOf(subnet, [{ label: 'virtual network', value: parent }]) } : null;
    }
    case 'nsg': {
      const nsg = named(s.networkSecurityGroups, name);
      return nsg ? { kind, fields: fieldsOf(nsg) } : null;
    }
    case 'routeTable': {
      const rt = named(s.routeTables, name);
      return rt ? { kind, fields: fieldsOf(rt) } : null;
    }
    case 'gateway':
      return {
        kind,
        fields: [{ label: 'role', value: 'Connects on-premises clients to the VNets; not a resource of the file' }],
      };
    case 'internet':
      return { kind, fields: [{ label: 'role', value: 'Where internet clients live; not a resource of the file' }] };
    default:
      return null;
  }
}

/** What the inspector shows for `id`, or null when the document holds no such element. */
export function describeElement(scenario: Scenario, id: string): ElementDescription | null {
  const colon = id.indexOf(':');
  if (colon === -1) return null;
  const kind = id.slice(0, colon);
  const name = id.slice(colon + 1);
  const found = find(scenario, kind, name);
  if (found === null) return null;
  const kindLabel = found.kind === 'rule' ? 'Load-balancing rule' : KIND_INFO[found.kind].label;
  const displayName = kind === 'gateway' ? 'VNet gateway' : kind === 'internet' ? 'Internet' : name;
  return { kindLabel, name: displayName, fields: found.fields };
}
