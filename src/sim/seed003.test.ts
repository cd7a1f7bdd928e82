/**
 * the ILB hairpin write-up ("Azure Internal Load Balancer (ILB) hairpin") and “Troubleshoot Azure Load Balancer” causes 1, 2, 4 as
 * scenario fixtures, compiled and simulated, with the results the engine model predicts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionResult, SimulationResult } from '../engine/result';
import {
  labBaseline,
  labHairpin,
  labHairpinTwoBackends,
  labLoopbackDsr,
  labNotListening,
  labNsgDeny,
  labPingFrontend,
  labSecondNic,
  publicStandardNoNsg,
} from './fixtures/seed003';
import { runScenario } from './simulate';

const outcomes = (r: SimulationResult, traffic?: string) =>
  r.connections.filter((c) => traffic === undefined || c.traffic === traffic).map((c) => c.outcome);
const codes = (r: SimulationResult, traffic?: string) =>
  r.connections.filter((c) => traffic === undefined || c.traffic === traffic).map((c) => c.reason?.code ?? null);
const only = (r: SimulationResult): ConnectionResult => {
  expect(r.connections).toHaveLength(1);
  return r.connections[0] as ConnectionResult;
};

describe('the ILB hairpin write-up §2.1 lab baseline', () => {
  // Run per test, not while collecting: `npm run mutate` credits a test only with what runs in it.
  let r: SimulationResult;
  beforeEach(() => {
    r = runScenario(labBaseline('windows'));
  });
  it('the on-premises client loads the page through the ILB frontend', () => {
    expect(outcomes(r)).toEqual(['established', 'established', 'established']);
    for (const c of r.connections) {
      expect(c.backend).toBe('web01-nic1');
      expect(c.http).toEqual({ path: '/', status: 200 });
      expect(c.reason).toBeNull();
      expect(c.closed?.by).toBe('client');
    }
  });
  it('takes about 20 ms through the gateway, as psping shows in the ILB hairpin write-up §3.2', () => {
    const ms = r.connections[0]?.handshakeMs ?? 0;
    expect(ms).toBeGreaterThan(15);
    expect(ms).toBeLessThan(30);
  });
  it('probes web01 up from time 0 and counts the flows per member', () => {
    expect(r.probes).toEqual([
      {
        loadBalancer: 'ilb',
        probe: 'p80',
        member: 'web01-nic1',
        state: 'up',
        healthStatus: { state: 'up', reasonCode: 'Up_Probe_Success' },
        transitions: [{ at: 0, state: 'up' }],
        lastFailure: null,
      },
    ]);
    expect(r.distribution).toEqual({ 'ilb/http': { 'web01-nic1': 3 } });
  });
  it('prints the result document of scenario-format.md', () => {
    expect(Object.keys(r)).toEqual([
      'format',
      'version',
      'seed',
      'simulatedSeconds',
      'warnings',
      'connections',
      'probes',
      'distribution',
    ]);
    expect(r.format).toBe('hairpin-result');
    expect(r.connections[0]?.source).toMatch(/^192\.168\.2\.1:\d+$/);
    expect(r.connections[0]?.destination).toBe('10.2.1.100:80');
  });
});

describe('the ILB hairpin write-up §1 hairpin, one backend', () => {
  it('windows: the SYN-ACK matches no socket; the connect times out at 21 s (TCP_SYNACK_MISMATCH)', () => {
    const r = runScenario(labHairpin('windows'));
    const c = only(r);
    expect(c.outcome).toBe('timeout');
    expect(c.backend).toBe('web01-nic1');
    expect(c.reason).toMatchObject({ code: 'TCP_SYNACK_MISMATCH', at: 'vm:web01', rule: null });
    expect(c.reason?.detail).toContain('10.2.1.100:80');
    // Failure at 21 s plus one probe interval (15 s): engine-model.md "Time and TCP".
    expect(r.simulatedSeconds).toBe(36);
  });
  it('linux: the DNATed SYN is a martian and is dropped; the connect fails at 131 s', () => {
    const r = runScenario(labHairpin('linux'));
    const c = only(r);
    expect(c.outcome).toBe('timeout');
    expect(c.reason).toMatchObject({ code: 'GUEST_MARTIAN_SOURCE', at: 'vm:web01' });
    expect(r.simulatedSeconds).toBe(146);
  });
  it('linux with accept_local: the SYN is accepted and the failure becomes TCP_SYNACK_MISMATCH', () => {
    const c = only(runScenario(labHairpin('linux', { acceptLocal: true })));
    expect(c.outcome).toBe('timeout');
    expect(c.reason?.code).toBe('TCP_SYNACK_MISMATCH');
  });
  it('never puts the SYN-ACK on the wire (the ILB hairpin write-up §1.1: no SYN-ACK in the capture)', () => {
    const r = runScenario(labHairpin('windows'), { trace: true, until: 1 });
    const synAcks = (r.events ?? []).filter(
      (e) => e.packet?.flags.join('-') === 'SYN-ACK' && e.connection === 'web01-to-vip#0',
    );
    expect(synAcks.length).toBeGreaterThan(0);
    expect(synAcks.every((e) => e.element === 'vm:web01')).toBe(true);
    const mismatch = (r.events ?? []).find((e) => e.reason?.code === 'TCP_SYNACK_MISMATCH');
    expect(mismatch?.decision).toMatchObject({ kind: 'socket', remote: '10.2.1.100:80', state: 'SYN-SENT' });
  });
});

describe('the ILB hairpin write-up §1 hairpin, two backends', () => {
  for (const os of ['windows', 'linux'] as const) {
    it(`${os}: flows mapped to web02 succeed, flows mapped back to web01 fail`, () => {
      const r = runScenario(labHairpinTwoBackends(os, 20));
      const ok = r.connections.filter((c) => c.outcome === 'established');
      const failed = r.connections.filter((c) => c.outcome !== 'established');
      expect(ok.length).toBeGreaterThan(0);
      expect(failed.length).toBeGreaterThan(0);
      expect(ok.every((c) => c.backend === 'web02-nic1')).toBe(true);
      expect(failed.every((c) => c.backend === 'web01-nic1' && c.outcome === 'timeout')).toBe(true);
      const expected = os === 'windows' ? 'TCP_SYNACK_MISMATCH' : 'GUEST_MARTIAN_SOURCE';
      expect(failed.every((c) => c.reason?.code === expected)).toBe(true);
      expect(r.distribution['ilb/http']).toEqual({ 'web01-nic1': failed.length, 'web02-nic1': ok.length });
    });
  }
});

describe('the ILB hairpin write-up §3.1 workaround 1: second NIC and a guest route', () => {
  it('windows: works, from 10.2.1.5, with fabric latency', () => {
    const r = runScenario(labSecondNic('windows'));
    expect(outcomes(r)).toEqual(['established', 'established', 'established']);
    for (const c of r.connections) {
      expect(c.source).toMatch(/^10\.2\.1\.5:/);
      expect(c.handshakeMs ?? 0).toBeGreaterThan(0.5);
      expect(c.handshakeMs ?? 0).toBeLessThan(2);
    }
  });
  it('linux: fails, the DNATed SYN from 10.2.1.5 is a martian on web01-nic1', () => {
    const r = runScenario(labSecondNic('linux'));
    expect(outcomes(r)).toEqual(['timeout', 'timeout', 'timeout']);
    expect(codes(r)).toEqual(['GUEST_MARTIAN_SOURCE', 'GUEST_MARTIAN_SOURCE', 'GUEST_MARTIAN_SOURCE']);
  });
});

describe('the ILB hairpin write-up §3.2 workaround 2: loopback VIP, floating IP, weak host', () => {
  for (const os of ['windows', 'linux'] as const) {
    it(`${os}: works from web01 (local delivery, no load balancer) and from on-premises`, () => {
      const r = runScenario(labLoopbackDsr(os));
      expect(outcomes(r)).toEqual(Array(6).fill('established'));
      for (const c of r.connections.filter((x) => x.traffic === 'web01-to-vip')) {
        expect(c.backend).toBeNull();
        expect(c.source).toMatch(/^10\.2\.1\.100:/);
        expect(c.handshakeMs ?? 1).toBeLessThan(0.5);
        expect(c.http).toEqual({ path: '/', status: 200 });
      }
      expect(r.connections.filter((x) => x.traffic === 'onprem-to-vip').every((c) => c.backend === 'web01-nic1')).toBe(
        true,
      );
    });
  }
  it('windows without weakHostReceive on the NIC: on-premises fails with GUEST_STRONG_HOST_RECEIVE', () => {
    const r = runScenario(labLoopbackDsr('windows', { nicReceive: false, loopbackSend: true }));
    expect(outcomes(r, 'web01-to-vip')).toEqual(['established', 'established', 'established']);
    expect(outcomes(r, 'onprem-to-vip')).toEqual(['timeout', 'timeout', 'timeout']);
    expect(codes(r, 'onprem-to-vip')[0]).toBe('GUEST_STRONG_HOST_RECEIVE');
  });
  it('windows without weakHostSend: the SYN-ACK from the VIP may not leave (GUEST_STRONG_HOST_SEND)', () => {
    const r = runScenario(labLoopbackDsr('windows', { nicReceive: true, loopbackSend: false }));
    expect(outcomes(r, 'onprem-to-vip')).toEqual(['timeout', 'timeout', 'timeout']);
    expect(codes(r, 'onprem-to-vip')[0]).toBe('GUEST_STRONG_HOST_SEND');
  });
});

describe('“Troubleshoot Azure Load Balancer” causes and “What is Azure Load Balancer?” limitations', () => {
  it('cause 2: an NSG rule denies the data port (NSG_DENY names the rule); the probe still passes', () => {
    const r = runScenario(labNsgDeny());
    expect(outcomes(r)).toEqual(['timeout', 'timeout', 'timeout']);
    expect(r.connections[0]?.reason).toMatchObject({
      code: 'NSG_DENY',
      at: 'nsg:nsg-web',
      rule: { kind: 'securityRule', name: 'deny-onprem-http', direction: 'Inbound' },
    });
    expect(r.probes[0]?.state).toBe('up');
  });
  it('cause 1: web01 does not listen on the data port: reset (TCP_NO_LISTENER)', () => {
    const r = runScenario(labNotListening());
    expect(outcomes(r)).toEqual(['reset', 'reset', 'reset']);
    expect(r.connections[0]?.reason).toMatchObject({ code: 'TCP_NO_LISTENER', at: 'vm:web01' });
  });
  it('“What is Azure Load Balancer?” secure by default: a Standard public frontend with no NSG passes nothing', () => {
    const c = only(runScenario(publicStandardNoNsg()));
    expect(c.outcome).toBe('timeout');
    expect(c.reason).toMatchObject({ code: 'NSG_SECURE_BY_DEFAULT', at: 'nic:web01-nic1' });
  });
  it('“What is Azure Load Balancer?” limitations: ICMP to an internal frontend is not forwarded (LB_PROTOCOL_UNSUPPORTED)', () => {
    const c = only(runScenario(labPingFrontend()));
    expect(c.protocol).toBe('Icmp');
    expect(c.outcome).toBe('unanswered');
    expect(c.reason).toMatchObject({ code: 'LB_PROTOCOL_UNSUPPORTED', at: 'frontend:ilb/fe' });
    expect(c.source).toBe('192.168.2.1');
  });
});

describe('determinism', () => {
  const fixtures = [labBaseline('windows'), labHairpinTwoBackends('linux', 10), labLoopbackDsr('windows')];
  it('gives the same JSON, byte for byte, for the same scenario and seed', () => {
    for (const s of fixtures) {
      expect(JSON.stringify(runScenario(s, { trace: true }))).toBe(JSON.stringify(runScenario(s, { trace: true })));
    }
  });
  it('changes ephemeral ports and hashing with the seed, and echoes the seed', () => {
    const a = runScenario(labHairpinTwoBackends('windows', 10), { seed: 1 });
    const b = runScenario(labHairpinTwoBackends('windows', 10), { seed: 2 });
    expect(b.seed).toBe(2);
    expect(a.connections.map((c) => c.source)).not.toEqual(b.connections.map((c) => c.source));
  });
});

describe('trace mode', () => {
  let events: NonNullable<SimulationResult['events']>;
  beforeEach(() => {
    events = runScenario(labBaseline('windows'), { trace: true }).events ?? [];
  });
  it('is only present with trace', () => {
    expect(runScenario(labBaseline('windows')).events).toBeUndefined();
    expect(events.length).toBeGreaterThan(0);
  });
  it('records events in time order, each with an element id and a known kind', () => {
    for (let i = 1; i < events.length; i++) expect(events[i]?.at).toBeGreaterThanOrEqual(events[i - 1]?.at ?? 0);
    for (const e of events) {
      expect(e.element).toMatch(/^[a-zA-Z]+:/);
      expect(['send', 'hop', 'rewrite', 'deliver', 'drop', 'state']).toContain(e.kind);
    }
  });
  it('records the DNAT at the load balancer with the header before and after and the hash inputs', () => {
    const rewrite = events.find((e) => e.kind === 'rewrite' && e.element === 'lb:ilb');
    expect(rewrite?.before?.dst).toBe('10.2.1.100:80');
    expect(rewrite?.packet?.dst).toBe('10.2.1.4:80');
    expect(rewrite?.decision).toMatchObject({ kind: 'loadBalancingRule', rule: 'http', chosen: 'web01-nic1' });
  });
  it('records the reverse NAT at the member host: the SYN-ACK leaves with the frontend as source', () => {
    const rev = events.find((e) => e.kind === 'rewrite' && e.element === 'nic:web01-nic1');
    expect(rev?.before?.src).toBe('10.2.1.4:80');
    expect(rev?.packet?.src).toBe('10.2.1.100:80');
    expect(rev?.packet?.flags).toEqual(['SYN', 'ACK']);
  });
  it('gives every drop a reason', () => {
    for (const e of events.filter((x) => x.kind === 'drop')) expect(e.reason).not.toBeNull();
  });
  it('never sends a reply through the load balancer (engine-model.md step 9)', () => {
    const atLb = events.filter((e) => e.element.startsWith('frontend:') || e.element.startsWith('lb:'));
    expect(atLb.length).toBeGreaterThan(0);
    expect(atLb.filter((e) => e.packet?.flags.includes('SYN') && e.packet.flags.includes('ACK'))).toEqual([]);
    expect(atLb.every((e) => (e.before ?? e.packet)?.src.startsWith('192.168.2.1:'))).toBe(true);
  });
});
