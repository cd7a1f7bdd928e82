/**
 * Outbound connectivity (engine-model.md step 4; learn.microsoft.com/azure/load-balancer/
 * load-balancer-outbound-connections and outbound-rules; “What is Azure Load Balancer?” SKU table and limitations;
 * “Troubleshoot Azure Load Balancer” cause 4 and “What is Azure Load Balancer?” on the public-frontend mitigation of the hairpin).
 */
import { describe, expect, it } from 'vitest';
import { aggregateConnections } from '../engine/bulk';
import type { SimulationResult } from '../engine/result';
import { loadScenarioValue, type Scenario } from '../scenario/index';
import { API, outboundLab, toApi } from './fixtures/outbound';
import { runScenario, runScenarioBulk } from './simulate';

const rows = (r: SimulationResult, traffic: string) => r.connections.filter((c) => c.traffic === traffic);
const one = (r: SimulationResult, traffic: string) => rows(r, traffic)[0];

/** Every fixture here is a valid scenario, and bulk mode counts what trace mode reports. */
function run(s: Scenario, trace = false): SimulationResult {
  expect(loadScenarioValue(s).errors).toEqual([]);
  const r = runScenario(s, { trace });
  const bulk = runScenarioBulk(s);
  const { connections, outcomes, reasons, backends, http, closed } = bulk;
  expect({ connections, outcomes, reasons, backends, http, closed }).toEqual(aggregateConnections(r.connections));
  return r;
}

/** The SNAT rewrites of the trace: [source before, source after, decision method]. */
function snatRewrites(r: SimulationResult) {
  return (r.events ?? [])
    .filter((e) => e.kind === 'rewrite' && e.decision?.kind === 'snat')
    .map((e) => [e.before?.src, e.packet?.src, e.decision?.kind === 'snat' ? e.decision.method : '']);
}

describe("outbound methods, in Azure's order of precedence", () => {
  it('SNAT through the load-balancing rule on a public frontend; replies translated back at the host', () => {
    const r = run(outboundLab({ traffic: [toApi('a', { http: '/' })] }), true);
    expect(one(r, 'a')).toMatchObject({ outcome: 'established', http: { status: 200 }, closed: { by: 'client' } });
    const rewrites = snatRewrites(r);
    expect(rewrites[0]).toEqual([one(r, 'a')?.source, '20.50.1.10:1024', 'snat']);
    // The SYN-ACK comes back to 20.50.1.10:1024 and web01's host puts the private address back.
    const back = (r.events ?? []).find((e) => e.decision?.kind === 'snat' && e.decision.method === 'reverse');
    expect(back).toMatchObject({
      element: 'nic:web01-nic1',
      before: { dst: '20.50.1.10:1024' },
      packet: { dst: one(r, 'a')?.source },
    });
  });

  it('an instance-level public IP wins: stateless 1:1, the port is kept, ICMP works too', () => {
    const r = run(
      outboundLab({
        publicIp: true,
        traffic: [toApi('a'), { name: 'ping', from: 'web01', to: API, protocol: 'Icmp' }],
      }),
      true,
    );
    expect(one(r, 'a')?.outcome).toBe('established');
    const port = one(r, 'a')?.source?.split(':')[1];
    expect(snatRewrites(r)[0]).toEqual([one(r, 'a')?.source, `20.50.1.20:${port}`, 'publicIp']);
    expect(one(r, 'ping')?.outcome).toBe('answered');
  });

  it('ICMP through SNAT fails: NO_OUTBOUND_CONNECTIVITY (“What is Azure Load Balancer?” limitations)', () => {
    const r = run(outboundLab({ traffic: [{ name: 'ping', from: 'web01', to: API, protocol: 'Icmp' }] }));
    expect(one(r, 'ping')).toMatchObject({
      outcome: 'unanswered',
      reason: { code: 'NO_OUTBOUND_CONNECTIVITY', at: 'nic:web01-nic1' },
    });
  });

  it('an internal Standard load balancer gives no outbound connectivity (“What is Azure Load Balancer?”)', () => {
    const r = run(outboundLab({ lb: 'internal', traffic: [toApi('a')] }));
    expect(one(r, 'a')).toMatchObject({ outcome: 'timeout', reason: { code: 'NO_OUTBOUND_CONNECTIVITY' } });
  });

  it('disableOutboundSnat on the only public rule: no outbound connectivity', () => {
    const r = run(outboundLab({ disableOutboundSnat: true, traffic: [toApi('a')] }));
    expect(one(r, 'a')).toMatchObject({ outcome: 'timeout', reason: { code: 'NO_OUTBOUND_CONNECTIVITY' } });
  });

  it('Basic (even internal) and no load balancer: default outbound access', () => {
    for (const s of [
      outboundLab({ lb: 'internal', sku: 'Basic', traffic: [toApi('a')] }),
      outboundLab({ lb: 'none', traffic: [toApi('a')] }),
    ]) {
      const r = run(s, true);
      expect(one(r, 'a')?.outcome).toBe('established');
      expect(snatRewrites(r)[0]?.[1]).toBe('198.18.0.1:1024');
    }
  });
});

describe('SNAT ports (load-balancer-outbound-connections "Exhausting ports", "Constraints")', () => {
  it("an allocation spans the rule's frontend IPs: 64,000 ports each, the second member on the second IP, no port above 65535", () => {
    // outbound-rules.md (ms.date 05/08/2023): "Each extra IP address provided by a frontend provides
    // another 64,000 ephemeral ports"; one VM "has access to the maximum of 64,000 ports".
    const s = outboundLab({ outboundPorts: 64_000, traffic: [toApi('a'), { ...toApi('b'), from: 'web02' }] });
    const lb = s.loadBalancers?.[0];
    if (lb === undefined) throw new Error('no load balancer');
    lb.frontendIPConfigurations.push({ name: 'fe2', publicIPAddress: '20.50.1.11' });
    const rule = lb.outboundRules?.[0];
    if (rule !== undefined) rule.frontendIPConfigurations = ['fe', 'fe2'];
    const r = run(s, true);
    expect([one(r, 'a')?.outcome, one(r, 'b')?.outcome]).toEqual(['established', 'established']);
    const after = snatRewrites(r)
      .filter((x) => x[2] === 'snat')
      .map((x) => x[1]);
    expect(after).toContain('20.50.1.10:1024');
    expect(after).toContain('20.50.1.11:1024');
    for (const source of after) expect(Number(source?.split(':')[1])).toBeLessThanOrEqual(65535);
    // One frontend IP cannot hold it: Azure rejects the allocation, so validation does.
    if (rule !== undefined) rule.frontendIPConfigurations = ['fe'];
    expect(loadScenarioValue(s).errors.map((e) => e.path)).toEqual([
      'loadBalancers[0].outboundRules[0].allocatedOutboundPorts',
    ]);
  });

  it('an exhausted allocation drops the SYN (SNAT_PORT_EXHAUSTED); another destination port reuses a port', () => {
    const s = outboundLab({
      outboundPorts: 8,
      traffic: [
        toApi('same', { connections: 9, interval: 0.1, duration: 200 }),
        toApi('otherport', { to: `${API}:8443`, startAt: 2, duration: 200 }),
      ],
    });
    const r = run(s, true);
    const same = rows(r, 'same');
    expect(same.slice(0, 8).every((c) => c.outcome === 'established')).toBe(true);
    expect(same[8]).toMatchObject({
      outcome: 'timeout',
      reason: { code: 'SNAT_PORT_EXHAUSTED', at: 'nic:web01-nic1', rule: { kind: 'outboundRule', name: 'out' } },
    });
    expect(one(r, 'otherport')?.outcome).toBe('established');
    // TCP: a port is reused toward a different destination port.
    expect(snatRewrites(r).find((x) => x[1] === '20.50.1.10:1024' && x[0] !== same[0]?.source)).toBeDefined();
  });

  it('a port released on close serves the SYN retransmitted after it (connections succeed when a port becomes available)', () => {
    const r = run(
      outboundLab({ outboundPorts: 8, traffic: [toApi('same', { connections: 9, interval: 0.1, duration: 60 })] }),
    );
    expect(rows(r, 'same').every((c) => c.outcome === 'established')).toBe(true);
    // The ninth waited: Linux SYN retransmissions at 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 s (0.8 + 67).
    expect(rows(r, 'same')[8]?.handshakeMs).toBeGreaterThan(67_000);
  });

  it('ports are released on close: 16 short connections through 8 ports all succeed', () => {
    const r = run(outboundLab({ outboundPorts: 8, traffic: [toApi('seq', { connections: 16, interval: 1 })] }));
    expect(rows(r, 'seq').every((c) => c.outcome === 'established')).toBe(true);
  });

  it('UDP: one SNAT port per destination address whatever the port (port-restricted cone NAT)', () => {
    const r = run(
      outboundLab({
        outboundPorts: 8,
        traffic: [
          { name: 'dns', from: 'web01', to: `${API}:53`, protocol: 'Udp', connections: 8, interval: 0 },
          { name: 'dns2', from: 'web01', to: `${API}:5353`, protocol: 'Udp' },
        ],
      }),
    );
    expect(rows(r, 'dns').every((c) => c.outcome === 'answered')).toBe(true);
    expect(one(r, 'dns2')).toMatchObject({ outcome: 'unanswered', reason: { code: 'SNAT_PORT_EXHAUSTED' } });
  });

  it('idle: with enableTcpReset the outbound rule resets both ends and frees the port for the next connection', () => {
    const s = outboundLab({
      outboundPorts: 8,
      outboundTcpReset: true,
      traffic: [
        toApi('held', { connections: 8, interval: 0.1, duration: 1000 }),
        toApi('at100', { startAt: 100 }),
        toApi('at300', { startAt: 300 }),
      ],
    });
    const r = run(s);
    for (const c of rows(r, 'held')) {
      expect(c.closed).toMatchObject({
        by: 'idleTimeout',
        reason: { code: 'IDLE_TIMEOUT', rule: { kind: 'outboundRule' } },
      });
    }
    expect(one(r, 'at100')).toMatchObject({ outcome: 'timeout', reason: { code: 'SNAT_PORT_EXHAUSTED' } });
    expect(one(r, 'at300')?.outcome).toBe('established');
  });

  it('idle without TCP reset: the port is released silently, and the server still holds the old connection on that 4-tuple', () => {
    const s = outboundLab({
      outboundPorts: 8,
      traffic: [toApi('held', { connections: 8, interval: 0.1, duration: 1000 }), toApi('at300', { startAt: 300 })],
    });
    const r = run(s);
    // The new SYN reuses 20.50.1.10:1024 toward the same server port; the server's socket for
    // that 4-tuple is ESTABLISHED and ignores it (challenge ACKs, RFC 5961, are not modelled).
    expect(one(r, 'at300')).toMatchObject({ outcome: 'timeout', reason: { code: 'TCP_TIMEOUT' } });
    for (const c of rows(r, 'held'))
      expect(c.closed).toMatchObject({ by: 'idleTimeout', reason: { code: 'IDLE_TIMEOUT' } });
  });
});

describe('a pool member calling its own public frontend is translated (“Troubleshoot Azure Load Balancer” cause 4; “What is Azure Load Balancer?”)', () => {
  it('succeeds even when the flow maps back to itself, unlike the internal hairpin', () => {
    const r = run(
      outboundLab({
        allowHttpIn: true,
        traffic: [{ name: 'self', from: 'web01', to: '20.50.1.10:80', connections: 6, http: '/' }],
      }),
      true,
    );
    const self = rows(r, 'self');
    expect(self.every((c) => c.outcome === 'established' && c.http?.status === 200)).toBe(true);
    expect(self.some((c) => c.backend === 'web01-nic1')).toBe(true);
    // Each connection took a SNAT port: the mitigation is "prone to SNAT exhaustion".
    expect(
      snatRewrites(r).filter((x) => x[2] === 'snat' && x[1]?.startsWith('20.50.1.10:')).length,
    ).toBeGreaterThanOrEqual(6);
  });
  it('on a Standard frontend with no NSG it is still closed: secure by default', () => {
    const r = run(outboundLab({ traffic: [{ name: 'self', from: 'web01', to: '20.50.1.10:80' }] }));
    expect(one(r, 'self')).toMatchObject({ outcome: 'timeout', reason: { code: 'NSG_SECURE_BY_DEFAULT' } });
  });
});

describe('inbound to an instance-level public IP (stateless 1:1 NAT at the host)', () => {
  const inbound = (allowHttpIn: boolean) =>
    outboundLab({
      publicIp: true,
      allowHttpIn,
      traffic: [{ name: 'in', from: 'api', to: '20.50.1.20:80', http: '/' }],
    });
  it('with an NSG that allows it: answered by web01, the reply leaves from the public IP', () => {
    const r = run(inbound(true));
    expect(one(r, 'in')).toMatchObject({ outcome: 'established', http: { status: 200 } });
  });
  it('with no NSG on the path: a Standard public IP is secure by default', () => {
    const r = run(inbound(false));
    expect(one(r, 'in')).toMatchObject({
      outcome: 'timeout',
      reason: { code: 'NSG_SECURE_BY_DEFAULT', at: 'nic:web01-nic1' },
    });
  });
});
