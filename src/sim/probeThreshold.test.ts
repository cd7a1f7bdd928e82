/**
 * Probe thresholds and health status reason codes, run end to end: "For HTTP probes, explicit
 * responses will immediately mark the probe as up or down for 200 and non-200 responses ... the
 * threshold value only applies to HTTP probes if the probe times out due to no response"; TCP
 * probes need the threshold's count of consecutive successes or failures
 * (load-balancer-custom-probe-overview.md, "Probe threshold"), and a member between the two shows
 * an "approaching" code (load-balancer-manage-health-status.md, ms.date 10/30/2024).
 */
import { describe, expect, it } from 'vitest';
import { createDefaultScenario } from '../scenario/defaultScenario';
import type { HealthProbe, Scenario } from '../scenario/types';
import { validateScenario } from '../scenario/validate';
import { runScenario } from './simulate';

/** The lab with probe p80 changed, and web01's health page turned to `status` at 30 s, back to 200 at 60 s. */
function lab(probe: Partial<HealthProbe>, status: number, until = 90): Scenario {
  const s = createDefaultScenario();
  const lb = s.loadBalancers?.[0];
  const p80 = lb?.probes?.[0];
  if (p80 !== undefined) Object.assign(p80, probe);
  const web01 = s.virtualMachines?.[0];
  if (web01 !== undefined) web01.listeners = [{ name: 'iis', port: 80, http: { '/': 200, '/health': 200 } }];
  s.traffic = [{ name: 'onprem-to-vip', from: 'onprem', to: '10.2.1.100:80', connections: 1, startAt: until - 1 }];
  s.events = [
    { at: 30, action: 'setListener', vm: 'web01', listener: 'iis', http: { '/': 200, '/health': status } },
    { at: 60, action: 'setListener', vm: 'web01', listener: 'iis', http: { '/': 200, '/health': 200 } },
  ];
  return s;
}
/** The member's changes during the run (its state at 0 s, the steady state, left out). */
const transitions = (s: Scenario) =>
  runScenario(s)
    .probes[0]?.transitions.filter((t) => t.at > 0)
    .map((t) => [t.state, t.at]);

describe('probe thresholds as the docs give them', () => {
  it('HTTP, threshold 10: a 500 takes the member down at the next probe, a 200 brings it back at the next', () => {
    const t = transitions(lab({ protocol: 'Http', requestPath: '/health', probeThreshold: 10 }, 500));
    expect(t).toHaveLength(2);
    const [down, up] = t ?? [];
    expect(down?.[0]).toBe('down');
    expect(down?.[1]).toBeGreaterThan(30);
    expect(down?.[1]).toBeLessThanOrEqual(35.1);
    expect(up?.[0]).toBe('up');
    expect(up?.[1]).toBeLessThanOrEqual(65.1);
  });

  it('TCP, threshold 3: three failed probes before down, three successes before up', () => {
    const s = lab({ protocol: 'Tcp', probeThreshold: 3 }, 200);
    s.events = [
      { at: 30, action: 'removeListener', vm: 'web01', listener: 'iis' },
      { at: 60, action: 'setListener', vm: 'web01', listener: 'iis', port: 80, http: { '/': 200 } },
    ];
    const [down, up] = transitions(s) ?? [];
    // Probes every 5 s: the third failure after 30 s is 10 s after the first.
    expect(down?.[0]).toBe('down');
    expect(down?.[1]).toBeGreaterThan(40);
    expect(down?.[1]).toBeLessThanOrEqual(45.1);
    expect(up?.[0]).toBe('up');
    expect(up?.[1]).toBeGreaterThan(70);
    expect(up?.[1]).toBeLessThanOrEqual(75.1);
  });

  it('between the two, the health status says it is approaching a threshold', () => {
    const s = lab({ protocol: 'Tcp', probeThreshold: 3 }, 200);
    s.events = [{ at: 30, action: 'removeListener', vm: 'web01', listener: 'iis' }];
    // One failed probe after 30 s, not yet three: still up, approaching the unhealthy threshold.
    const failing = runScenario(s, { until: 36 }).probes[0]?.healthStatus;
    expect(failing).toEqual({ state: 'up', reasonCode: 'Up_Probe_ApproachingUnhealthyThreshold' });
    s.events = [
      { at: 30, action: 'removeListener', vm: 'web01', listener: 'iis' },
      { at: 60, action: 'setListener', vm: 'web01', listener: 'iis', port: 80 },
    ];
    const recovering = runScenario(s, { until: 66 }).probes[0]?.healthStatus;
    expect(recovering).toEqual({ state: 'down', reasonCode: 'Down_Probe_ApproachingHealthyThreshold' });
  });

  it('an HTTP probe whose handshake never completes is not "endpoint unreachable": TcpProbeTimeout', () => {
    const s = lab({ protocol: 'Http', requestPath: '/health' }, 200);
    s.events = [{ at: 30, action: 'removeListener', vm: 'web01', listener: 'iis' }];
    const status = runScenario(s).probes[0]?.healthStatus;
    expect(status).toEqual({ state: 'down', reasonCode: 'Down_Probe_TcpProbeTimeout' });
  });
});

describe('how a probe ends its connection', () => {
  it("TCP: a four-way close — the platform's FIN, the member's FIN, the last ACK — never a RST", () => {
    // load-balancer-custom-probe-overview.md, "Probe protocol": "TCP probes terminate a connection
    // with a four-way close TCP handshake".
    const s = createDefaultScenario();
    s.traffic = [];
    const r = runScenario(s, { trace: true, until: 6 });
    const probeSends = (r.events ?? []).filter((e) => e.kind === 'send' && e.element === 'probe:ilb/p80');
    const flags = probeSends.map((e) => [...(e.packet?.flags ?? [])].sort().join('+'));
    expect(flags.slice(0, 4)).toEqual(['SYN', 'ACK', 'ACK+FIN', 'ACK']);
    expect(flags.some((f) => f.includes('RST'))).toBe(false);
    const memberStates = (r.events ?? [])
      .filter((e) => e.kind === 'state' && e.element === 'vm:web01' && e.state !== undefined)
      .map((e) => e.state?.to);
    expect(memberStates).toEqual(expect.arrayContaining(['ESTABLISHED', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSED']));
    expect(memberStates.indexOf('CLOSED')).toBeGreaterThan(memberStates.indexOf('LAST-ACK'));
  });
});

describe('ports an HTTP probe does not probe', () => {
  it.each([25, 993])("HTTP on port %i: never probed up, and validation warns in the doc's words", (port) => {
    const s = createDefaultScenario();
    const web01 = s.virtualMachines?.[0];
    if (web01 !== undefined) web01.listeners = [{ name: 'svc', port, http: { '/': 200 } }];
    const probe = s.loadBalancers?.[0]?.probes?.[0];
    if (probe !== undefined) Object.assign(probe, { protocol: 'Http', port, requestPath: '/' });
    const warning = validateScenario(s).warnings.find((w) => w.path === 'loadBalancers[0].probes[0].port');
    expect(warning?.message).toContain(`HTTP probes don't support probing on port ${port}`);
    const status = runScenario(s).probes[0];
    expect(status?.state).toBe('down');
    expect(status?.lastFailure?.detail).toContain(`don't support probing on port ${port}`);
    // The same listener probed by TCP is up.
    if (probe !== undefined) Object.assign(probe, { protocol: 'Tcp', requestPath: undefined });
    delete probe?.requestPath;
    expect(runScenario(s).probes[0]?.state).toBe('up');
  });
});

describe('HTTPS probes: a TLS handshake before the request', () => {
  /** The lab with web01 serving HTTP on 443 (with TLS when `tls` is given) and probe p80 made an HTTPS probe there. */
  const httpsLab = (tls: { sha256?: boolean } | undefined): Scenario => {
    const s = createDefaultScenario();
    const web01 = s.virtualMachines?.[0];
    if (web01 !== undefined)
      web01.listeners = [{ name: 'iis', port: 443, http: { '/': 200 }, ...(tls === undefined ? {} : { tls }) }];
    const probe = s.loadBalancers?.[0]?.probes?.[0];
    if (probe !== undefined) Object.assign(probe, { protocol: 'Https', port: 443, requestPath: '/' });
    s.traffic = [];
    return s;
  };
  const https = (tls: { sha256?: boolean } | undefined) => runScenario(httpsLab(tls)).probes[0];

  it('a TLS listener with a SHA-256 chain is probed up', () => {
    expect(https({})).toMatchObject({ state: 'up', healthStatus: { reasonCode: 'Up_Probe_Success' } });
    expect(https({ sha256: true })?.state).toBe('up');
  });

  it('a plain TCP listener fails the handshake: down, PROBE_TLS_FAILED, the closest portal code', () => {
    const p = https(undefined);
    expect(p).toMatchObject({
      state: 'down',
      healthStatus: { state: 'down', reasonCode: 'Down_Probe_HttpEndpointUnreachable' },
      lastFailure: { code: 'PROBE_TLS_FAILED', at: 'vm:web01' },
    });
    expect(p?.lastFailure?.detail).toContain('serves no TLS');
  });

  it('validation warns where the probe will fail: a plain listener, or a chain that is not SHA-256', () => {
    const doc = (tls: { sha256?: boolean } | undefined) => validateScenario(httpsLab(tls)).warnings;
    expect(doc(undefined).find((w) => w.path === 'virtualMachines[0].listeners[0].tls')?.message).toContain(
      'serves plain TCP',
    );
    expect(doc({ sha256: false }).map((w) => w.path)).toContain('virtualMachines[0].listeners[0].tls.sha256');
    expect(doc({}).filter((w) => w.path.startsWith('virtualMachines[0].listeners[0].tls'))).toEqual([]);
  });

  it('a chain that is not SHA-256 throughout fails too', () => {
    const p = https({ sha256: false });
    expect(p).toMatchObject({ state: 'down', lastFailure: { code: 'PROBE_TLS_FAILED' } });
    expect(p?.lastFailure?.detail).toContain('not SHA-256 throughout');
  });
});
