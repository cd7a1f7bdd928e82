/**
 * Health probes (“Troubleshoot Azure Load Balancer health probe status”, “Understand Load Balancer probes”), SKU differences (“What is Azure Load Balancer?”) and rule kinds
 * (engine-model.md step 6) on fixtures built from the the ILB hairpin write-up lab.
 */
import { describe, expect, it } from 'vitest';
import type { SimulationResult } from '../engine/result';
import {
  haPortsAndUdp,
  httpProbe,
  noRule,
  probeBlockedByFirewall,
  probeBlockedByNsg,
  probePortClosed,
  publicLb,
  stoppedMember,
} from './fixtures/lbCases';
import { runScenario } from './simulate';

const probe = (r: SimulationResult) => r.probes[0];
const byTraffic = (r: SimulationResult, name: string) => r.connections.filter((c) => c.traffic === name);

describe('“Troubleshoot Azure Load Balancer health probe status”: a member probed down gets no new flow (LB_NO_HEALTHY_BACKEND)', () => {
  const cases = [
    ['nothing listens on the probe port', probePortClosed(), 'TCP_NO_LISTENER'],
    ['the guest firewall blocks 168.63.129.16', probeBlockedByFirewall(), 'GUEST_FIREWALL_BLOCK'],
    ['an NSG rule above the defaults denies the probe', probeBlockedByNsg(), 'NSG_DENY'],
    ['the VM is stopped', stoppedMember(), 'VM_STOPPED'],
  ] as const;
  for (const [what, scenario, code] of cases) {
    it(`${what}: down from time 0 (steady state), lastFailure ${code}`, () => {
      const r = runScenario(scenario);
      expect(probe(r)).toMatchObject({
        state: 'down',
        // A turned-off VM's health status is empty (load-balancer-manage-health-status.md).
        healthStatus: code === 'VM_STOPPED' ? null : { state: 'down', reasonCode: 'Down_Probe_TcpProbeTimeout' },
        transitions: [{ at: 0, state: 'down' }],
        lastFailure: { code },
      });
      expect(r.connections.map((c) => c.outcome)).toEqual(['timeout', 'timeout', 'timeout']);
      expect(r.connections[0]?.reason).toMatchObject({
        code: 'LB_NO_HEALTHY_BACKEND',
        at: 'lb:ilb',
        rule: { kind: 'loadBalancingRule', name: 'http' },
      });
      expect(r.distribution).toEqual({});
    });
  }
});

describe('“Understand Load Balancer probes”: HTTP probes', () => {
  it('200 for the request path: up', () => {
    const r = runScenario(httpProbe(200));
    expect(probe(r)?.healthStatus).toEqual({ state: 'up', reasonCode: 'Up_Probe_Success' });
    expect(r.connections.every((c) => c.outcome === 'established')).toBe(true);
  });
  it('any other status: down with Down_Probe_HttpStatusCodeError and HTTP_STATUS', () => {
    const r = runScenario(httpProbe(500));
    expect(probe(r)).toMatchObject({
      state: 'down',
      healthStatus: { reasonCode: 'Down_Probe_HttpStatusCodeError' },
      lastFailure: { code: 'HTTP_STATUS' },
    });
  });
  it('no HTTP answer within the timeout: down with Down_Probe_HttpNoResponse', () => {
    const r = runScenario(httpProbe(null));
    expect(probe(r)).toMatchObject({
      state: 'down',
      healthStatus: { reasonCode: 'Down_Probe_HttpNoResponse' },
      lastFailure: { code: 'PROBE_TIMEOUT' },
    });
  });
  it('noHealthyBackendsBehavior AllProbedUp: all down still serves, the portal shows Up_Probe_AllDownIsUp', () => {
    const r = runScenario(httpProbe(500, 'AllProbedUp'));
    expect(probe(r)).toMatchObject({
      state: 'down',
      healthStatus: { state: 'up', reasonCode: 'Up_Probe_AllDownIsUp' },
    });
    expect(r.connections.every((c) => c.outcome === 'established' && c.backend === 'web01-nic1')).toBe(true);
  });
});

describe('“What is Azure Load Balancer?” SKU differences on a public frontend', () => {
  it('Standard with an NSG allowing the traffic: the load-balancing and inbound NAT rules work; the frontend answers ping', () => {
    const r = runScenario(publicLb('Standard', true));
    expect(byTraffic(r, 'web').map((c) => c.outcome)).toEqual(['established', 'established', 'established']);
    // scenario-format.md "Clients": a client with count spreads its connections over its addresses.
    expect(byTraffic(r, 'web').map((c) => c.source?.split(':')[0])).toEqual([
      '203.0.113.1',
      '203.0.113.2',
      '203.0.113.3',
    ]);
    expect(byTraffic(r, 'ssh')[0]).toMatchObject({ outcome: 'established', backend: 'web01-nic1' });
    expect(byTraffic(r, 'ping')[0]).toMatchObject({ outcome: 'answered', reason: null });
    expect(r.distribution).toEqual({ 'plb/http': { 'web01-nic1': 3 }, 'plb/ssh-web01': { 'web01-nic1': 1 } });
  });
  it('Standard without an NSG: closed (NSG_SECURE_BY_DEFAULT), inbound NAT included', () => {
    const r = runScenario(publicLb('Standard', false));
    for (const c of [...byTraffic(r, 'web'), ...byTraffic(r, 'ssh')]) {
      expect(c.outcome).toBe('timeout');
      expect(c.reason?.code).toBe('NSG_SECURE_BY_DEFAULT');
    }
  });
  it('Basic without an NSG: open by default; the frontend never answers ping', () => {
    const r = runScenario(publicLb('Basic', false));
    expect(byTraffic(r, 'web').every((c) => c.outcome === 'established')).toBe(true);
    expect(byTraffic(r, 'ping')[0]).toMatchObject({
      outcome: 'unanswered',
      reason: { code: 'LB_PROTOCOL_UNSUPPORTED' },
    });
  });
});

describe('engine-model.md step 6: rule kinds', () => {
  it('an HA-ports rule carries TCP and UDP on every port; UDP is answered by a listener or not at all', () => {
    const r = runScenario(haPortsAndUdp());
    expect(byTraffic(r, 'https')[0]?.outcome).toBe('established');
    expect(byTraffic(r, 'dns')[0]).toMatchObject({ outcome: 'answered', backend: 'web01-nic1' });
    expect(byTraffic(r, 'ntp')[0]).toMatchObject({ outcome: 'unanswered', reason: { code: 'UDP_NO_LISTENER' } });
  });
  it('a port no rule covers is dropped at the frontend (LB_NO_RULE)', () => {
    const r = runScenario(noRule());
    expect(r.connections[0]).toMatchObject({
      outcome: 'timeout',
      reason: { code: 'LB_NO_RULE', at: 'frontend:ilb/fe' },
    });
  });
});
