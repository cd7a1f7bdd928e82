/**
 * probe.ts: verdicts, thresholds, the probe timeout and what the portal shows. Sources: Azure's
 * "Azure Load Balancer health probes" page (articles/load-balancer/load-balancer-custom-probe-overview.md)
 * and the `probeThreshold` and `noHealthyBackendsBehavior` properties of the Load Balancer REST API
 * (ProbePropertiesFormat).
 */
import { describe, expect, it } from 'vitest';
import type { ProbeIn } from './input';
import {
  applyVerdict,
  failureCode,
  type HealthReasonCode,
  healthStatusOf,
  type MemberHealth,
  type ProbeRuntime,
  type ProbeVerdict,
  probeTimeoutUs,
} from './probe';
import type { Reason } from './trace';

const S = 1_000_000;

const probe = (over: Partial<ProbeIn> = {}): ProbeIn => ({
  id: 'probe:lb/p',
  name: 'p',
  protocol: 'Tcp',
  port: 80,
  requestPath: '/',
  intervalUs: 5 * S,
  threshold: 1,
  noHealthyBackendsBehavior: 'AllProbedDown',
  ...over,
});

const member = (over: Partial<MemberHealth> = {}): MemberHealth => ({
  probed: true,
  nic: 0,
  name: 'web01-nic1',
  state: 'up',
  okRun: 0,
  failRun: 0,
  lastFailure: null,
  downCode: 'Down_Probe_TcpProbeTimeout',
  transitions: [],
  active: true,
  boot: false,
  ...over,
});

const timeout: Reason = { code: 'PROBE_TIMEOUT', at: 'probe:lb/p', rule: null, detail: 'no answer' };
const OK: ProbeVerdict = { ok: true, reason: null, code: 'Up_Probe_Success' };
const FAIL: ProbeVerdict = { ok: false, reason: timeout, code: 'Down_Probe_TcpProbeTimeout' };

/** Applies the verdicts one interval apart; returns the instants at which the member changed. */
function feed(p: ProbeIn, m: MemberHealth, verdicts: readonly ProbeVerdict[]): number[] {
  const changed: number[] = [];
  verdicts.forEach((v, i) => {
    if (applyVerdict(p, m, v, i * p.intervalUs)) changed.push(i * p.intervalUs);
  });
  return changed;
}

describe('applyVerdict: probeThreshold', () => {
  // REST API ProbePropertiesFormat.probeThreshold: "After failing the number of consecutive probes
  // equal to this value, the endpoint will be taken out of rotation and require the same number of
  // successful consecutive probes to be placed back in rotation."
  it('threshold 3: an up member goes down on the third consecutive failure, not before', () => {
    const m = member();
    expect(feed(probe({ threshold: 3 }), m, [FAIL, FAIL, FAIL])).toEqual([10 * S]);
    expect(m.state).toBe('down');
    expect(m.transitions).toEqual([{ at: 10 * S, state: 'down' }]);
    expect(m.lastFailure).toBe(timeout);
    expect(m.downCode).toBe('Down_Probe_TcpProbeTimeout');
  });

  it('threshold 3: a success between failures restarts the count', () => {
    const m = member();
    expect(feed(probe({ threshold: 3 }), m, [FAIL, FAIL, OK, FAIL, FAIL])).toEqual([]);
    expect(m.state).toBe('up');
    expect(m.failRun).toBe(2);
  });

  it('threshold 3: a down member (not booting) needs three consecutive successes to come back', () => {
    const m = member({ state: 'down' });
    expect(feed(probe({ threshold: 3 }), m, [OK, OK, FAIL, OK, OK, OK])).toEqual([25 * S]);
    expect(m.state).toBe('up');
    expect(m.transitions).toEqual([{ at: 25 * S, state: 'up' }]);
  });

  it('threshold 1: one failure takes a member down, one success brings it back', () => {
    const m = member();
    expect(feed(probe(), m, [FAIL, OK])).toEqual([0, 5 * S]);
    expect(m.transitions.map((t) => t.state)).toEqual(['down', 'up']);
  });

  it('says nothing changed while the state stays (a success when up, a failure when down)', () => {
    expect(applyVerdict(probe(), member(), OK, 0)).toBe(false);
    expect(applyVerdict(probe(), member({ state: 'down' }), FAIL, 0)).toBe(false);
  });

  it('HTTP: an explicit status marks the member at once, whatever the threshold; a timeout still counts', () => {
    // load-balancer-custom-probe-overview.md, "Probe threshold": "explicit responses will
    // immediately mark the probe as up or down for 200 and non-200 responses ... the threshold
    // value only applies to HTTP probes if the probe times out due to no response".
    const http = probe({ protocol: 'Http', threshold: 10 });
    const status500: ProbeVerdict = {
      ok: false,
      reason: timeout,
      code: 'Down_Probe_HttpStatusCodeError',
      explicit: true,
    };
    const status200: ProbeVerdict = { ok: true, reason: null, code: 'Up_Probe_Success', explicit: true };
    const up = member();
    expect(feed(http, up, [status500])).toEqual([0]);
    expect(up.state).toBe('down');
    const down = member({ state: 'down' });
    expect(feed(http, down, [status200])).toEqual([0]);
    expect(down.state).toBe('up');
    // No answer: ten timeouts before it goes down.
    const quiet = member();
    const changes = feed(
      http,
      quiet,
      Array.from({ length: 10 }, () => FAIL),
    );
    expect(changes).toEqual([45 * S]);
    // TCP probes ignore `explicit` (they have no status): the threshold holds.
    const tcp = member();
    expect(feed(probe({ threshold: 3 }), tcp, [status500, status500])).toEqual([]);
  });

  it('keeps the reason and portal code of the last failure, and clears the counts of the other kind', () => {
    const m = member({ okRun: 4 });
    const status: ProbeVerdict = { ok: false, reason: timeout, code: 'Down_Probe_HttpStatusCodeError' };
    applyVerdict(probe({ threshold: 2 }), m, status, 0);
    expect([m.okRun, m.failRun, m.downCode, m.state]).toEqual([0, 1, 'Down_Probe_HttpStatusCodeError', 'up']);
    applyVerdict(probe({ threshold: 2 }), m, OK, 5 * S);
    expect([m.okRun, m.failRun]).toEqual([1, 0]);
  });
});

describe('applyVerdict: the first success after boot', () => {
  // load-balancer-custom-probe-overview.md, "Probe up behavior": a backend endpoint is marked
  // healthy when "the health probe is successful once after the VM boots" — whatever the threshold.
  it('threshold 3: a booting member goes up on its first success', () => {
    const m = member({ state: 'down', boot: true });
    expect(feed(probe({ threshold: 3 }), m, [OK])).toEqual([0]);
    expect(m.state).toBe('up');
    expect(m.boot).toBe(false);
  });

  it('threshold 3: failures while booting do not use up the boot; the first success still counts', () => {
    const m = member({ state: 'down', boot: true });
    expect(feed(probe({ threshold: 3 }), m, [FAIL, FAIL, OK])).toEqual([10 * S]);
    expect(m.state).toBe('up');
  });

  it('threshold 3: after that first success the threshold applies again (down after 3 failures, up after 3 successes)', () => {
    const m = member({ state: 'down', boot: true });
    const p = probe({ threshold: 3 });
    expect(feed(p, m, [OK, FAIL, FAIL, FAIL, OK, OK, OK])).toEqual([0, 15 * S, 30 * S]);
    expect(m.transitions.map((t) => t.state)).toEqual(['up', 'down', 'up']);
  });
});

describe('probeTimeoutUs', () => {
  // load-balancer-custom-probe-overview.md, "Probe interval & timeout": TCP probes fail once the
  // interval has passed and the next probe is sent; HTTP/S probes time out after the smaller of the
  // interval and 30 seconds ("a probe interval of 120 seconds ... no probe response is received
  // within the first 30 seconds, the probe will have reached its timeout period and fail").
  it('TCP: the interval, however long', () => {
    expect(probeTimeoutUs(probe({ intervalUs: 5 * S }))).toBe(5 * S);
    expect(probeTimeoutUs(probe({ intervalUs: 120 * S }))).toBe(120 * S);
  });
  it('HTTP and HTTPS: the interval when shorter than 30 s', () => {
    expect(probeTimeoutUs(probe({ protocol: 'Http', intervalUs: 15 * S }))).toBe(15 * S);
    expect(probeTimeoutUs(probe({ protocol: 'Https', intervalUs: 30 * S }))).toBe(30 * S);
  });
  it('HTTP and HTTPS: capped at 30 s when the interval is longer', () => {
    expect(probeTimeoutUs(probe({ protocol: 'Http', intervalUs: 120 * S }))).toBe(30 * S);
    expect(probeTimeoutUs(probe({ protocol: 'Https', intervalUs: 31 * S }))).toBe(30 * S);
  });
});

describe('failureCode', () => {
  it("TCP: every failure is the portal's Down_Probe_TcpProbeTimeout", () => {
    for (const kind of ['timeout', 'reset', 'status', 'noResponse', 'stopped'] as const) {
      expect(failureCode(probe(), kind)).toBe('Down_Probe_TcpProbeTimeout');
    }
  });
  it('HTTP(S): a status other than 200, no HTTP answer, a reset after the handshake, and no handshake at all', () => {
    // load-balancer-manage-health-status.md: HttpEndpointUnreachable "was able to establish a TCP
    // handshake ... but the HTTP session was rejected"; without a handshake, the closest code is
    // TcpProbeTimeout (assumption, probe.ts).
    const expected: [Parameters<typeof failureCode>[1], boolean, HealthReasonCode][] = [
      ['status', true, 'Down_Probe_HttpStatusCodeError'],
      ['noResponse', true, 'Down_Probe_HttpNoResponse'],
      ['reset', true, 'Down_Probe_HttpEndpointUnreachable'],
      ['reset', false, 'Down_Probe_TcpProbeTimeout'],
      ['timeout', false, 'Down_Probe_TcpProbeTimeout'],
      ['stopped', false, 'Down_Probe_TcpProbeTimeout'],
    ];
    for (const protocol of ['Http', 'Https'] as const) {
      for (const [kind, established, code] of expected) {
        expect(failureCode(probe({ protocol }), kind, established), `${protocol} ${kind}`).toBe(code);
      }
    }
  });
});

describe('healthStatusOf: noHealthyBackendsBehavior', () => {
  const runtime = (p: ProbeIn, members: MemberHealth[]): ProbeRuntime => ({
    lb: 0,
    probeIndex: 0,
    probe: p,
    lbName: 'lb',
    members,
    byNic: new Map(members.map((m) => [m.nic, m])),
    scheduled: true,
  });
  const allProbedUp = probe({ noHealthyBackendsBehavior: 'AllProbedUp' });
  const down = (nic: number, over: Partial<MemberHealth> = {}) =>
    member({ nic, name: `web0${nic + 1}-nic1`, state: 'down', downCode: 'Down_Probe_HttpStatusCodeError', ...over });

  it('approaching a threshold: up after a failure, down after a success (load-balancer-manage-health-status.md)', () => {
    const failing = member({ failRun: 1 });
    expect(healthStatusOf(runtime(probe({ threshold: 3 }), [failing]), failing)).toEqual({
      state: 'up',
      reasonCode: 'Up_Probe_ApproachingUnhealthyThreshold',
    });
    const recovering = down(0, { okRun: 2 });
    expect(healthStatusOf(runtime(probe({ threshold: 3 }), [recovering, member({ nic: 1 })]), recovering)).toEqual({
      state: 'down',
      reasonCode: 'Down_Probe_ApproachingHealthyThreshold',
    });
  });

  it('NA before the first probe of a member that joined during the run', () => {
    const fresh = down(0, { probed: false });
    expect(healthStatusOf(runtime(probe(), [fresh, member({ nic: 1 })]), fresh)).toEqual({
      state: 'down',
      reasonCode: 'NA',
    });
    // …and applying a verdict ends it.
    applyVerdict(probe(), fresh, FAIL, 0);
    expect(healthStatusOf(runtime(probe(), [fresh, member({ nic: 1 })]), fresh)?.reasonCode).toBe(
      'Down_Probe_TcpProbeTimeout',
    );
  });

  it('an up member shows Up_Probe_Success', () => {
    const m = member();
    expect(healthStatusOf(runtime(allProbedUp, [m, down(1)]), m)).toEqual({
      state: 'up',
      reasonCode: 'Up_Probe_Success',
    });
  });

  it('AllProbedDown: a down member shows down with the code of its last failure, even when all are down', () => {
    const a = down(0);
    const b = down(1);
    expect(healthStatusOf(runtime(probe(), [a, b]), a)).toEqual({
      state: 'down',
      reasonCode: 'Down_Probe_HttpStatusCodeError',
    });
  });

  // REST API ProbePropertiesFormat.noHealthyBackendsBehavior: "how new connections are handled by
  // the load balancer when all backend instances are probed down"; AllProbedUp shows them up.
  it('AllProbedUp: when every member is down, each shows up with Up_Probe_AllDownIsUp', () => {
    const a = down(0);
    const b = down(1);
    expect(healthStatusOf(runtime(allProbedUp, [a, b]), b)).toEqual({
      state: 'up',
      reasonCode: 'Up_Probe_AllDownIsUp',
    });
  });

  it('AllProbedUp: one member still up → the down ones show down', () => {
    const a = down(0);
    expect(healthStatusOf(runtime(allProbedUp, [a, member({ nic: 1 })]), a)).toEqual({
      state: 'down',
      reasonCode: 'Down_Probe_HttpStatusCodeError',
    });
  });

  it('AllProbedUp: a member that left the pool while up does not count — the rest are all down', () => {
    // "All backend instances" are the pool's: a member that left keeps its row (active false) but
    // is no longer probed, so its last state must not hold the others down.
    const a = down(0);
    const left = member({ nic: 1, name: 'web02-nic1', state: 'up', active: false });
    expect(healthStatusOf(runtime(allProbedUp, [a, left]), a)).toEqual({
      state: 'up',
      reasonCode: 'Up_Probe_AllDownIsUp',
    });
  });
});
