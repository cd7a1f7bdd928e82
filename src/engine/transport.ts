/**
 * transport: the guest's transport (engine-model.md step 14, RFC 9293 via tcp.ts): a delivered
 * packet finds its socket or a listener; TCP state changes, segments and resets; UDP and ICMP
 * answers.
 *
 * Inputs: packets a host accepted (network.ts `arriveAtNic` / `receiveFromWire`, handed on by the
 *   run), or delivered inside the guest.
 * Outputs: `Transport`, the stage object (it holds no state of its own: the sockets live on their
 *   hosts). Socket state changes (each one through `setState`, which records it: the project's
 *   style, after smoltcp), segments sent back through the network (`HostSend`, network.ts), and
 *   the events the applications above react to, reported to the `SocketEvents` it is handed when
 *   it is built (connections.ts, which builds it: established, data, acknowledged, reset, closed,
 *   answered). It reaches the shared state through `TransportPath` (core.ts `Core`).
 * Invariants: a SYN to no listener gets a RST, a RST for no connection is discarded, and any other
 *   segment for no connection gets a RST (RFC 9293 §3.10.7.1); a half-open server socket is owned
 *   by the SYN's owner and evicted with it.
 */
import { formatIpv4 } from '../shared/ipv4';
import type { TraceExtra } from './core';
import { type Host, type Socket, socketKey } from './guest';
import type { ListenerIn } from './input';
import type { HostSend } from './network';
import type { Conn, KeyedStore, Owner } from './state';
import { receiveSegment, replyInClosedState } from './tcp';
import type { Decision, Reason, TcpState, TraceKind } from './trace';
import {
  ACK,
  describePacket,
  FIN,
  formatEndpoint,
  type Header,
  type HttpPayload,
  hasFlag,
  isSyn,
  isSynAck,
  newHeader,
  type Packet,
  PSH,
  RST,
  replyHeader,
  SYN,
  tupleKey,
} from './wire';

/**
 * The socket events the applications above react to (connections.ts `Connections`, the one
 * implementation), handed to the transport when it is built: a client connection established,
 * data or an acknowledgment for it, a reset, its socket closed, a UDP or ICMP answer; data for a
 * server socket.
 */
export interface SocketEvents {
  onClientEstablished(host: Host, sock: Socket, conn: Conn): void;
  onClientData(host: Host, sock: Socket, conn: Conn, header: Header): void;
  onClientAcked(conn: Conn): void;
  onClientReset(conn: Conn, host: Host, packet: Packet<Owner>): void;
  /** The client socket closed (its FIN was acknowledged): the connection ends. */
  finish(conn: Conn): void;
  onAnswered(conn: Conn, host: Host, sock: Socket): void;
  /** An ICMP error answered the client's request ("Destination host unreachable"): it ends, unanswered. */
  onUnreachable(conn: Conn, host: Host, sock: Socket): void;
  onServerData(host: Host, sock: Socket, header: Header): void;
}

/** What the transport needs from the run's shared state (core.ts `Core`): the trace, drops, ownership. */
export interface TransportPath {
  readonly tracing: boolean;
  trace(kind: TraceKind, element: string, packet: Packet | null, extra?: TraceExtra): void;
  drop(packet: Packet<Owner>, reason: Reason, decision?: Decision | null): void;
  own(owner: Owner, store: KeyedStore, key: string): void;
}

export class Transport {
  private readonly tracing: boolean;

  /**
   * `network`: where a segment or answer leaves the host (network.ts); `apps`: who hears of the
   * sockets' events (connections.ts, which builds this transport).
   */
  constructor(
    private readonly core: TransportPath,
    private readonly network: HostSend,
    private readonly apps: SocketEvents,
  ) {
    this.tracing = core.tracing;
  }

  // ---------------------------------------------------------------- transport (step 14)

  deliver(host: Host, packet: Packet<Owner>): void {
    switch (packet.header.protocol) {
      case 'Tcp':
        this.deliverTcp(host, packet);
        return;
      case 'Udp':
        this.deliverUdp(host, packet);
        return;
      case 'Icmp':
        this.deliverIcmp(host, packet);
        return;
    }
  }

  private findListener(host: Host, protocol: 'Tcp' | 'Udp', address: number, port: number) {
    let wildcard = null;
    for (const l of host.listeners) {
      if (l.protocol !== protocol || l.port !== port) continue;
      if (l.address === address) return l;
      if (l.address === 0) wildcard ??= l;
    }
    return wildcard;
  }

  /** The trace of a packet handed to the listener that takes it. */
  private traceListener(host: Host, packet: Packet<Owner>, listener: ListenerIn): void {
    this.core.trace('deliver', host.id, packet, {
      decision: {
        kind: 'listener',
        listener: listener.name,
        address: formatIpv4(listener.address),
        port: listener.port,
      },
    });
  }

  private socketDecision(sock: Socket, state: TcpState | 'UDP'): Decision {
    return {
      kind: 'socket',
      local: formatEndpoint(sock.local.address, sock.local.port),
      remote: formatEndpoint(sock.remote.address, sock.remote.port),
      state,
    };
  }

  /** Every TCP state change goes through here, and is recorded (after smoltcp). */
  setState(host: Host, sock: Socket, next: TcpState): void {
    if (sock.state === next) return;
    if (this.tracing) {
      this.core.trace('state', host.id, null, {
        connection: sock.owner.id,
        state: { from: sock.state, to: next },
        decision: this.socketDecision(sock, next),
      });
    }
    sock.state = next;
  }

  sendSegment(
    host: Host,
    sock: Socket,
    flags: number,
    http: HttpPayload | null = null,
    decision: Decision | null = null,
  ) {
    const header = newHeader(
      'Tcp',
      sock.local.address,
      sock.local.port,
      sock.remote.address,
      sock.remote.port,
      flags,
      null,
      http,
    );
    this.network.sendFromHost(host, header, sock.owner as Owner, decision);
  }

  removeSocket(host: Host, sock: Socket): void {
    const key = socketKey(sock.protocol, sock.local.address, sock.local.port, sock.remote.address, sock.remote.port);
    if (host.sockets.get(key) === sock) host.sockets.delete(key);
  }

  private deliverTcp(host: Host, packet: Packet<Owner>): void {
    const h = packet.header;
    const sock = host.sockets.get(tupleKey(h));
    if (sock !== undefined) {
      if (this.tracing)
        this.core.trace('deliver', host.id, packet, { decision: this.socketDecision(sock, sock.state) });
      this.onSegment(host, sock, packet);
      return;
    }
    if (isSyn(h)) {
      const listener = this.findListener(host, 'Tcp', h.dst, h.dstPort);
      if (listener !== null) {
        // RFC 9293 §3.10.7.2 (LISTEN): a SYN creates a connection in SYN-RECEIVED, answered SYN-ACK.
        if (this.tracing) this.traceListener(host, packet, listener);
        const child: Socket = {
          protocol: 'Tcp',
          local: { address: h.dst, port: h.dstPort },
          remote: { address: h.src, port: h.srcPort },
          state: 'LISTEN',
          owner: packet.owner,
          app: { kind: 'server', listener },
          pending: null,
          busy: false,
        };
        const key = tupleKey(h);
        host.sockets.set(key, child);
        this.core.own(packet.owner, host.sockets, key);
        this.setState(host, child, 'SYN-RECEIVED');
        this.sendSegment(host, child, SYN | ACK);
        return;
      }
      // engine-model.md step 14: no listener, the guest answers RST (RFC 9293 §3.10.7.1).
      this.core.drop(packet, {
        code: 'TCP_NO_LISTENER',
        at: host.id,
        rule: null,
        detail: `Nothing on ${host.name} listens on TCP ${formatEndpoint(h.dst, h.dstPort)}, so it answers the SYN from ${formatEndpoint(h.src, h.srcPort)} with a RST.`,
      });
      this.sendReset(host, packet);
      return;
    }
    if (hasFlag(h, RST)) {
      // RFC 9293 §3.10.7.1: a RST for no connection is discarded.
      if (this.tracing) this.core.trace('deliver', host.id, packet);
      return;
    }
    if (isSynAck(h)) {
      // engine-model.md step 14: a SYN-ACK that matches no connecting socket is answered with RST
      // (RFC 9293 §3.10.7.1) and the connecting socket keeps waiting. On Windows this is the
      // inferred end of the hairpin (the ILB hairpin write-up §1.1: the SYN arrives, no SYN-ACK on the wire).
      let expected: string | null = null;
      for (const s of host.sockets.values()) {
        if (s.state === 'SYN-SENT' && s.local.address === h.dst && s.local.port === h.dstPort) {
          expected = formatEndpoint(s.remote.address, s.remote.port);
        }
      }
      // The socket that was waiting, for the UI's mismatch mark: expected 4-tuple beside the arrived one.
      const waiting: Decision | null =
        expected === null
          ? null
          : { kind: 'socket', local: formatEndpoint(h.dst, h.dstPort), remote: expected, state: 'SYN-SENT' };
      this.core.drop(
        packet,
        {
          code: 'TCP_SYNACK_MISMATCH',
          at: host.id,
          rule: null,
          detail:
            `SYN-ACK from ${formatEndpoint(h.src, h.srcPort)} matches no connecting socket` +
            (expected === null
              ? ` on ${host.name}, which answers it with a RST.`
              : `; ${host.name} expected ${expected}, answers it with a RST and keeps waiting.`),
        },
        waiting,
      );
      this.sendReset(host, packet);
      return;
    }
    // RFC 9293 §3.10.7.1: any other segment for no connection is answered with RST.
    this.core.drop(packet, {
      code: 'TCP_RESET',
      at: host.id,
      rule: null,
      detail: `${describePacket(h)} matches no connection on ${host.name}, which answers it with a RST.`,
    });
    this.sendReset(host, packet);
  }

  private sendReset(host: Host, packet: Packet<Owner>): void {
    const flags = replyInClosedState(packet.header.flags);
    if (flags === null) return;
    this.network.sendFromHost(host, replyHeader(packet.header, { flags }), packet.owner);
  }

  private onSegment(host: Host, sock: Socket, packet: Packet<Owner>): void {
    const h = packet.header;
    // A segment with PSH carries data (an HTTP message or the data of a long-lived connection).
    const tr = receiveSegment(sock.state, h.flags, (h.flags & PSH) !== 0);
    const app = sock.app;
    if (tr.effect === 'finReceived' && app.kind === 'server') {
      // The server application closes at once: one FIN-ACK answers the client's FIN
      // (assumption: CLOSE-WAIT lasts no time), and the socket waits in LAST-ACK.
      this.setState(host, sock, 'CLOSE-WAIT');
      this.setState(host, sock, 'LAST-ACK');
      this.sendSegment(host, sock, FIN | ACK);
      return;
    }
    this.setState(host, sock, tr.next);
    if (tr.reply !== null) this.sendSegment(host, sock, tr.reply);
    // A client socket's owner is its connection (see openConnection).
    const conn = app.kind === 'client' ? (sock.owner as Conn) : null;
    switch (tr.effect) {
      case 'established':
        if (conn !== null) this.apps.onClientEstablished(host, sock, conn);
        else if (h.http !== null) this.apps.onServerData(host, sock, h);
        return;
      case 'reset':
        this.removeSocket(host, sock);
        if (conn !== null) this.apps.onClientReset(conn, host, packet);
        return;
      case 'backToListen':
        this.removeSocket(host, sock);
        return;
      case 'data':
        if (conn !== null) this.apps.onClientData(host, sock, conn, h);
        else this.apps.onServerData(host, sock, h);
        return;
      case 'acked':
        if (conn !== null) this.apps.onClientAcked(conn);
        return;
      case 'closed':
        this.removeSocket(host, sock);
        if (conn !== null) this.apps.finish(conn);
        return;
      case 'finReceived':
      case 'none':
        return;
    }
  }

  private deliverUdp(host: Host, packet: Packet<Owner>): void {
    const h = packet.header;
    const sock = host.sockets.get(tupleKey(h));
    if (sock !== undefined && sock.app.kind === 'client') {
      if (this.tracing) this.core.trace('deliver', host.id, packet, { decision: this.socketDecision(sock, 'UDP') });
      this.apps.onAnswered(sock.owner as Conn, host, sock);
      return;
    }
    const listener = this.findListener(host, 'Udp', h.dst, h.dstPort);
    if (listener === null) {
      this.core.drop(packet, {
        code: 'UDP_NO_LISTENER',
        at: host.id,
        rule: null,
        detail: `Nothing on ${host.name} listens on UDP ${formatEndpoint(h.dst, h.dstPort)}, so the datagram from ${formatEndpoint(h.src, h.srcPort)} goes unanswered.`,
      });
      return;
    }
    if (this.tracing) this.traceListener(host, packet, listener);
    // engine-model.md step 14: a UDP listener answers a datagram with one datagram.
    this.network.sendFromHost(host, replyHeader(h, {}), packet.owner);
  }

  private deliverIcmp(host: Host, packet: Packet<Owner>): void {
    const h = packet.header;
    if (h.icmp === 'echo-request') {
      // Assumption: every guest answers an echo request that its firewall lets in.
      if (this.tracing) this.core.trace('deliver', host.id, packet);
      this.network.sendFromHost(host, replyHeader(h, { icmp: 'echo-reply' }), packet.owner);
      return;
    }
    const sock = host.sockets.get(tupleKey(h));
    if (this.tracing) this.core.trace('deliver', host.id, packet);
    if (sock === undefined || sock.app.kind !== 'client') return;
    if (h.icmp === 'dest-unreachable') this.apps.onUnreachable(sock.owner as Conn, host, sock);
    else this.apps.onAnswered(sock.owner as Conn, host, sock);
  }
}
