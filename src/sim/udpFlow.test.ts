/**
 * Issue 4 item 2, UDP: a long-lived UDP flow (UDP traffic with `duration` and `dataEvery`, see
 * `isLongUdp` in src/engine/connections.ts for its assumptions) keeps one 4-tuple, so the load
 * balancer's flow table holds it between datagrams. engine-model.md step 7: "UDP flows move to a
 * healthy member" when their member is probed down or removed from the pool; engine-model.md
 * "Health probes": when every member is down "UDP flows end on both" SKUs (“Understand Load Balancer probes”: "all
 * existing flows time out"), and a new datagram gets no answer (LB_NO_HEALTHY_BACKEND).
 * TCP by contrast stays on its member (“Troubleshoot Azure Load Balancer” last section; “What is Azure Load Balancer?” SKU table): see
 * overTime.test.ts "removePoolMember: the TCP flow stays on its member" and "every member down".
 */
import { describe, expect, it } from 'vitest';
import { aggregateConnections } from '../engine/bulk';
import type { SimulationResult } from '../engine/result';
import type { TraceEvent } from '../engine/trace';
import type { LbSku, Scenario, ScenarioEvent } from '../scenario/types';
import { udpFlow, udpLab } from './fixtures/overTime';
import { runScenario, runScenarioBulk } from './simulate';

const row = (r: SimulationResult) => r.connections.find((c) => c.traffic === 'udp' && c.index === 0);

/** Both modes must report the same counts for the same scenario (engine-model.md "Two ways to run"). */
function expectModesAgree(s: Scenario): void {
  const trace = runScenario(s);
  const bulk = runScenarioBulk(s);
  const { connections, outcomes, reasons, backends, http, closed } = bulk;
  expect({ connections, outcomes, reasons, backends, http, closed }).toEqual(aggregateConnections(trace.connections));
  expect(bulk.probes).toEqual(trace.probes);
}

/** The member each datagram of the UDP flow went to, with the time it passed the load balancer. */
function membersOf(r: SimulationResult): [number, string][] {
  const out: [number, string][] = [];
  for (const e of r.events ?? []) {
    if (e.connection !== 'udp#0' || e.kind !== 'rewrite') continue;
    const d = e.decision;
    if (d?.kind === 'lbFlow') out.push([e.at, d.member]);
    else if (d?.kind === 'loadBalancingRule') out.push([e.at, d.chosen]);
  }
  return out;
}

const dropsOf = (r: SimulationResult, code: string): TraceEvent[] =>
  (r.events ?? []).filter((e) => e.connection === 'udp#0' && e.kind === 'drop' && e.reason?.code === code);
const answersAt = (r: SimulationResult): number[] =>
  (r.events ?? [])
    .filter((e) => e.connection === 'udp#0' && e.kind === 'deliver' && e.element === 'client:onprem')
    .map((e) => e.at);

/** The member the flow's first datagram goes to, without events. */
function firstMember(): string {
  return row(runScenario(udpLab({ backends: 2 })))?.backend as string;
}

describe('a long-lived UDP flow (duration, dataEvery): one 4-tuple, one datagram every dataEvery s', () => {
  it('every datagram and its answer on the same source port and member; outcome answered', () => {
    const s = udpLab({ backends: 2 });
    const r = runScenario(s, { trace: true });
    expect(row(r)).toMatchObject({ outcome: 'answered', source: '192.168.2.1:50001', reason: null, closed: null });
    // Datagrams at 0, 2, ..., 28 s (the 30 s end sends none), each answered.
    const members = membersOf(r);
    expect(members).toHaveLength(15);
    expect(new Set(members.map(([, m]) => m))).toEqual(new Set([row(r)?.backend]));
    expect(answersAt(r)).toHaveLength(15);
    expectModesAgree(s);
  });

  it("quiet longer than the rule's idle timeout: the next datagram keeps its member and its answer arrives", () => {
    // load-balancer-tcp-reset.md (ms.date 07/31/2024), Limitations: "TCP idle timeout doesn't
    // affect load balancing rules on UDP protocol" — the rule's 4 minutes do not forget the flow.
    const s = udpLab({ backends: 2, traffic: [udpFlow(600, 300, { sourcePort: 50001 })] });
    const r = runScenario(s, { trace: true });
    const members = membersOf(r);
    expect(members.map(([at]) => at)).toEqual([expect.closeTo(0.02, 1), expect.closeTo(300.02, 1)]);
    expect(new Set(members.map(([, m]) => m)).size).toBe(1);
    expect(members[1]?.[1]).toBe(row(r)?.backend);
    expect(dropsOf(r, 'IDLE_TIMEOUT')).toEqual([]);
    expect(answersAt(r)).toHaveLength(2);
    expect(row(r)).toMatchObject({ outcome: 'answered', reason: null });
    expectModesAgree(s);
  });

  it('an ephemeral port too: the whole flow keeps the port the guest chose first', () => {
    const s = udpLab({ traffic: [udpFlow(10, 1)] });
    const r = runScenario(s, { trace: true });
    const sources = new Set(
      (r.events ?? [])
        .filter((e) => e.connection === 'udp#0' && e.kind === 'send' && e.element === 'client:onprem')
        .map((e) => e.packet?.src),
    );
    expect([...sources]).toEqual([row(r)?.source]);
    expect(answersAt(r)).toHaveLength(10);
    expectModesAgree(s);
  });

  it('duration or dataEvery 0: still one datagram', () => {
    const r = runScenario(udpLab({ traffic: [udpFlow(30, 0)] }), { trace: true });
    expect(row(r)?.outcome).toBe('answered');
    expect(membersOf(r)).toHaveLength(1);
  });

  it('nothing answers the first datagram: unanswered with the first drop as its reason, though it keeps sending', () => {
    const s = udpLab({ traffic: [udpFlow(10, 2, { to: '10.2.1.100:54' })] });
    const r = runScenario(s, { trace: true });
    expect(row(r)).toMatchObject({ outcome: 'unanswered', reason: { code: 'LB_NO_RULE' } });
    expect(dropsOf(r, 'LB_NO_RULE')).toHaveLength(5);
    expectModesAgree(s);
  });
});

describe('engine-model.md step 7: the UDP flow moves to a healthy member', () => {
  const probeDown = (vm: string): ScenarioEvent[][] => [
    [{ at: 10, action: 'removeListener', vm, listener: 'iis' }],
    [
      {
        at: 10,
        action: 'setFirewallRule',
        vm,
        rule: {
          name: 'block-probe',
          direction: 'Inbound',
          action: 'Block',
          protocol: 'Tcp',
          remoteAddresses: '168.63.129.16',
        },
      },
    ],
    [{ at: 10, action: 'stopVm', vm }],
  ];
  // Probes every 5 s; datagrams leave at 0, 2, ... 28 s and pass the load balancer 10.25 ms later.
  // A refused probe fails at once (down at 10.0002 s, so the datagram of 10 s already moves); a
  // blocked one fails for lack of an answer at the next round (down at 15 s: datagrams from 16 s);
  // a stopped VM counts as down at the round of 10 s (engine-model.md "Health probes").
  const movedAfter = [10, 7, 10];
  for (const i of [0, 1, 2]) {
    const label = ['removeListener (probe port)', 'setFirewallRule blocking the probe', 'stopVm'][i] as string;
    it(`${label}: the next datagram after the member is down goes to the other member`, () => {
      const first = firstMember();
      const other = first === 'web01-nic1' ? 'web02-nic1' : 'web01-nic1';
      const s = udpLab({ backends: 2, events: (probeDown(first.replace('-nic1', '')) as ScenarioEvent[][])[i] });
      const r = runScenario(s, { trace: true });
      const down = r.probes.find((p) => p.member === first)?.transitions.at(-1);
      expect(down?.state).toBe('down');
      const members = membersOf(r);
      expect(members.filter(([at]) => at < 10).every(([, m]) => m === first)).toBe(true);
      expect(members.filter(([at]) => at > (down?.at ?? 0)).every(([, m]) => m === other)).toBe(true);
      expect(members.filter(([at]) => at > (down?.at ?? 0))).toHaveLength(movedAfter[i] as number);
      // No datagram is lost: before the move `first` answers, after it `other` does.
      expect(answersAt(r)).toHaveLength(15);
      // The result reports the first member (see `isLongUdp`: the first datagram's choice).
      expect(row(r)).toMatchObject({ outcome: 'answered', backend: first });
      expectModesAgree(s);
    });
  }

  it('removePoolMember: the next datagram goes to the remaining member (“Troubleshoot Azure Load Balancer” keeps TCP flows only)', () => {
    const first = firstMember();
    const other = first === 'web01-nic1' ? 'web02-nic1' : 'web01-nic1';
    const s = udpLab({
      backends: 2,
      events: [{ at: 9, action: 'removePoolMember', loadBalancer: 'ilb', pool: 'pool', networkInterface: first }],
    });
    const r = runScenario(s, { trace: true });
    const members = membersOf(r);
    expect(members.filter(([at]) => at < 9).map(([, m]) => m)).toEqual(Array(5).fill(first));
    expect(members.filter(([at]) => at > 9).map(([, m]) => m)).toEqual(Array(10).fill(other));
    expect(answersAt(r)).toHaveLength(15);
    expect(row(r)).toMatchObject({ outcome: 'answered', backend: first });
    // The trace says why the flow left its member.
    const ends = (r.events ?? []).filter((e) => e.connection === 'udp#0' && e.decision?.kind === 'flowEnd');
    expect(ends.map((e) => e.at)).toEqual([members[5]?.[0]]);
    expectModesAgree(s);
  });
});

describe('engine-model.md "Health probes": every member down ends UDP flows on both SKUs', () => {
  for (const sku of ['Standard', 'Basic'] as LbSku[]) {
    it(`${sku}: the flow ends when the last member goes down; later datagrams get LB_NO_HEALTHY_BACKEND`, () => {
      const s = udpLab({ sku, events: [{ at: 10, action: 'removeListener', vm: 'web01', listener: 'iis' }] });
      const r = runScenario(s, { trace: true });
      expect(r.probes[0]?.transitions.at(-1)).toEqual({ at: 10.0002, state: 'down' });
      const end = (r.events ?? []).find((e) => e.connection === 'udp#0' && e.decision?.kind === 'flowEnd');
      expect(end).toMatchObject({ at: 10.0002, reason: { code: 'LB_NO_HEALTHY_BACKEND', at: 'lb:ilb' } });
      // Datagrams of 0..8 s answered; the refused probe at 10 s fails first (events, then probes,
      // then traffic at one instant), so those of 10..28 s are dropped at the frontend.
      expect(answersAt(r)).toHaveLength(5);
      expect(dropsOf(r, 'LB_NO_HEALTHY_BACKEND').map((e) => e.at)).toEqual(
        [10, 12, 14, 16, 18, 20, 22, 24, 26, 28].map((t) => t + 0.01025),
      );
      // Its first datagram was answered: the outcome stays answered (see `isLongUdp`).
      expect(row(r)).toMatchObject({ outcome: 'answered', backend: 'web01-nic1', reason: null });
      expectModesAgree(s);
    });
  }
});
