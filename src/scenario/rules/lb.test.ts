/**
 * Load balancers (rules/lb.ts), beyond the one-per-rule tests of rules.test.ts: the rules no test
 * reached when lb.ts was first measured (inbound NAT port 65535, a NAT rule's NIC outside an
 * internal load balancer's VNet, TCP reset on a Udp outbound rule).
 */

import { describe, expect, it } from 'vitest';
import { nicWithAddress } from '../members';
import type { LoadBalancer, Scenario } from '../types';
import { rich } from './testing';

const lb = (s: Scenario, i: number) => (s.loadBalancers as LoadBalancer[])[i] as LoadBalancer;
const at = (list: { path: string; message: string }[], path: string) => list.filter((d) => d.path === path);

describe('inbound NAT rules', () => {
  it('a frontend port goes up to 65534', () => {
    const path = 'loadBalancers[1].inboundNatRules[0].frontendPort';
    expect(
      at(rich((s) => Object.assign(lb(s, 1).inboundNatRules?.[0] as object, { frontendPort: 65535 })).errors, path),
    ).toEqual([{ path, message: 'an inbound NAT rule frontend port goes up to 65534, got 65535' }]);
    expect(
      at(rich((s) => Object.assign(lb(s, 1).inboundNatRules?.[0] as object, { frontendPort: 65534 })).errors, path),
    ).toEqual([]);
  });
  it("an internal load balancer's NAT rule names a NIC of its own VNet", () => {
    const path = 'loadBalancers[0].inboundNatRules[0].networkInterface';
    const withNat = (nic: string) =>
      rich((s) => {
        s.virtualMachines?.push({
          name: 'hub01',
          networkInterfaces: [nicWithAddress('hub01-nic1', 'hub/gw', '10.1.0.4')],
        });
        lb(s, 0).inboundNatRules = [
          { name: 'ssh', frontendIPConfiguration: 'fe', frontendPort: 50022, backendPort: 22, networkInterface: nic },
        ];
      });
    expect(at(withNat('hub01-nic1').errors, path)).toEqual([
      { path, message: `"hub01-nic1" is in virtual network "hub", outside the internal load balancer's "spoke"` },
    ]);
    expect(at(withNat('web01-nic1').errors, path)).toEqual([]);
  });
});

describe('outbound rules', () => {
  it('TCP reset on a Udp outbound rule does nothing: warning', () => {
    const path = 'loadBalancers[1].outboundRules[0].enableTcpReset';
    const warned = (protocol: 'Udp' | 'Tcp' | 'All') =>
      at(
        rich((s) => Object.assign(lb(s, 1).outboundRules?.[0] as object, { protocol, enableTcpReset: true })).warnings,
        path,
      );
    expect(warned('Udp')).toEqual([{ path, message: 'TCP reset does nothing on a Udp outbound rule' }]);
    expect(warned('Tcp')).toEqual([]);
    expect(warned('All')).toEqual([]);
  });
});

describe('outbound rules: the ports an allocation may take', () => {
  const path = 'loadBalancers[1].outboundRules[0].allocatedOutboundPorts';
  /** Pool web with web01 and web02, the outbound rule on the frontends given, `ports` per member. */
  const allocate = (ports: number, frontends: string[], members = ['web01-nic1', 'web02-nic1']) =>
    at(
      rich((s) => {
        const plb = lb(s, 1);
        const web = plb.backendAddressPools[0];
        if (web !== undefined)
          web.loadBalancerBackendAddresses = members.map((m) => ({
            networkInterfaceIPConfiguration: `${m}/ipconfig1`,
          }));
        // web01 leaves the internal pool: a VM sits behind one internal and one public load balancer.
        const ilbPool = lb(s, 0).backendAddressPools[0];
        if (ilbPool !== undefined) ilbPool.loadBalancerBackendAddresses = [];
        for (const rule of plb.loadBalancingRules ?? []) rule.disableOutboundSnat = true;
        Object.assign(plb.outboundRules?.[0] as object, {
          allocatedOutboundPorts: ports,
          frontendIPConfigurations: frontends,
        });
        s.lesson = undefined;
      }).errors,
      path,
    ).map((e) => e.message);

  it('members × ports may fill the frontend IPs exactly, not more: 64,000 a public IP', () => {
    expect(allocate(32_000, ['fe-pub'])).toEqual([]);
    expect(allocate(32_008, ['fe-pub'])).toEqual([
      '32008 ports × 2 members exceeds the 64000 ports of 1 frontend IP(s): each public IP gives 64,000 SNAT ports, and Azure rejects an allocation beyond them (add frontend IPs, or give fewer ports)',
    ]);
  });

  it('a second frontend IP doubles the room', () => {
    expect(allocate(64_000, ['fe-pub', 'fe-dns'])).toEqual([]);
    expect(allocate(48_000, ['fe-pub', 'fe-dns'], ['web01-nic1', 'web02-nic1', 'nva01-nic1'])).toEqual([
      expect.stringContaining('48000 ports × 3 members exceeds the 128000 ports of 2 frontend IP(s)'),
    ]);
  });

  it('0 asks for the default allocation, which always fits; a multiple of 8 is checked first', () => {
    expect(allocate(0, ['fe-pub'], ['web01-nic1', 'web02-nic1', 'nva01-nic1'])).toEqual([]);
    expect(allocate(1004, ['fe-pub'])).toEqual([
      'must be a multiple of 8, got 1004: Azure gives SNAT ports in multiples of 8 and rejects any other number',
    ]);
  });
});

describe('load-balancing rules: ports 0 and protocol All go together (HA ports)', () => {
  const rule = (r: { protocol?: 'Tcp' | 'Udp' | 'All'; frontendPort: number; backendPort?: number }) =>
    rich((s) => {
      const ilb = lb(s, 0);
      ilb.loadBalancingRules?.push({
        name: 'extra',
        frontendIPConfiguration: 'fe',
        backendAddressPool: 'pool',
        probe: 'p80',
        ...r,
      });
    }).errors.filter((e) => e.path.startsWith('loadBalancers[0].loadBalancingRules[1]'));

  it('All needs both ports 0', () => {
    // Valid ports: only the HA-ports rule's clash with rule http on the same pool is left.
    expect(rule({ protocol: 'All', frontendPort: 0, backendPort: 0 }).map((e) => e.message)).toEqual([
      expect.stringContaining('HA ports rule and rule "http" both send to pool "pool"'),
    ]);
    const onProtocol = (errors: { path: string; message: string }[]) =>
      errors.filter((e) => e.path.endsWith('.protocol')).map((e) => e.message);
    expect(onProtocol(rule({ protocol: 'All', frontendPort: 0, backendPort: 80 }))).toEqual([
      'protocol All is for HA ports: frontendPort and backendPort must both be 0, got 0 and 80',
    ]);
    expect(onProtocol(rule({ protocol: 'All', frontendPort: 443, backendPort: 0 }))).toEqual([
      'protocol All is for HA ports: frontendPort and backendPort must both be 0, got 443 and 0',
    ]);
  });

  it('a Tcp or Udp rule needs ports 1–65535 on both sides', () => {
    expect(rule({ protocol: 'Tcp', frontendPort: 443, backendPort: 0 }).map((e) => e.path)).toEqual([
      'loadBalancers[0].loadBalancingRules[1].backendPort',
    ]);
    expect(rule({ protocol: 'Udp', frontendPort: 0 }).map((e) => e.path)).toContain(
      'loadBalancers[0].loadBalancingRules[1].frontendPort',
    );
    expect(rule({ protocol: 'Tcp', frontendPort: 443 })).toEqual([]);
  });
});
