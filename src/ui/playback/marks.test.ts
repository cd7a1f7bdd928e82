import { describe, expect, it } from 'vitest';
import type { DropMark } from '../../sim/service';
import type { ProbeResult } from '../../sim/simulate';
import { dropMarks, memberStates } from './marks';

const drop = (index: number, element: string, code: string, connection: string, expected = false): DropMark => ({
  index,
  at: index,
  element,
  connection,
  code,
  detail: `${code} sentence`,
  packet: null,
  expected: expected ? { src: '10.2.1.100:80', dst: '10.2.1.4:5000' } : null,
});

describe('dropMarks', () => {
  const drops = [
    drop(3, 'vm:web01', 'TCP_SYNACK_MISMATCH', 'a#0', true),
    drop(7, 'vm:web01', 'TCP_SYNACK_MISMATCH', 'a#1', true),
    drop(9, 'nsg:web', 'NSG_DENY', 'b#0'),
  ];
  it('groups drops by element and code, up to the current event', () => {
    expect(dropMarks(drops, 5, null)).toEqual([
      {
        element: 'vm:web01',
        reasons: [
          { code: 'TCP_SYNACK_MISMATCH', detail: 'TCP_SYNACK_MISMATCH sentence', count: 1, mismatch: drops[0] },
        ],
      },
    ]);
    const all = dropMarks(drops, null, null);
    expect(all.map((m) => [m.element, m.reasons[0]?.count])).toEqual([
      ['vm:web01', 2],
      ['nsg:web', 1],
    ]);
    expect(all[0]?.reasons[0]?.mismatch).toBe(drops[1]);
  });
  it('keeps only the replayed connection', () => {
    expect(dropMarks(drops, null, 'b#0').map((m) => m.element)).toEqual(['nsg:web']);
  });
});

describe('memberStates', () => {
  const probe: ProbeResult = {
    loadBalancer: 'ilb',
    probe: 'p80',
    member: 'web01-nic1',
    state: 'down',
    healthStatus: { state: 'down', reasonCode: 'Down_Probe_TcpProbeTimeout' },
    transitions: [
      { at: 0, state: 'up' },
      { at: 30, state: 'down' },
    ],
    lastFailure: null,
  };
  it('gives the state at a time, with the portal’s code where the state is the final one', () => {
    expect(memberStates([probe], 10)).toEqual([
      { member: 'web01-nic1', probe: 'ilb/p80', state: 'up', reasonCode: 'Up_Probe_Success' },
    ]);
    expect(memberStates([probe], 30)[0]).toMatchObject({ state: 'down', reasonCode: 'Down_Probe_TcpProbeTimeout' });
  });
});
