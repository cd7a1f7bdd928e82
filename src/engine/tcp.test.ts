import { describe, expect, it } from 'vitest';
import { dataSchedule, ephemeralRange, receiveSegment, replyInClosedState, synSchedule } from './tcp';
import { ACK, FIN, PSH, RST, SYN } from './wire';

const S = 1_000_000;
const seconds = (us: readonly number[]) => us.map((u) => u / S);

describe('CLOSED (no socket: RFC 9293 §3.10.7.1)', () => {
  it('CLOSED: SYN-ACK → RST (the segment had ACK)', () => {
    expect(replyInClosedState(SYN | ACK)).toBe(RST);
  });
  it('CLOSED: SYN → RST-ACK', () => {
    expect(replyInClosedState(SYN)).toBe(RST | ACK);
  });
  it('CLOSED: RST → discarded, no answer', () => {
    expect(replyInClosedState(RST)).toBeNull();
    expect(replyInClosedState(RST | ACK)).toBeNull();
  });
});

describe('SYN-SENT', () => {
  it('SYN-SENT: SYN-ACK → ESTABLISHED, answers ACK', () => {
    expect(receiveSegment('SYN-SENT', SYN | ACK, false)).toEqual({
      next: 'ESTABLISHED',
      reply: ACK,
      effect: 'established',
    });
  });
  it('SYN-SENT: RST-ACK → CLOSED, connection reset', () => {
    expect(receiveSegment('SYN-SENT', RST | ACK, false)).toEqual({ next: 'CLOSED', reply: null, effect: 'reset' });
  });
  it('SYN-SENT: stray ACK → stays, keeps waiting', () => {
    expect(receiveSegment('SYN-SENT', ACK, false).next).toBe('SYN-SENT');
  });
  it('SYN-SENT: no answer → retransmissions per guest OS, then failure', () => {
    // engine-model.md "Time and TCP".
    const linux = synSchedule('linux', 4);
    expect(seconds(linux.retransmitAtUs)).toEqual([1, 2, 3, 4, 5, 7, 11, 19, 35, 67]);
    expect(linux.failAtUs).toBe(131 * S);
    const linux0 = synSchedule('linux', 0);
    expect(seconds(linux0.retransmitAtUs)).toEqual([1, 3, 7, 15, 31, 63]);
    expect(linux0.failAtUs).toBe(127 * S);
    const windows = synSchedule('windows', 4);
    expect(seconds(windows.retransmitAtUs)).toEqual([3, 9]);
    expect(windows.failAtUs).toBe(21 * S);
  });
});

describe('SYN-RECEIVED', () => {
  it('SYN-RECEIVED: ACK → ESTABLISHED', () => {
    expect(receiveSegment('SYN-RECEIVED', ACK, false)).toEqual({
      next: 'ESTABLISHED',
      reply: null,
      effect: 'established',
    });
  });
  it('SYN-RECEIVED: RST → back to LISTEN (RFC 9293 §3.10.7.4)', () => {
    expect(receiveSegment('SYN-RECEIVED', RST, false)).toEqual({ next: 'CLOSED', reply: null, effect: 'backToListen' });
  });
  it('SYN-RECEIVED: a segment with neither SYN nor ACK → stays, no answer', () => {
    expect(receiveSegment('SYN-RECEIVED', FIN, false)).toEqual({ next: 'SYN-RECEIVED', reply: null, effect: 'none' });
  });
  it('SYN-RECEIVED: retransmitted SYN → SYN-ACK again', () => {
    expect(receiveSegment('SYN-RECEIVED', SYN, false)).toEqual({
      next: 'SYN-RECEIVED',
      reply: SYN | ACK,
      effect: 'none',
    });
  });
});

describe('ESTABLISHED', () => {
  it('ESTABLISHED: data → handed to the application', () => {
    expect(receiveSegment('ESTABLISHED', PSH | ACK, true).effect).toBe('data');
  });
  it('ESTABLISHED: ACK → acknowledges outstanding data', () => {
    expect(receiveSegment('ESTABLISHED', ACK, false).effect).toBe('acked');
  });
  it('ESTABLISHED: FIN → CLOSE-WAIT, answers ACK', () => {
    expect(receiveSegment('ESTABLISHED', FIN | ACK, false)).toEqual({
      next: 'CLOSE-WAIT',
      reply: ACK,
      effect: 'finReceived',
    });
  });
  it('ESTABLISHED: a bare FIN (no ACK) → CLOSE-WAIT, answers ACK', () => {
    // Assumption (tcp.ts: segments are matched by flags only): a FIN is taken whether or not it
    // carries ACK; RFC 9293 §3.10.7.4 (fifth check) would drop a segment without ACK. The engine's
    // own stacks always send FIN with ACK.
    expect(receiveSegment('ESTABLISHED', FIN, false)).toEqual({
      next: 'CLOSE-WAIT',
      reply: ACK,
      effect: 'finReceived',
    });
  });
  it('ESTABLISHED: a segment with no flag that matters → stays', () => {
    expect(receiveSegment('ESTABLISHED', 0, false)).toEqual({ next: 'ESTABLISHED', reply: null, effect: 'none' });
  });
  it('ESTABLISHED: RST → CLOSED, reset', () => {
    expect(receiveSegment('ESTABLISHED', RST, false)).toEqual({ next: 'CLOSED', reply: null, effect: 'reset' });
  });
  it('ESTABLISHED: unacknowledged data → retransmitted per guest OS, then failure', () => {
    // engine-model.md: Windows 300 ms doubling, 5 retries (about 19 s); Linux 200 ms, 15 retries, 120 s cap (about 924 s).
    expect(dataSchedule('windows').retransmitAtUs).toHaveLength(5);
    expect(dataSchedule('windows').failAtUs).toBe(18_900_000);
    expect(dataSchedule('linux').retransmitAtUs).toHaveLength(15);
    expect(dataSchedule('linux').failAtUs).toBe(924_600_000);
  });
});

describe('FIN-WAIT-1', () => {
  it('FIN-WAIT-1: FIN-ACK → TIME-WAIT, answers ACK', () => {
    expect(receiveSegment('FIN-WAIT-1', FIN | ACK, false)).toEqual({ next: 'TIME-WAIT', reply: ACK, effect: 'closed' });
  });
  it('FIN-WAIT-1: ACK → FIN-WAIT-2', () => {
    expect(receiveSegment('FIN-WAIT-1', ACK, false)).toEqual({ next: 'FIN-WAIT-2', reply: null, effect: 'acked' });
  });
  it('FIN-WAIT-1: RST → CLOSED, reset (RFC 9293 §3.10.7.4, second check)', () => {
    expect(receiveSegment('FIN-WAIT-1', RST, false)).toEqual({ next: 'CLOSED', reply: null, effect: 'reset' });
  });
  it('FIN-WAIT-1: a bare FIN (no ACK) → TIME-WAIT, answers ACK', () => {
    // Assumption (tcp.ts: sequence numbers are not modelled): there is no CLOSING state, so a FIN
    // that does not acknowledge ours ends the close as a FIN-ACK would. RFC 9293 §3.10.7.4 would
    // drop a segment without ACK (fifth check) or, with one, go to CLOSING (eighth check).
    expect(receiveSegment('FIN-WAIT-1', FIN, false)).toEqual({ next: 'TIME-WAIT', reply: ACK, effect: 'closed' });
  });
  it('FIN-WAIT-1: a segment with neither FIN nor ACK → stays', () => {
    expect(receiveSegment('FIN-WAIT-1', PSH, true)).toEqual({ next: 'FIN-WAIT-1', reply: null, effect: 'none' });
  });
});

describe('FIN-WAIT-2', () => {
  it('FIN-WAIT-2: FIN → TIME-WAIT, answers ACK', () => {
    expect(receiveSegment('FIN-WAIT-2', FIN | ACK, false)).toEqual({ next: 'TIME-WAIT', reply: ACK, effect: 'closed' });
  });
  it('FIN-WAIT-2: RST → CLOSED, reset (RFC 9293 §3.10.7.4, second check)', () => {
    expect(receiveSegment('FIN-WAIT-2', RST | ACK, false)).toEqual({ next: 'CLOSED', reply: null, effect: 'reset' });
  });
  it('FIN-WAIT-2: ACK or data → stays, waiting for the FIN', () => {
    expect(receiveSegment('FIN-WAIT-2', ACK, false)).toEqual({ next: 'FIN-WAIT-2', reply: null, effect: 'none' });
    expect(receiveSegment('FIN-WAIT-2', PSH | ACK, true)).toEqual({ next: 'FIN-WAIT-2', reply: null, effect: 'none' });
  });
});

describe('CLOSE-WAIT', () => {
  it('CLOSE-WAIT: RST → CLOSED, reset (RFC 9293 §3.10.7.4, second check)', () => {
    expect(receiveSegment('CLOSE-WAIT', RST, false)).toEqual({ next: 'CLOSED', reply: null, effect: 'reset' });
    expect(receiveSegment('CLOSE-WAIT', RST | ACK, false)).toEqual({ next: 'CLOSED', reply: null, effect: 'reset' });
  });
  it('CLOSE-WAIT: ACK → stays, the application has yet to close (RFC 9293 §3.10.7.4, eighth check)', () => {
    expect(receiveSegment('CLOSE-WAIT', ACK, false)).toEqual({ next: 'CLOSE-WAIT', reply: null, effect: 'none' });
  });
});

describe('LAST-ACK', () => {
  it('LAST-ACK: ACK → CLOSED', () => {
    expect(receiveSegment('LAST-ACK', ACK, false)).toEqual({ next: 'CLOSED', reply: null, effect: 'closed' });
  });
  it('LAST-ACK: RST → CLOSED (RFC 9293 §3.10.7.4, second check: "enter the CLOSED state")', () => {
    expect(receiveSegment('LAST-ACK', RST, false)).toEqual({ next: 'CLOSED', reply: null, effect: 'closed' });
  });
  it('LAST-ACK: a bare FIN (retransmitted, no ACK) → stays (RFC 9293 §3.10.7.4, eighth check)', () => {
    expect(receiveSegment('LAST-ACK', FIN, false)).toEqual({ next: 'LAST-ACK', reply: null, effect: 'none' });
  });
});

describe('TIME-WAIT', () => {
  it('TIME-WAIT: retransmitted FIN → ACK again', () => {
    expect(receiveSegment('TIME-WAIT', FIN | ACK, false)).toEqual({ next: 'TIME-WAIT', reply: ACK, effect: 'none' });
  });
  it('TIME-WAIT: an ACK → stays, no answer', () => {
    expect(receiveSegment('TIME-WAIT', ACK, false)).toEqual({ next: 'TIME-WAIT', reply: null, effect: 'none' });
  });
});

describe('CLOSED and LISTEN sockets', () => {
  it('CLOSED or LISTEN: a segment on the socket changes nothing (new connections are opened elsewhere)', () => {
    for (const state of ['CLOSED', 'LISTEN'] as const) {
      expect(receiveSegment(state, SYN, false)).toEqual({ next: state, reply: null, effect: 'none' });
    }
  });
});

describe('ephemeral ports', () => {
  it('uses the OS ranges', () => {
    expect(ephemeralRange('windows')).toEqual({ min: 49152, max: 65535 });
    expect(ephemeralRange('linux')).toEqual({ min: 32768, max: 60999 });
  });
});
