import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../shared/ipv4';
import { checkGuestReceive, chooseSourceAddress, evaluateFirewall, type Host, type Iface, routeInGuest } from './guest';
import type { Os } from './input';
import { ACK, makeHeader, SYN } from './wire';

const ip = (t: string) => parseIpv4(t) as number;
const subnet = { base: ip('10.2.1.0'), prefixLength: 24 };

function nic(name: string, address: string, weak: boolean, n: number): Iface {
  return {
    kind: 'nic',
    id: `nic:${name}`,
    name,
    address: ip(address),
    weakHostSend: weak,
    weakHostReceive: weak,
    nic: n,
    onLink: subnet,
  };
}

function host(os: Os, ifaces: Iface[], routes: Host['routes'] = [], acceptLocal = false): Host {
  return {
    kind: 'vm',
    id: 'vm:web01',
    name: 'web01',
    os,
    running: true,
    ifaces,
    routes,
    acceptLocal,
    tcpSynLinearTimeouts: 4,
    firewall: null,
    listeners: [],
    sockets: new Map(),
    firewallFlows: new Map(),
    usedPorts: new Set(),
    location: null,
  };
}

const seg = (src: string, dst: string, flags = SYN) =>
  makeHeader({ protocol: 'Tcp', src: ip(src), srcPort: 80, dst: ip(dst), dstPort: 50000, flags });

describe('routeInGuest', () => {
  const windows2 = host(
    'windows',
    [nic('nic1', '10.2.1.4', false, 0), nic('nic2', '10.2.1.5', false, 1)],
    [{ prefix: { base: ip('10.2.1.100'), prefixLength: 32 }, iface: 1, nextHop: ip('10.2.1.1') }],
  );
  it('delivers a packet to the address of the interface it would leave by inside the guest', () => {
    expect(routeInGuest(windows2, seg('10.2.1.4', '10.2.1.4')).kind).toBe('local');
  });
  it('puts a packet for another NIC on the wire under the strong host model (seeds/003 §3.1)', () => {
    const r = routeInGuest(windows2, seg('10.2.1.4', '10.2.1.5', SYN | ACK));
    expect(r.kind === 'wire' && r.iface).toBe(0);
  });
  it('keeps a packet for another NIC inside a weak-host guest', () => {
    const linux2 = host('linux', [nic('nic1', '10.2.1.4', true, 0), nic('nic2', '10.2.1.5', true, 1)]);
    expect(routeInGuest(linux2, seg('10.2.1.4', '10.2.1.5')).kind).toBe('local');
  });
  it('mixed settings: a packet for another NIC stays inside only with weakHostSend out and weakHostReceive on the owner', () => {
    // RFC 1122 §3.3.4.2 and Microsoft's "Strong and Weak Host Models" (The Cable Guy, TechNet
    // Magazine, November 2007) set send and receive per interface; for a packet from one NIC's
    // address to another's, the engine's assumption (engine-model.md "Weak host") is that it is
    // delivered inside only when the sending NIC may send it (weak send) and the owning NIC may
    // take it (weak receive). Either one alone puts it on the wire, as the strong host model does.
    const mixed = (send: boolean, receive: boolean) =>
      host('windows', [
        { ...nic('nic1', '10.2.1.4', false, 0), weakHostSend: send },
        { ...nic('nic2', '10.2.1.5', false, 1), weakHostReceive: receive },
      ]);
    const kind = (h: Host) => routeInGuest(h, seg('10.2.1.4', '10.2.1.5')).kind;
    expect(kind(mixed(true, true))).toBe('local');
    expect(kind(mixed(true, false))).toBe('wire');
    expect(kind(mixed(false, true))).toBe('wire');
    expect(kind(mixed(false, false))).toBe('wire');
    const local = routeInGuest(mixed(true, true), seg('10.2.1.4', '10.2.1.5'));
    expect(local.kind === 'local' && local.decision).toEqual({
      kind: 'guestRoute',
      via: 'local',
      prefix: '10.2.1.5/32',
      interface: 'nic:nic2',
      nextHop: null,
    });
  });
  it('follows a guest route, and the connecting socket takes that interface address', () => {
    expect(chooseSourceAddress(windows2, ip('10.2.1.100'))).toBe(ip('10.2.1.5'));
    const r = routeInGuest(windows2, seg('10.2.1.5', '10.2.1.100'));
    expect(r.kind === 'wire' && r.decision).toMatchObject({
      via: 'route',
      prefix: '10.2.1.100/32',
      interface: 'nic:nic2',
    });
  });
  it('uses the default route via the primary NIC, next hop the subnet gateway', () => {
    const r = routeInGuest(windows2, seg('10.2.1.4', '192.168.2.1'));
    expect(r.kind === 'wire' && r.decision).toMatchObject({
      via: 'default',
      interface: 'nic:nic1',
      nextHop: '10.2.1.1',
    });
  });
  it('drops a reply from a loopback address under strong host send (GUEST_STRONG_HOST_SEND)', () => {
    const lo: Iface = {
      kind: 'loopback',
      id: 'loopback:web01/lo',
      name: 'lo',
      address: ip('10.2.1.100'),
      weakHostSend: false,
      weakHostReceive: false,
      nic: null,
      onLink: null,
    };
    const h = host('windows', [nic('nic1', '10.2.1.4', false, 0), lo]);
    const r = routeInGuest(h, seg('10.2.1.100', '192.168.2.1', SYN | ACK));
    expect(r.kind === 'drop' && r.reason.code).toBe('GUEST_STRONG_HOST_SEND');
    const weak = host('windows', [nic('nic1', '10.2.1.4', false, 0), { ...lo, weakHostSend: true }]);
    expect(routeInGuest(weak, seg('10.2.1.100', '192.168.2.1', SYN | ACK)).kind).toBe('wire');
    // seeds/003 §3.2: a loopback address is on-link: a local call never leaves the guest.
    expect(routeInGuest(h, seg('10.2.1.100', '10.2.1.100')).kind).toBe('local');
    expect(chooseSourceAddress(h, ip('10.2.1.100'))).toBe(ip('10.2.1.100'));
  });
});

describe('checkGuestReceive', () => {
  it('drops a destination the guest does not own (GUEST_DST_NOT_OWNED)', () => {
    const h = host('windows', [nic('nic1', '10.2.1.4', false, 0)]);
    expect(checkGuestReceive(h, 0, seg('192.168.2.1', '10.2.1.100'))?.code).toBe('GUEST_DST_NOT_OWNED');
  });
  it('drops a loopback VIP arriving on a strong-host NIC (GUEST_STRONG_HOST_RECEIVE)', () => {
    const lo: Iface = {
      kind: 'loopback',
      id: 'loopback:web01/lo',
      name: 'lo',
      address: ip('10.2.1.100'),
      weakHostSend: true,
      weakHostReceive: false,
      nic: null,
      onLink: null,
    };
    expect(
      checkGuestReceive(host('windows', [nic('nic1', '10.2.1.4', false, 0), lo]), 0, seg('192.168.2.1', '10.2.1.100'))
        ?.code,
    ).toBe('GUEST_STRONG_HOST_RECEIVE');
    expect(
      checkGuestReceive(host('windows', [nic('nic1', '10.2.1.4', true, 0), lo]), 0, seg('192.168.2.1', '10.2.1.100')),
    ).toBeNull();
  });
  it('drops an own source on Linux unless accept_local (GUEST_MARTIAN_SOURCE); Windows accepts it', () => {
    const pkt = seg('10.2.1.4', '10.2.1.4');
    expect(checkGuestReceive(host('linux', [nic('nic1', '10.2.1.4', true, 0)]), 0, pkt)?.code).toBe(
      'GUEST_MARTIAN_SOURCE',
    );
    expect(checkGuestReceive(host('linux', [nic('nic1', '10.2.1.4', true, 0)], [], true), 0, pkt)).toBeNull();
    expect(checkGuestReceive(host('windows', [nic('nic1', '10.2.1.4', false, 0)]), 0, pkt)).toBeNull();
  });
});

describe('evaluateFirewall', () => {
  const fw = {
    defaultInboundAction: 'Allow' as const,
    rules: [
      {
        name: 'allow-80',
        direction: 'Inbound' as const,
        action: 'Allow' as const,
        protocol: 'Tcp' as const,
        localPorts: [{ from: 80, to: 80 }],
        remotePorts: null,
        localAddresses: null,
        remoteAddresses: null,
      },
      {
        name: 'block-probe',
        direction: 'Inbound' as const,
        action: 'Block' as const,
        protocol: 'Tcp' as const,
        localPorts: [{ from: 80, to: 80 }],
        remotePorts: null,
        localAddresses: null,
        remoteAddresses: [{ base: ip('168.63.129.16'), prefixLength: 32 }],
      },
    ],
  };
  const inbound = (src: string) =>
    makeHeader({ protocol: 'Tcp', src: ip(src), srcPort: 1234, dst: ip('10.2.1.4'), dstPort: 80, flags: SYN });
  it('lets Block beat Allow (engine-model.md "Guest firewall")', () => {
    expect(evaluateFirewall(fw, 'Inbound', inbound('168.63.129.16'))).toMatchObject({
      action: 'Block',
      rule: { name: 'block-probe' },
    });
    expect(evaluateFirewall(fw, 'Inbound', inbound('10.2.1.9'))).toMatchObject({
      action: 'Allow',
      rule: { name: 'allow-80' },
    });
  });
  it('follows defaultInboundAction when nothing matches, and allows outbound', () => {
    const closed = { ...fw, defaultInboundAction: 'Block' as const, rules: [] };
    expect(evaluateFirewall(closed, 'Inbound', inbound('10.2.1.9'))).toEqual({ action: 'Block', rule: null });
    expect(evaluateFirewall(closed, 'Outbound', inbound('10.2.1.9'))).toEqual({ action: 'Allow', rule: null });
  });
});
