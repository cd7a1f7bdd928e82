/**
 * The summary behind the readable pins (pinned.test.ts): identical consecutive connections fold
 * into one line with their count, and only those; a failure names its reason code, element and
 * rule; a close by anything but the client keeps its time; a stopped run and a bulk run say so.
 */
import { describe, expect, it } from 'vitest';
import type { BulkResult } from '../engine/bulk';
import type { ConnectionResult, SimulationResult } from '../engine/result';
import { summariseBulkResult, summariseResult } from './summary';

const row = (traffic: string, index: number, fields: Partial<ConnectionResult> = {}): ConnectionResult => ({
  traffic,
  index,
  protocol: 'Tcp',
  from: 'onprem',
  source: `192.168.2.1:${50000 + index}`,
  destination: '10.2.1.100:80',
  outcome: 'established',
  backend: 'web01-nic1',
  reason: null,
  handshakeMs: 20 + index,
  http: { path: '/', status: 200 },
  closed: { at: 1 + index, by: 'client', reason: null },
  ...fields,
});

const denied = {
  code: 'NSG_DENY',
  at: 'nsg:nsg-web',
  rule: { kind: 'securityRule', name: 'deny-onprem', direction: 'Inbound' },
  detail: 'nsg-web denies it.',
} as const;

const result = (fields: Partial<SimulationResult>): SimulationResult => ({
  format: 'hairpin-result',
  version: 1,
  seed: 1,
  simulatedSeconds: 12.5,
  warnings: [],
  connections: [],
  probes: [],
  distribution: {},
  ...fields,
});

describe('summariseResult', () => {
  it('folds identical consecutive connections, whatever their ports and times, and no others', () => {
    const text = summariseResult(
      result({
        connections: [
          row('web', 0),
          row('web', 1),
          row('web', 2),
          row('web', 3, { backend: 'web02-nic1' }),
          row('web', 4),
          row('other', 0),
        ],
      }),
    );
    expect(text).toBe(
      [
        'result: seed 1, 12.5 s simulated',
        '',
        'traffic web: Tcp from onprem to 10.2.1.100:80',
        '  0–2 ×3: 192.168.2.1 → web01-nic1, established, HTTP / 200, closed by client',
        '  3: 192.168.2.1 → web02-nic1, established, HTTP / 200, closed by client',
        '  4: 192.168.2.1 → web01-nic1, established, HTTP / 200, closed by client',
        'traffic other: Tcp from onprem to 10.2.1.100:80',
        '  0: 192.168.2.1 → web01-nic1, established, HTTP / 200, closed by client',
        '',
      ].join('\n'),
    );
  });

  it('names the reason code, element and rule of a failure, and the time of a close that is not the client’s', () => {
    const text = summariseResult(
      result({
        connections: [
          row('web', 0, { outcome: 'timeout', backend: null, reason: denied, http: null, closed: null }),
          row('web', 1, {
            http: null,
            closed: {
              at: 240.5,
              by: 'idleTimeout',
              reason: { ...denied, code: 'IDLE_TIMEOUT', at: 'lb:ilb', rule: null },
            },
          }),
          row('web', 2, { source: null, outcome: 'pending', backend: null, http: null, closed: null }),
        ],
      }),
    );
    expect(text).toContain(
      '  0: 192.168.2.1 → no backend, timeout, NSG_DENY at nsg:nsg-web (Inbound securityRule deny-onprem)\n',
    );
    expect(text).toContain(
      '  1: 192.168.2.1 → web01-nic1, established, closed by idleTimeout at 240.5 s: IDLE_TIMEOUT at lb:ilb\n',
    );
    expect(text).toContain('  2: not opened → no backend, pending\n');
  });

  it('lists each member’s probe transitions, the distribution, the lesson verdicts, stopped, and the events', () => {
    const text = summariseResult(
      result({
        stopped: { reason: 'eventBudget', limit: 100, at: 12.5, events: 100 },
        probes: [
          {
            loadBalancer: 'ilb',
            probe: 'p80',
            member: 'web01-nic1',
            state: 'down',
            healthStatus: { state: 'down', reasonCode: 'Down_Probe_TcpProbeTimeout' },
            transitions: [
              { at: 0, state: 'up' },
              { at: 10.000123, state: 'down' },
            ],
            lastFailure: { ...denied, code: 'VM_STOPPED', at: 'vm:web01', rule: null },
          },
        ],
        distribution: { 'ilb/http': { 'web01-nic1': 3, 'web02-nic1': 0 } },
        lesson: { passed: false, checks: [{ name: 'reach', passed: false, detail: '0 of 3 connections established' }] },
        events: [
          {
            at: 0,
            kind: 'send',
            element: 'client:onprem',
            connection: null,
            packet: null,
            before: null,
            reason: null,
            decision: null,
            state: null,
          },
          {
            at: 1,
            kind: 'drop',
            element: 'nsg:nsg-web',
            connection: null,
            packet: null,
            before: null,
            reason: denied,
            decision: null,
            state: null,
          },
        ],
      }),
    );
    expect(text).toBe(
      [
        'result: seed 1, 12.5 s simulated',
        'stopped: eventBudget, limit 100, at 12.5 s, after 100 events',
        '',
        'probe ilb/p80',
        '  web01-nic1: down (Down_Probe_TcpProbeTimeout), last failure VM_STOPPED at vm:web01',
        '    0 s up',
        '    10.000123 s down',
        '',
        'distribution ilb/http: web01-nic1 3, web02-nic1 0',
        '',
        'lesson: failed',
        '  FAIL reach: 0 of 3 connections established',
        '',
        'events: 2 (send 1, drop 1)',
        'drops: NSG_DENY at nsg:nsg-web (Inbound securityRule deny-onprem) 1',
        '',
      ].join('\n'),
    );
  });
});

describe('summariseBulkResult', () => {
  it('prints the aggregates in place of rows', () => {
    const bulk: BulkResult = {
      format: 'hairpin-bulk-result',
      version: 1,
      seed: 7,
      simulatedSeconds: 3,
      warnings: [{ path: 'traffic[0].to', message: 'no rule' }],
      connections: 5,
      outcomes: { established: 4, reset: 1 },
      reasons: { TCP_NO_LISTENER: 1 },
      backends: { 'web01-nic1': 5 },
      http: {},
      closed: { client: 4 },
      probes: [],
      distribution: {},
    };
    expect(summariseBulkResult(bulk)).toBe(
      [
        'bulk result: seed 7, 3 s simulated',
        'warning traffic[0].to: no rule',
        '',
        'connections: 5',
        '  outcomes: established 4, reset 1',
        '  reasons: TCP_NO_LISTENER 1',
        '  backends: web01-nic1 5',
        '  http: none',
        '  closed: client 4',
        '',
      ].join('\n'),
    );
  });
});
