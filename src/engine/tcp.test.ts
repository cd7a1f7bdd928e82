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
    expect(receiveSegment('FIN-WAIT-1', ACK, false).next).toBe('FIN-WAIT-2');
  });
});

describe('FIN-WAIT-2', () => {
  it('FIN-WAIT-2: FIN → TIME-WAIT, answers ACK', () => {
    expect(receiveSegment('FIN-WAIT-2', FIN | ACK, false)).toEqual({ next: 'TIME-WAIT', reply: ACK, effect: 'closed' });
  });
});

describe('LAST-ACK', () => {
  it('LAST-ACK: ACK → CLOSED', () => {
    expect(receiveSegment('LAST-ACK', ACK, false)).toEqual({ next: 'CLOSED', reply: null, effect: 'closed' });
  });
});

describe('TIME-WAIT', () => {
  it('TIME-WAIT: retransmitted FIN → ACK again', () => {
    expect(receiveSegment('TIME-WAIT', FIN | ACK, false)).toEqual({ next: 'TIME-WAIT', reply: ACK, effect: 'none' });
  });
});

describe('ephemeral ports', () => {
  it('uses the OS ranges', () => {
    expect(ephemeralRange('windows')).toEqual({ min: 49152, max: 65535 });
    expect(ephemeralRange('linux')).toEqual({ min: 32768, max: 60999 });
  });
});
