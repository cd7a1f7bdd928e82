/**
 * fabric.ts: who owns an address outside the guests (engine-model.md step 5), and the latencies.
 */
import { describe, expect, it } from 'vitest';
import { parseCidr, parseIpv4 } from '../shared/ipv4';
import { AddressBook, LATENCY_US } from './fabric';
import type { ClientIn, EngineInput, NicIn } from './input';
import { AZURE_LB_ADDRESS } from './nsg';
import { defaultOutboundAddress } from './snat';

const ip = (t: string) => parseIpv4(t) as number;
const cidr = (t: string) => parseCidr(t)?.cidr ?? { base: 0, prefixLength: 32 };

const nic = (n: number, address: string, publicIp: string | null = null): NicIn => ({
  id: `nic:n${n}`,
  name: `n${n}`,
  vm: n,
  subnet: 0,
  address: ip(address),
  nsg: null,
  publicIp: publicIp === null ? null : ip(publicIp),
  enableIPForwarding: false,
  weakHostSend: false,
  weakHostReceive: false,
});
const client = (name: string, prefix: string, first: string, count: number): ClientIn => ({
  id: `client:${name}`,
  name,
  os: 'linux',
  location: 'internet',
  prefix: cidr(prefix),
  firstAddress: ip(first),
  count,
  acceptLocal: false,
  tcpSynLinearTimeouts: 4,
  listeners: [],
});

const input: EngineInput = {
  seed: 1,
  vnets: [
    { id: 'vnet:hub', name: 'hub', addressSpace: [cidr('10.1.0.0/16')] },
    { id: 'vnet:spoke', name: 'spoke', addressSpace: [cidr('10.3.0.0/16'), cidr('10.2.0.0/16')] },
  ],
  subnets: [],
  nsgs: [],
  vms: [],
  nics: [nic(0, '10.2.1.4', '20.9.9.9'), nic(1, '10.2.1.5'), nic(2, '10.2.1.100')],
  clients: [client('one', '192.168.2.1/32', '192.168.2.1', 1), client('many', '203.0.113.0/24', '203.0.113.1', 10)],
  loadBalancers: [
    {
      id: 'lb:lb',
      name: 'lb',
      sku: 'Standard',
      // A NIC holds the same address as this frontend: the frontend wins.
      frontends: [
        { id: 'frontend:lb/fe', name: 'fe', address: ip('10.2.1.100'), isPublic: false },
        { id: 'frontend:lb/pub', name: 'pub', address: ip('20.1.1.1'), isPublic: true },
      ],
      pools: [],
      probes: [],
      rules: [],
      natRules: [],
      outboundRules: [],
    },
  ],
  traffic: [],
  routeTables: [],
  events: [],
};
const book = new AddressBook(input);

describe('AddressBook.lookup', () => {
  it('finds NICs, their instance-level public IPs, and frontends, a frontend winning over a NIC', () => {
    expect(book.lookup(ip('10.2.1.5'))).toEqual({ kind: 'nic', nic: 1 });
    expect(book.lookup(ip('20.9.9.9'))).toEqual({ kind: 'publicIp', nic: 0 });
    expect(book.lookup(ip('10.2.1.100'))).toEqual({ kind: 'frontend', lb: 0, frontend: 0, isPublic: false });
    expect(book.lookup(ip('20.1.1.1'))).toEqual({ kind: 'frontend', lb: 0, frontend: 1, isPublic: true });
  });

  it('168.63.129.16 is the platform', () => {
    expect(book.lookup(AZURE_LB_ADDRESS)).toEqual({ kind: 'platform' });
  });

  it('the default outbound access address of each NIC, and nothing past the last NIC', () => {
    expect(book.lookup(defaultOutboundAddress(0))).toEqual({ kind: 'publicIp', nic: 0 });
    expect(book.lookup(defaultOutboundAddress(2))).toEqual({ kind: 'publicIp', nic: 2 });
    expect(book.lookup(defaultOutboundAddress(3))).toEqual({ kind: 'none', vnet: null });
    expect(book.lookup(defaultOutboundAddress(0) - 1)).toEqual({ kind: 'none', vnet: null });
  });

  it("a client's addresses: its first address and the count after it, inside its prefix", () => {
    expect(book.lookup(ip('192.168.2.1'))).toEqual({ kind: 'client', client: 0, host: 0 });
    expect(book.lookup(ip('203.0.113.1'))).toEqual({ kind: 'client', client: 1, host: 0 });
    expect(book.lookup(ip('203.0.113.10'))).toEqual({ kind: 'client', client: 1, host: 9 });
    expect(book.lookup(ip('203.0.113.11'))).toEqual({ kind: 'none', vnet: null });
    expect(book.lookup(ip('203.0.113.0'))).toEqual({ kind: 'none', vnet: null });
    expect(book.lookup(ip('192.168.2.2'))).toEqual({ kind: 'none', vnet: null });
  });

  it('a client whose count runs past its prefix ends at the prefix', () => {
    const wide = new AddressBook({ ...input, clients: [client('edge', '203.0.113.0/30', '203.0.113.1', 10)] });
    expect(wide.lookup(ip('203.0.113.3'))).toEqual({ kind: 'client', client: 0, host: 2 });
    expect(wide.lookup(ip('203.0.113.4'))).toEqual({ kind: 'none', vnet: null });
  });

  it('an address nobody owns: the VNet whose address space holds it, or none', () => {
    expect(book.lookup(ip('10.1.0.9'))).toEqual({ kind: 'none', vnet: 0 });
    expect(book.lookup(ip('10.2.9.9'))).toEqual({ kind: 'none', vnet: 1 });
    expect(book.lookup(ip('10.3.0.1'))).toEqual({ kind: 'none', vnet: 1 });
    expect(book.lookup(ip('8.8.8.8'))).toEqual({ kind: 'none', vnet: null });
  });
});

describe('LATENCY_US', () => {
  it('inside a guest < through the fabric < to on-premises or the internet (engine-model.md "Time and TCP")', () => {
    expect(LATENCY_US).toEqual({ guest: 50, fabric: 250, platform: 100, gateway: 10_000, internet: 15_000 });
  });
});
