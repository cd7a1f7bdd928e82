/**
 * tcp: the guest TCP state machine and its timers (engine-model.md step 14 and "Time and TCP").
 *
 * Inputs: a socket's state and an arriving segment's flags.
 * Outputs: the next state, the flags of the segment to answer with (or none), and an effect the
 *   application layer reacts to (established, reset, request, close ...); the SYN and data
 *   retransmission schedules per guest OS; the ephemeral port range per guest OS.
 * Invariants: pure functions; sequence numbers are not modelled (assumption: segments of a
 *   connection are matched by 4-tuple and flags only, which is all the seeds' situations need).
 *   TCP states print as RFC 9293 writes them.
 */
import type { Os } from './input';
import type { TcpState } from './trace';
import { ACK, FIN, RST, SYN } from './wire';

export type TcpEffect =
  | 'none'
  | 'established'
  | 'reset'
  | 'data'
  | 'acked'
  | 'finReceived'
  | 'closed'
  /** A passive-open connection went back to LISTEN: its socket is dropped. */
  | 'backToListen';

export interface TcpTransition {
  readonly next: TcpState;
  /** Flags of the segment to send back, or null. */
  readonly reply: number | null;
  readonly effect: TcpEffect;
}

const stay = (state: TcpState): TcpTransition => ({ next: state, reply: null, effect: 'none' });

/**
 * One arriving segment on an existing socket. `hasData`: the segment carries a payload (an HTTP
 * request or response).
 */
export function receiveSegment(state: TcpState, flags: number, hasData: boolean): TcpTransition {
  const rst = (flags & RST) !== 0;
  const syn = (flags & SYN) !== 0;
  const ack = (flags & ACK) !== 0;
  const fin = (flags & FIN) !== 0;
  switch (state) {
    case 'SYN-SENT':
      // RFC 9293 §3.10.7.3: a RST with an acceptable ACK resets the connection.
      if (rst) return { next: 'CLOSED', reply: null, effect: 'reset' };
      // RFC 9293 §3.10.7.3: SYN with an acceptable ACK → ESTABLISHED, send ACK.
      if (syn && ack) return { next: 'ESTABLISHED', reply: ACK, effect: 'established' };
      return stay(state);
    case 'SYN-RECEIVED':
      // RFC 9293 §3.10.7.4 (second check): a RST on a passively opened connection returns it to LISTEN.
      if (rst) return { next: 'CLOSED', reply: null, effect: 'backToListen' };
      // A retransmitted SYN: answer the SYN-ACK again (RFC 9293 §3.10.7.4, duplicate SYN handling).
      if (syn && !ack) return { next: state, reply: SYN | ACK, effect: 'none' };
      // RFC 9293 §3.10.7.4 (fifth check): an acceptable ACK → ESTABLISHED.
      if (ack) return { next: 'ESTABLISHED', reply: null, effect: 'established' };
      return stay(state);
    case 'ESTABLISHED':
      if (rst) return { next: 'CLOSED', reply: null, effect: 'reset' };
      // RFC 9293 §3.10.7.4 (eighth check): FIN → CLOSE-WAIT, acknowledge it.
      if (fin) return { next: 'CLOSE-WAIT', reply: ACK, effect: 'finReceived' };
      if (hasData) return { next: state, reply: null, effect: 'data' };
      if (ack) return { next: state, reply: null, effect: 'acked' };
      return stay(state);
    case 'FIN-WAIT-1':
      if (rst) return { next: 'CLOSED', reply: null, effect: 'reset' };
      // Our FIN acknowledged together with the peer's FIN → TIME-WAIT (RFC 9293 §3.10.7.4).
      if (fin && ack) return { next: 'TIME-WAIT', reply: ACK, effect: 'closed' };
      if (fin) return { next: 'TIME-WAIT', reply: ACK, effect: 'closed' };
      if (ack) return { next: 'FIN-WAIT-2', reply: null, effect: 'acked' };
      return stay(state);
    case 'FIN-WAIT-2':
      if (rst) return { next: 'CLOSED', reply: null, effect: 'reset' };
      if (fin) return { next: 'TIME-WAIT', reply: ACK, effect: 'closed' };
      return stay(state);
    case 'CLOSE-WAIT':
      if (rst) return { next: 'CLOSED', reply: null, effect: 'reset' };
      return stay(state);
    case 'LAST-ACK':
      // RFC 9293 §3.10.7.4: in LAST-ACK the acknowledgment of our FIN closes the connection.
      if (rst || ack) return { next: 'CLOSED', reply: null, effect: 'closed' };
      return stay(state);
    case 'TIME-WAIT':
      // A retransmitted FIN is acknowledged again (RFC 9293 §3.10.7.4).
      if (fin) return { next: state, reply: ACK, effect: 'none' };
      return stay(state);
    case 'CLOSED':
    case 'LISTEN':
      return stay(state);
  }
}

/**
 * A segment for which no socket exists (RFC 9293 §3.10.7.1, CLOSED): a RST is discarded; anything
 * else is answered with a RST (RST alone when the segment had ACK, else RST-ACK).
 */
export function replyInClosedState(flags: number): number | null {
  if ((flags & RST) !== 0) return null;
  return (flags & ACK) !== 0 ? RST : RST | ACK;
}

/** Linux `tcp_syn_retries` default (engine-model.md "Time and TCP"). */
export const LINUX_TCP_SYN_RETRIES = 6;

export interface SynSchedule {
  /** Offsets from the first SYN at which the SYN is sent again. */
  readonly retransmitAtUs: readonly number[];
  /** Offset at which the connect attempt fails. */
  readonly failAtUs: number;
}

const SECOND = 1_000_000;

/**
 * SYN retransmissions (engine-model.md "Time and TCP"):
 * - linux: `tcpSynLinearTimeouts` + 1 timeouts of 1 s, then `tcp_syn_retries` (6) doubling ones
 *   (2, 4, ... 64 s): with 4, retransmissions at 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 s and failure at
 *   131 s; with 0, doubling from 1 s and failure at 127 s (measured on a 6.x kernel).
 * - windows: 3 s initial RTO doubling, 2 retries: SYNs at 0, 3, 9 s, failure at 21 s.
 */
export function synSchedule(os: Os, tcpSynLinearTimeouts: number): SynSchedule {
  const timeouts: number[] = [];
  if (os === 'windows') {
    timeouts.push(3 * SECOND, 6 * SECOND, 12 * SECOND);
  } else {
    for (let i = 0; i <= tcpSynLinearTimeouts; i++) timeouts.push(SECOND);
    for (let i = 1; i <= LINUX_TCP_SYN_RETRIES; i++) timeouts.push(2 ** i * SECOND);
  }
  return cumulate(timeouts);
}

/**
 * Data (and FIN) retransmissions of an established connection (engine-model.md "Time and TCP"):
 * windows 300 ms doubling, 5 retries (about 19 s); linux 200 ms doubling, 15 retries, each
 * timeout capped at 120 s (about 924 s).
 */
export function dataSchedule(os: Os): SynSchedule {
  const timeouts: number[] = [];
  if (os === 'windows') {
    for (let i = 0; i <= 5; i++) timeouts.push(300_000 * 2 ** i);
  } else {
    for (let i = 0; i <= 15; i++) timeouts.push(Math.min(200_000 * 2 ** i, 120 * SECOND));
  }
  return cumulate(timeouts);
}

function cumulate(timeouts: readonly number[]): SynSchedule {
  const at: number[] = [];
  let t = 0;
  for (const timeout of timeouts) {
    t += timeout;
    at.push(t);
  }
  const failAtUs = at.pop() ?? 0;
  return { retransmitAtUs: at, failAtUs };
}

const WINDOWS_EPHEMERAL = { min: 49152, max: 65535 } as const;
const LINUX_EPHEMERAL = { min: 32768, max: 60999 } as const;

/**
 * Ephemeral ports: Windows' dynamic range 49152–65535 (learn.microsoft.com/troubleshoot/windows-server/
 * networking/default-dynamic-port-range-tcpip-chang); Linux `ip_local_port_range` 32768–60999.
 * Assumption: the port is drawn uniformly from the range with the simulation's seeded PRNG.
 */
export function ephemeralRange(os: Os): { readonly min: number; readonly max: number } {
  return os === 'windows' ? WINDOWS_EPHEMERAL : LINUX_EPHEMERAL;
}
