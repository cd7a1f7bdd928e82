import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../shared/ipv4';
import {
  checkGuestReceive,
  chooseSourceAddress,
  evaluateFirewall,
  type Host,
  type Iface,
  isLoopbackNet,
  LOCALHOST,
  portKey,
  routeInGuest,
} from './guest';
import type { FirewallIn, FirewallRuleIn, Os } from './input';
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

function loopback(address: string): Iface {
  return {
    kind: 'loopback',
    id: 'loopback:web01/lo',
    name: 'lo',
    address: ip(address),
    weakHostSend: false,
    weakHostReceive: false,
    nic: null,
    onLink: null,
  };
}

const windows2Host = () =>
  host(
    'windows',
    [nic('nic1', '10.2.1.4', false, 0), nic('nic2', '10.2.1.5', false, 1)],
    [{ prefix: { base: ip('10.2.1.100'), prefixLength: 32 }, iface: 1, nextHop: ip('10.2.1.1') }],
  );

const seg = (src: string, dst: string, flags = SYN) =>
  makeHeader({ protocol: 'Tcp', src: ip(src), srcPort: 80, dst: ip(dst), dstPort: 50000, flags });

describe('routeInGuest', () => {
  // A new host per test: a host caches its route candidates and decisions, so a shared one would
  // hide from all but the first test what they compute.
  const windows2 = windows2Host;
  it('delivers a packet to the address of the interface it would leave by inside the guest', () => {
    expect(routeInGuest(windows2(), seg('10.2.1.4', '10.2.1.4')).kind).toBe('local');
  });
  it('puts a packet for another NIC on the wire under the strong host model (the ILB hairpin write-up §3.1)', () => {
    const r = routeInGuest(windows2(), seg('10.2.1.4', '10.2.1.5', SYN | ACK));
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
    expect(chooseSourceAddress(windows2(), ip('10.2.1.100'))).toBe(ip('10.2.1.5'));
    const r = routeInGuest(windows2(), seg('10.2.1.5', '10.2.1.100'));
    expect(r.kind === 'wire' && r.decision).toMatchObject({
      via: 'route',
      prefix: '10.2.1.100/32',
      interface: 'nic:nic2',
    });
  });
  it('uses the default route via the primary NIC, next hop the subnet gateway', () => {
    const r = routeInGuest(windows2(), seg('10.2.1.4', '192.168.2.1'));
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
    // the ILB hairpin write-up §3.2: a loopback address is on-link: a local call never leaves the guest.
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

describe('loopback and ports', () => {
  // RFC 1122 §3.2.1.3 (g): { 127, <any> } is the host's internal loopback, and never leaves it.
  it('127.0.0.0/8 is loopback, nothing outside it is', () => {
    expect(isLoopbackNet(ip('127.0.0.1'))).toBe(true);
    expect(isLoopbackNet(ip('127.255.255.254'))).toBe(true);
    expect(isLoopbackNet(ip('126.255.255.255'))).toBe(false);
    expect(isLoopbackNet(ip('128.0.0.1'))).toBe(false);
    expect(isLoopbackNet(ip('10.2.1.4'))).toBe(false);
  });
  it('a packet to 127.0.0.0/8 is delivered inside the guest, and a socket to it takes 127.0.0.1', () => {
    const h = host('linux', [nic('nic1', '10.2.1.4', false, 0)]);
    expect(routeInGuest(h, seg('127.0.0.1', '127.0.0.53'))).toEqual({
      kind: 'local',
      decision: { kind: 'guestRoute', via: 'local', prefix: '127.0.0.0/8', interface: 'vm:web01/lo', nextHop: null },
    });
    expect(chooseSourceAddress(h, ip('127.0.0.53'))).toBe(LOCALHOST);
  });
  it('portKey: TCP, UDP and ICMP ports are kept apart', () => {
    expect(portKey('Tcp', 80)).toBe(80);
    expect(portKey('Udp', 80)).toBe(65536 + 80);
    expect(portKey('Icmp', 7)).toBe(2 * 65536 + 7);
  });
});

describe('routing choices', () => {
  it('the longest prefix wins whatever the order: an on-link /24 over a guest route /8', () => {
    const h = host(
      'linux',
      [nic('nic1', '10.2.1.4', true, 0), { ...nic('nic2', '10.3.1.4', true, 1), onLink: null }],
      [{ prefix: { base: ip('10.0.0.0'), prefixLength: 8 }, iface: 1, nextHop: ip('10.3.1.1') }],
    );
    const r = routeInGuest(h, seg('10.2.1.4', '10.2.1.9'));
    expect(r.kind === 'wire' && r.decision).toEqual({
      kind: 'guestRoute',
      via: 'onLink',
      prefix: '10.2.1.0/24',
      interface: 'nic:nic1',
      nextHop: null,
    });
    const far = routeInGuest(h, seg('10.3.1.4', '10.9.9.9'));
    expect(far.kind === 'wire' && far.decision).toEqual({
      kind: 'guestRoute',
      via: 'route',
      prefix: '10.0.0.0/8',
      interface: 'nic:nic2',
      nextHop: '10.3.1.1',
    });
  });
  it("a socket to another NIC's address takes the address of the interface it would leave by", () => {
    // engine-model.md "Routing": the source is the outgoing interface's address; both NICs are
    // on-link for 10.2.1.0/24 and the first listed wins.
    expect(chooseSourceAddress(windows2Host(), ip('10.2.1.5'))).toBe(ip('10.2.1.4'));
    expect(chooseSourceAddress(windows2Host(), ip('192.168.2.1'))).toBe(ip('10.2.1.4'));
  });
  it('a loopback address is delivered by its loopback interface', () => {
    const lo: Iface = { ...loopback('10.2.1.100'), weakHostSend: true };
    const h = host('windows', [nic('nic1', '10.2.1.4', false, 0), lo]);
    expect(routeInGuest(h, seg('10.2.1.4', '10.2.1.100'))).toEqual({
      kind: 'local',
      decision: {
        kind: 'guestRoute',
        via: 'local',
        prefix: '10.2.1.100/32',
        interface: 'loopback:web01/lo',
        nextHop: null,
      },
    });
    expect(routeInGuest(h, seg('10.2.1.4', '10.2.1.4'))).toEqual({
      kind: 'local',
      decision: { kind: 'guestRoute', via: 'local', prefix: '10.2.1.0/24', interface: 'nic:nic1', nextHop: null },
    });
  });
  it('strong host send: the drop says which interface may not send which source, and how to allow it', () => {
    const h = host('windows', [nic('nic1', '10.2.1.4', false, 0), loopback('10.2.1.100')]);
    const r = routeInGuest(h, seg('10.2.1.100', '192.168.2.1', SYN | ACK));
    expect(r.kind === 'drop' && r.reason).toEqual({
      code: 'GUEST_STRONG_HOST_SEND',
      at: 'vm:web01',
      rule: null,
      detail:
        'web01 may not send SYN-ACK 10.2.1.100:80 → 192.168.2.1:50000 out of nic1: under the strong host model a packet ' +
        'from 10.2.1.100 leaves only by the interface that owns it (lo), unless weakHostSend is set on nic1 or on lo.',
    });
    // A source no interface owns: no owner to name.
    const stray = routeInGuest(h, seg('10.9.9.9', '192.168.2.1', SYN | ACK));
    expect(stray.kind === 'drop' && stray.reason.detail).toBe(
      'web01 may not send SYN-ACK 10.9.9.9:80 → 192.168.2.1:50000 out of nic1: under the strong host model a packet ' +
        'from 10.9.9.9 leaves only by the interface that owns it, unless weakHostSend is set on nic1.',
    );
    // A guest with no interface has no route at all.
    const none = routeInGuest(host('linux', []), seg('10.9.9.9', '192.168.2.1'));
    expect(none.kind === 'drop' && none.reason.detail).toMatch(/ out of any interface: /);
  });
  it('an interface the routes name but the guest lacks is a bug, reported by name', () => {
    const h = host(
      'linux',
      [nic('nic1', '10.2.1.4', true, 0)],
      [{ prefix: { base: ip('10.9.0.0'), prefixLength: 16 }, iface: 4, nextHop: null }],
    );
    expect(() => routeInGuest(h, seg('10.2.1.4', '10.9.1.1'))).toThrow('vm:web01 has no interface 4');
  });
});

describe('checkGuestReceive: what each drop says', () => {
  it('names the host, the packet and the rule it broke', () => {
    const strong = host('linux', [nic('nic1', '10.2.1.4', false, 0), loopback('10.2.1.100')]);
    expect(checkGuestReceive(strong, 0, seg('192.168.2.1', '10.2.1.9'))?.detail).toBe(
      'web01 does not own 10.2.1.9, the destination of SYN 192.168.2.1:80 → 10.2.1.9:50000, so it drops it (with floating IP the guest must own the frontend address, on a loopback interface).',
    );
    expect(checkGuestReceive(strong, 0, seg('192.168.2.1', '10.2.1.100'))?.detail).toBe(
      'nic1 received SYN 192.168.2.1:80 → 10.2.1.100:50000 for 10.2.1.100, an address of lo; under the strong host model it is accepted only if nic1 has weakHostReceive.',
    );
    const linux = host('linux', [nic('nic1', '10.2.1.4', true, 0)]);
    expect(checkGuestReceive(linux, 0, seg('10.2.1.4', '10.2.1.4'))?.detail).toBe(
      'web01 (Linux) dropped SYN 10.2.1.4:80 → 10.2.1.4:50000 arriving on nic1 as a martian: its source 10.2.1.4 is one of its own addresses and accept_local is off.',
    );
  });
});

describe('evaluateFirewall: matching', () => {
  const block = (over: Partial<FirewallRuleIn>): FirewallIn => ({
    defaultInboundAction: 'Allow',
    rules: [
      {
        name: 'r',
        direction: 'Inbound',
        action: 'Block',
        protocol: 'Any',
        localPorts: null,
        remotePorts: null,
        localAddresses: null,
        remoteAddresses: null,
        ...over,
      },
    ],
  });
  const udp = makeHeader({ protocol: 'Udp', src: ip('10.2.1.9'), srcPort: 1234, dst: ip('10.2.1.4'), dstPort: 53 });
  const icmp = makeHeader({ protocol: 'Icmp', src: ip('10.2.1.9'), dst: ip('10.2.1.4'), icmp: 'echo-request' });
  const action = (fw: FirewallIn, h = udp, direction: 'Inbound' | 'Outbound' = 'Inbound') =>
    evaluateFirewall(fw, direction, h).action;

  it('protocol: Any matches every protocol, a named one only itself', () => {
    expect(action(block({}))).toBe('Block');
    expect(action(block({}), icmp)).toBe('Block');
    expect(action(block({ protocol: 'Udp' }))).toBe('Block');
    expect(action(block({ protocol: 'Tcp' }))).toBe('Allow');
  });
  it('ports: local and remote both must match (inbound: local is the destination)', () => {
    expect(action(block({ localPorts: [{ from: 53, to: 53 }], remotePorts: [{ from: 1234, to: 1234 }] }))).toBe(
      'Block',
    );
    expect(action(block({ localPorts: [{ from: 53, to: 53 }], remotePorts: [{ from: 9, to: 9 }] }))).toBe('Allow');
    expect(action(block({ localPorts: [{ from: 1234, to: 1234 }] }))).toBe('Allow');
  });
  it('outbound: local is the source', () => {
    const out = block({ direction: 'Outbound', localPorts: [{ from: 1234, to: 1234 }] });
    expect(action(out, udp, 'Outbound')).toBe('Block');
    const outRemote = block({ direction: 'Outbound', remoteAddresses: [{ base: ip('10.2.1.4'), prefixLength: 32 }] });
    expect(action(outRemote, udp, 'Outbound')).toBe('Block');
    expect(action(outRemote, udp, 'Inbound')).toBe('Allow');
  });
  it('a rule of the other direction does not apply', () => {
    expect(action(block({ direction: 'Outbound' }))).toBe('Allow');
  });
  it('ICMP has no ports: a rule naming ports still matches it (assumption)', () => {
    expect(action(block({ localPorts: [{ from: 80, to: 80 }] }), icmp)).toBe('Block');
  });
});
