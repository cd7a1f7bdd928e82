/**
 * connections: the applications over the sockets — the client side of each traffic connection
 * (open, SYN and data retransmissions of engine-model.md "Time and TCP", long-lived connections
 * and UDP flows, close), the servers' answers (HTTP maps, echoes), reverse proxies (`proxyTo`),
 * and the end of a connection (`finish`).
 *
 * Inputs: connections to open (simulation.ts `onOpen`, or a proxy's upstream), socket events from
 *   transport.ts (`SocketEvents`), their timers (dispatched by the run), a connection the load
 *   balancer ends (`ConnectionEnd`, frontend.ts).
 * Outputs: `Connections`, the stage object, which owns the bulk aggregates and the connections
 *   under way (`live`), the proxies' round robin and the per-OS retransmission schedules, and
 *   builds the transport under it, handing itself as its `SocketEvents`. It reaches the shared
 *   state through `ConnectionsPath` (core.ts `Core`) and sends through the network's `HostSend`.
 *   Each connection's outcome, reason, backend, handshake, HTTP status and close are counted in
 *   bulk mode (`aggregate`) or kept as a row in trace mode (simulation.ts).
 * Invariants: a connection finishes once (`finish` frees its port, cancels its timers and
 *   releases its flow state when nothing is in flight); its `reason` is the first event that
 *   doomed it (`doom`) when it fails; the client and proxy timeouts are the assumptions stated
 *   beside their constants.
 */
import { Aggregator } from './bulk';
import type { ConnectionEnd } from './frontend';
import { chooseSourceAddress, type Host, portKey, type Socket, socketKey } from './guest';
import type { ListenerIn } from './input';
import type { HostSend } from './network';
import { rowReason } from './report';
import { PHASE, type Phase } from './sched';
import type { Conn, ConnSpec, Job, Owner, ProxyRequest } from './state';
import { dataSchedule, ephemeralRange, type SynSchedule, synSchedule } from './tcp';
import { type SocketEvents, Transport, type TransportPath } from './transport';
import { ACK, FIN, formatEndpoint, type Header, newHeader, type Packet, PSH, SYN } from './wire';

/**
 * What the applications need from the run's shared state (core.ts `Core`): the clock and queue,
 * ownership and eviction, the port draws, the count of connections not ended yet; and, for the
 * transport they build, what it needs.
 */
export interface ConnectionsPath extends TransportPath {
  readonly now: number;
  readonly bulk: boolean;
  schedule(time: number, phase: Phase, job: Job): Job;
  cancel(job: Job | null): void;
  release(owner: Owner): void;
  allocatePort(host: Host, protocol: string): number | null;
  /** A traffic connection ended: one fewer not ended yet. */
  endConnection(): void;
}

export class Connections implements SocketEvents, ConnectionEnd {
  /**
   * The guest's sockets under the applications. They build it and hand it themselves as its
   * `SocketEvents`, as an application owns its socket set in smoltcp; the run delivers accepted
   * packets to it.
   */
  readonly transport: Transport;
  private readonly tracing: boolean;
  /** Bulk mode: the aggregates of finished connections, and those still under way. */
  readonly aggregator = new Aggregator();
  readonly live = new Set<Conn>();
  /** Round-robin position per proxy listener (nginx's default balancing). */
  private readonly roundRobin = new Map<ListenerIn, number>();
  private readonly synSchedules = new Map<string, SynSchedule>();
  private readonly dataSchedules = new Map<string, SynSchedule>();

  /** `network`: where a UDP or ICMP client's datagram leaves its host (network.ts). */
  constructor(
    private readonly core: ConnectionsPath,
    private readonly network: HostSend,
  ) {
    this.tracing = core.tracing;
    this.transport = new Transport(core, network, this);
  }

  // ---------------------------------------------------------------- traffic (the client side)

  newConn(
    spec: ConnSpec,
    traffic: number,
    index: number,
    id: string,
    host: Host,
    proxy: ProxyRequest | null,
    clientSlot: Conn['clientSlot'],
  ): Conn {
    return {
      id,
      // A proxy's upstream request made for a health probe is probe traffic too: it does not keep
      // the simulation alive.
      probe: proxy?.sock.owner.probe === true,
      inFlight: 0,
      done: false,
      released: false,
      doom: null,
      owned: [],
      spec,
      traffic,
      index,
      host,
      source: null,
      socket: null,
      outcome: 'pending',
      backend: null,
      reason: null,
      firstSynUs: 0,
      establishedUs: null,
      handshakeUs: null,
      http: null,
      awaitingResponse: false,
      closed: null,
      timer: null,
      dataSentUs: 0,
      deadline: null,
      tick: null,
      closeAtUs: 0,
      pendingId: 0,
      proxy,
      failure: null,
      reported: false,
      clientSlot,
      ref: null,
    };
  }

  openConnection(conn: Conn, drawnPort: number | null = null): void {
    const t = conn.spec;
    const host = conn.host as Host;
    if (!host.running) {
      conn.outcome = t.protocol === 'Tcp' ? 'timeout' : 'unanswered';
      conn.reason = {
        code: 'VM_STOPPED',
        at: host.id,
        rule: null,
        detail: `${host.name} is stopped and opens no connection.`,
      };
      this.finish(conn);
      return;
    }
    const src = chooseSourceAddress(host, t.destination);
    const port = t.protocol === 'Icmp' ? 0 : (t.sourcePort ?? drawnPort ?? this.core.allocatePort(host, t.protocol));
    if (port === null) {
      const { min, max } = ephemeralRange(host.os);
      conn.outcome = t.protocol === 'Tcp' ? 'timeout' : 'unanswered';
      conn.reason = {
        code: 'GUEST_NO_EPHEMERAL_PORT',
        at: host.id,
        rule: null,
        detail: `${host.name} has no free ${t.protocol} port: all ${max - min + 1} ephemeral ports (${min}–${max}) are held by open sockets, so the connection fails before a packet leaves.`,
      };
      this.finish(conn);
      return;
    }
    host.usedPorts.add(portKey(t.protocol, port));
    conn.source = { address: src, port };
    const sock: Socket = {
      protocol: t.protocol === 'Icmp' ? 'Tcp' : t.protocol,
      local: { address: src, port },
      remote: { address: t.destination, port: t.destinationPort },
      state: 'CLOSED',
      owner: conn,
      app: { kind: 'client' },
      pending: null,
      busy: false,
    };
    conn.socket = sock;
    const key = socketKey(t.protocol, src, port, t.destination, t.destinationPort);
    host.sockets.set(key, sock);
    this.core.own(conn, host.sockets, key);
    if (t.protocol === 'Tcp') {
      this.transport.setState(host, sock, 'SYN-SENT');
      conn.firstSynUs = this.core.now;
      this.transport.sendSegment(host, sock, SYN);
      this.armSynTimer(conn, host, 1);
      if (conn.proxy !== null) {
        // nginx proxy_connect_timeout (60 s default): the proxy gives up on the upstream first.
        conn.deadline = this.core.schedule(this.core.now + PROXY_CONNECT_TIMEOUT_US, PHASE.packet, {
          type: 'connectTimeout',
          conn,
          aux: conn.probe,
          cancelled: false,
        });
      }
      return;
    }
    const header =
      t.protocol === 'Udp'
        ? newHeader('Udp', src, port, t.destination, t.destinationPort, 0, null, null)
        : newHeader('Icmp', src, 0, t.destination, 0, 0, 'echo-request', null);
    this.network.sendFromHost(host, header, conn);
    conn.deadline = this.core.schedule(this.core.now + ANSWER_WAIT_US, PHASE.packet, {
      type: 'answerDeadline',
      conn,
      aux: conn.probe,
      cancelled: false,
    });
    if (isLongUdp(conn)) {
      // A long-lived UDP flow (see `isLongUdp`): a datagram every `dataEvery` s on this socket
      // (same 4-tuple, so the load balancer's flow table keeps it) until `duration` after the
      // first. `timer` (unused by UDP otherwise) holds its end.
      conn.closeAtUs = this.core.now + t.durationUs;
      conn.timer = this.core.schedule(conn.closeAtUs, PHASE.traffic, {
        type: 'udpEnd',
        conn,
        aux: conn.probe,
        cancelled: false,
      });
      this.scheduleTick(conn);
    }
  }

  private synScheduleOf(host: Host): SynSchedule {
    const key = host.os === 'windows' ? 'windows' : `linux${host.tcpSynLinearTimeouts}`;
    let s = this.synSchedules.get(key);
    if (s === undefined) {
      s = synSchedule(host.os, host.tcpSynLinearTimeouts);
      this.synSchedules.set(key, s);
    }
    return s;
  }

  private dataScheduleOf(host: Host): SynSchedule {
    let s = this.dataSchedules.get(host.os);
    if (s === undefined) {
      s = dataSchedule(host.os);
      this.dataSchedules.set(host.os, s);
    }
    return s;
  }

  /**
   * The SYN retransmissions of engine-model.md "Time and TCP", armed one at a time (attempt `n`
   * fires at the n-th offset of the OS's schedule from the first SYN; the last one fails).
   */
  private armSynTimer(conn: Conn, host: Host, attempt: number): void {
    const sched = this.synScheduleOf(host);
    const final = attempt > sched.retransmitAtUs.length;
    const at = conn.firstSynUs + (final ? sched.failAtUs : (sched.retransmitAtUs[attempt - 1] as number));
    conn.timer = this.core.schedule(at, PHASE.packet, {
      type: 'synTimer',
      conn,
      attempt,
      final,
      aux: conn.probe,
      cancelled: false,
    });
  }

  onSynTimer(conn: Conn, attempt: number, final: boolean): void {
    conn.timer = null;
    const host = conn.host;
    const sock = conn.socket;
    if (conn.done || host === null || sock === null || sock.state !== 'SYN-SENT') return;
    if (final) {
      this.transport.setState(host, sock, 'CLOSED');
      this.transport.removeSocket(host, sock);
      conn.outcome = 'timeout';
      conn.reason = conn.doom ?? {
        code: 'TCP_TIMEOUT',
        at: host.id,
        rule: null,
        detail: `${host.name} got no answer to ${attempt} SYNs to ${formatEndpoint(sock.remote.address, sock.remote.port)} and gave up.`,
      };
      this.finish(conn);
      return;
    }
    this.transport.sendSegment(host, sock, SYN, null, this.tracing ? { kind: 'retransmission', attempt } : null);
    this.armSynTimer(conn, host, attempt + 1);
  }

  onClientEstablished(host: Host, sock: Socket, conn: Conn): void {
    this.core.cancel(conn.timer);
    conn.timer = null;
    this.core.cancel(conn.deadline);
    conn.deadline = null;
    conn.outcome = 'established';
    conn.doom = null;
    conn.establishedUs = this.core.now;
    conn.handshakeUs = this.core.now - conn.firstSynUs;
    const path = conn.spec.http;
    if (path !== null) {
      conn.awaitingResponse = true;
      this.sendData(conn, host, sock, PSH | ACK, path);
      return;
    }
    this.scheduleClose(conn);
  }

  /** Sends data (or a FIN) and arms its retransmissions (engine-model.md "Time and TCP"). */
  private sendData(conn: Conn, host: Host, sock: Socket, flags: number, request: string | null): void {
    const id = ++conn.pendingId;
    sock.pending = { flags, request, id };
    this.transport.sendSegment(
      host,
      sock,
      flags,
      request === null ? null : { kind: 'request', method: 'GET', path: request },
    );
    conn.dataSentUs = this.core.now;
    this.core.cancel(conn.timer);
    this.armDataTimer(conn, host, id, 1);
  }

  private armDataTimer(conn: Conn, host: Host, pendingId: number, attempt: number): void {
    const sched = this.dataScheduleOf(host);
    const final = attempt > sched.retransmitAtUs.length;
    const at = conn.dataSentUs + (final ? sched.failAtUs : (sched.retransmitAtUs[attempt - 1] as number));
    conn.timer = this.core.schedule(at, PHASE.packet, {
      type: 'dataTimer',
      conn,
      pendingId,
      attempt,
      final,
      aux: conn.probe,
      cancelled: false,
    });
  }

  private clearPending(conn: Conn): void {
    if (conn.socket !== null) conn.socket.pending = null;
    this.core.cancel(conn.timer);
    conn.timer = null;
  }

  onDataTimer(conn: Conn, pendingId: number, attempt: number, final: boolean): void {
    conn.timer = null;
    const host = conn.host;
    const sock = conn.socket;
    if (conn.done || host === null || sock === null || sock.pending?.id !== pendingId) return;
    if (final) {
      this.transport.removeSocket(host, sock);
      // engine-model.md "Time and TCP": the retransmissions gave up. A FIN that was never
      // acknowledged because something on the path doomed it (an idle timeout, a stopped VM) is a
      // timeout too, not the client's orderly close.
      if (conn.doom !== null && conn.closed?.by === 'client') conn.closed = null;
      // scenario-format.md "Result": `idleTimeout` covers "the first segment after the flow idled
      // out", so a connection whose first doom was the idle timeout reports it even though its own
      // retransmissions are what finally gave up (engine-model.md "Idle timeout").
      conn.closed ??= {
        atUs: this.core.now,
        by: conn.doom?.code === 'IDLE_TIMEOUT' ? 'idleTimeout' : 'timeout',
        reason: conn.doom ?? {
          code: 'TCP_TIMEOUT',
          at: host.id,
          rule: null,
          detail: `${host.name} retransmitted its data to ${formatEndpoint(sock.remote.address, sock.remote.port)} without an acknowledgment and gave up.`,
        },
      };
      this.finish(conn);
      return;
    }
    const p = sock.pending;
    this.transport.sendSegment(
      host,
      sock,
      p.flags,
      p.request === null ? null : { kind: 'request', method: 'GET', path: p.request },
      this.tracing ? { kind: 'retransmission', attempt: 0 } : null,
    );
    this.armDataTimer(conn, host, pendingId, attempt + 1);
  }

  private scheduleClose(conn: Conn): void {
    const at = (conn.establishedUs ?? this.core.now) + conn.spec.durationUs;
    conn.closeAtUs = at;
    if (at <= this.core.now) {
      this.closeClient(conn);
      return;
    }
    this.core.cancel(conn.deadline);
    conn.deadline = this.core.schedule(at, PHASE.traffic, { type: 'close', conn, aux: conn.probe, cancelled: false });
    this.scheduleTick(conn);
  }

  /** scenario-format.md "traffic": while open, a data segment every `dataEvery` seconds. */
  private scheduleTick(conn: Conn): void {
    const every = conn.spec.dataEveryUs;
    if (every <= 0 || this.core.now + every >= conn.closeAtUs) return;
    conn.tick = this.core.schedule(this.core.now + every, PHASE.traffic, {
      type: 'dataTick',
      conn,
      aux: conn.probe,
      cancelled: false,
    });
  }

  /**
   * One data segment of a long-lived connection. Assumption: while an earlier segment is still
   * unacknowledged (being retransmitted), the application's new data waits behind it, so no new
   * segment leaves.
   */
  onDataTick(conn: Conn): void {
    const host = conn.host;
    const sock = conn.socket;
    if (conn.spec.protocol === 'Udp') {
      // A long-lived UDP flow's next datagram, on the same socket and 4-tuple as the first. UDP has
      // no acknowledgment, so nothing is retransmitted and nothing waits for an earlier answer.
      if (conn.done || host === null || sock === null) return;
      const { local, remote } = sock;
      this.network.sendFromHost(
        host,
        newHeader('Udp', local.address, local.port, remote.address, remote.port, 0, null, null),
        conn,
      );
      this.scheduleTick(conn);
      return;
    }
    if (conn.done || host === null || sock === null || sock.state !== 'ESTABLISHED') return;
    if (sock.pending === null && !conn.awaitingResponse) this.sendData(conn, host, sock, PSH | ACK, null);
    this.scheduleTick(conn);
  }

  /** The client closes at the end of its `duration` (scenario-format.md "traffic"). */
  closeClient(conn: Conn): void {
    const host = conn.host;
    const sock = conn.socket;
    if (conn.done || host === null || sock === null || sock.state !== 'ESTABLISHED' || conn.awaitingResponse) return;
    conn.closed = { atUs: this.core.now, by: 'client', reason: null };
    this.core.cancel(conn.tick);
    conn.tick = null;
    this.transport.setState(host, sock, 'FIN-WAIT-1');
    const pending = sock.pending;
    if (pending !== null) {
      // RFC 9293 §3.10.4 (CLOSE): the FIN is queued behind data not yet acknowledged; it leaves
      // with that data's retransmissions, whose clock keeps running.
      sock.pending = { ...pending, flags: pending.flags | FIN };
      return;
    }
    this.sendData(conn, host, sock, FIN | ACK, null);
  }

  onClientData(host: Host, sock: Socket, conn: Conn, header: Header): void {
    if (header.http === null) {
      // The server's answer to our data segment acknowledges it (RFC 9293 §3.10.7.4), and is
      // acknowledged in turn.
      if (sock.pending !== null && sock.pending.request === null && (sock.pending.flags & PSH) !== 0) {
        this.clearPending(conn);
      }
      this.transport.sendSegment(host, sock, ACK);
      return;
    }
    if (header.http?.kind === 'response' && conn.awaitingResponse) {
      conn.http = { path: conn.spec.http ?? '/', status: header.http.status };
      conn.awaitingResponse = false;
      this.clearPending(conn);
      this.core.cancel(conn.deadline);
      conn.deadline = null;
      this.transport.sendSegment(host, sock, ACK);
      if (conn.proxy !== null) this.reportUpstream(conn, header.http.status);
      this.scheduleClose(conn);
    }
  }

  onClientAcked(conn: Conn): void {
    const wasAwaiting = conn.awaitingResponse && conn.socket?.pending?.request !== null;
    this.clearPending(conn);
    if (wasAwaiting && conn.deadline === null) {
      // The request is acknowledged: wait for the answer (a reverse proxy's answer comes when its
      // upstream has answered). nginx waits `proxy_read_timeout`; other clients HTTP_RESPONSE_WAIT_US.
      const wait = conn.proxy === null ? HTTP_RESPONSE_WAIT_US : PROXY_READ_TIMEOUT_US;
      conn.deadline = this.core.schedule(this.core.now + wait, PHASE.packet, {
        type: 'responseDeadline',
        conn,
        aux: conn.probe,
        cancelled: false,
      });
    }
  }

  onResponseDeadline(conn: Conn): void {
    if (conn.done || !conn.awaitingResponse) return;
    // No answer in time: the client gives up on HTTP and closes as it would after an answer.
    conn.awaitingResponse = false;
    if (conn.proxy !== null) {
      conn.failure = 'timeout';
      this.reportUpstream(conn, null);
    }
    this.scheduleClose(conn);
  }

  /** nginx gave up connecting to this upstream (`proxy_connect_timeout`). */
  onConnectTimeout(conn: Conn): void {
    const host = conn.host;
    const sock = conn.socket;
    if (conn.done || host === null || sock === null || sock.state !== 'SYN-SENT') return;
    this.core.cancel(conn.timer);
    conn.timer = null;
    this.transport.setState(host, sock, 'CLOSED');
    this.transport.removeSocket(host, sock);
    conn.outcome = 'timeout';
    conn.failure = 'timeout';
    conn.reason = conn.doom ?? {
      code: 'TCP_TIMEOUT',
      at: host.id,
      rule: null,
      detail: `${host.name} (the reverse proxy) got no answer from ${formatEndpoint(sock.remote.address, sock.remote.port)} within proxy_connect_timeout (60 s).`,
    };
    this.finish(conn);
  }

  onClientReset(conn: Conn, host: Host, packet: Packet<Owner>): void {
    const reason = conn.doom ?? {
      code: 'TCP_RESET',
      at: host.id,
      rule: null,
      detail: `${host.name} received a RST from ${formatEndpoint(packet.header.src, packet.header.srcPort)}.`,
    };
    if (conn.outcome === 'established') {
      // engine-model.md "Idle timeout": the load balancer's RST on idle closes by `idleTimeout`.
      conn.closed ??= { atUs: this.core.now, by: reason.code === 'IDLE_TIMEOUT' ? 'idleTimeout' : 'reset', reason };
    } else {
      conn.outcome = 'reset';
      conn.reason = reason;
    }
    this.finish(conn);
  }

  onServerData(host: Host, sock: Socket, header: Header): void {
    if (sock.app.kind !== 'server') return;
    if (header.http === null) {
      // Assumption: the server application answers each data segment with one data segment (an
      // echo), so data flows both ways; its own retransmissions are not modelled (the client's
      // retransmission of its data gets a new answer).
      this.transport.sendSegment(host, sock, PSH | ACK);
      return;
    }
    if (header.http.kind !== 'request') return;
    const listener = sock.app.listener;
    if (listener.proxyTo.length > 0) {
      // RFC 9293 §3.10.7.4: received data is acknowledged; the proxy answers once its upstream has.
      this.transport.sendSegment(host, sock, ACK);
      if (!sock.busy) this.startProxy(host, sock, listener, header.http.path);
      return;
    }
    const map = listener.http;
    if (map === null) {
      // No `http` map: the listener speaks TCP only (scenario-format.md "Defaults"): ACK, no answer.
      this.transport.sendSegment(host, sock, ACK);
      return;
    }
    const path = header.http.path;
    const status = Object.hasOwn(map, path) ? (map[path] ?? 404) : 404;
    this.transport.sendSegment(host, sock, PSH | ACK, { kind: 'response', status });
  }

  // ---------------------------------------------------------------- reverse proxies (proxyTo)

  /**
   * the ILB hairpin write-up §3.3 (workaround 3, an NGINX NVA): the proxy terminates its client's connection and,
   * for a GET, opens its own connection from its VM to an upstream, along the real path (which may
   * go through a load-balancer frontend), then answers its client with the upstream's status.
   * The upstream is chosen round robin over `proxyTo` (nginx's default balancing:
   * nginx.org/en/docs/http/ngx_http_upstream_module.html, "By default, requests are distributed
   * between the servers using a weighted round-robin balancing method"), per listener, in the order
   * the requests reach it.
   */
  private startProxy(host: Host, sock: Socket, listener: ListenerIn, path: string): void {
    sock.busy = true;
    const next = this.roundRobin.get(listener) ?? 0;
    this.roundRobin.set(listener, (next + 1) % listener.proxyTo.length);
    this.openUpstream({ host, sock, listener, path, first: next, tries: 0, answered: false });
  }

  private openUpstream(req: ProxyRequest): void {
    const n = req.listener.proxyTo.length;
    const target = req.listener.proxyTo[(req.first + req.tries) % n] as { address: number; port: number };
    req.tries++;
    const spec: ConnSpec = {
      name: `${req.sock.owner.id}>upstream`,
      from: req.host.name,
      protocol: 'Tcp',
      destination: target.address,
      destinationPort: target.port,
      sourcePort: null,
      http: req.path,
      durationUs: 0,
      dataEveryUs: 0,
    };
    const conn = this.newConn(
      spec,
      -1,
      req.tries - 1,
      `${req.sock.owner.id}>upstream${req.tries}`,
      req.host,
      req,
      null,
    );
    this.openConnection(conn);
  }

  /**
   * An upstream answered (`status`) or failed (null). On a failure nginx passes the request to the
   * next upstream (`proxy_next_upstream error timeout`, its default; each upstream tried once),
   * and when none is left answers 502 after an error or 504 after a timeout (nginx's
   * ngx_http_upstream_next).
   */
  private reportUpstream(conn: Conn, status: number | null): void {
    const req = conn.proxy;
    if (req === null || conn.reported || req.answered) return;
    conn.reported = true;
    if (status === null && req.tries < req.listener.proxyTo.length) {
      this.openUpstream(req);
      return;
    }
    req.answered = true;
    req.sock.busy = false;
    const answer = status ?? (conn.failure === 'timeout' ? GATEWAY_TIMEOUT : BAD_GATEWAY);
    if (req.sock.state !== 'ESTABLISHED') return;
    this.transport.sendSegment(req.host, req.sock, PSH | ACK, { kind: 'response', status: answer });
  }

  onAnswered(conn: Conn, host: Host, sock: Socket): void {
    if (conn.done) return;
    if (isLongUdp(conn)) {
      // Outcome of a long-lived UDP flow (see `isLongUdp`): decided by the first answer deadline.
      if (conn.outcome === 'pending') {
        conn.outcome = 'answered';
        this.core.cancel(conn.deadline);
        conn.deadline = null;
      }
      // Past its end, the flow only waited for this answer (see `onUdpEnd`).
      if (this.core.now >= conn.closeAtUs) {
        this.transport.removeSocket(host, sock);
        this.finish(conn);
      }
      return;
    }
    conn.outcome = 'answered';
    this.transport.removeSocket(host, sock);
    this.finish(conn);
  }

  onUnreachable(conn: Conn, host: Host, sock: Socket): void {
    if (conn.done) return;
    conn.outcome = 'unanswered';
    conn.reason = conn.doom ?? {
      code: 'NO_ANSWER',
      at: host.id,
      rule: null,
      detail: `${host.name} was told "Destination host unreachable".`,
    };
    this.core.cancel(conn.deadline);
    conn.deadline = null;
    this.transport.removeSocket(host, sock);
    this.finish(conn);
  }

  onAnswerDeadline(conn: Conn): void {
    if (conn.done) return;
    const host = conn.host;
    conn.outcome = 'unanswered';
    conn.reason = conn.doom ?? {
      code: 'NO_ANSWER',
      at: host?.id ?? `client:${conn.spec.from}`,
      rule: null,
      detail: `No answer reached ${host?.name ?? conn.spec.from} within ${ANSWER_WAIT_US / 1_000_000} s.`,
    };
    // A long-lived UDP flow keeps sending until its end (the application cannot tell a lost
    // datagram from a slow answer); its outcome stays unanswered.
    if (isLongUdp(conn) && this.core.now < conn.closeAtUs) return;
    if (host !== null && conn.socket !== null) this.transport.removeSocket(host, conn.socket);
    this.finish(conn);
  }

  /**
   * The end of a long-lived UDP flow (`duration` after its first datagram): no more datagrams; the
   * socket closes, so a later answer goes unanswered at the client. If the first datagram's answer
   * is still awaited (a `duration` shorter than ANSWER_WAIT_US), the socket waits for it first.
   */
  onUdpEnd(conn: Conn): void {
    if (conn.done) return;
    this.core.cancel(conn.tick);
    conn.tick = null;
    if (conn.outcome === 'pending') return;
    if (conn.host !== null && conn.socket !== null) this.transport.removeSocket(conn.host, conn.socket);
    this.finish(conn);
  }

  finish(conn: Conn): void {
    if (conn.done) return;
    conn.done = true;
    if (conn.ref !== null) conn.ref.finishUs = this.core.now;
    this.core.cancel(conn.timer);
    this.core.cancel(conn.deadline);
    this.core.cancel(conn.tick);
    conn.timer = null;
    conn.deadline = null;
    conn.tick = null;
    if (conn.host !== null && conn.source !== null) {
      conn.host.usedPorts.delete(portKey(conn.spec.protocol, conn.source.port));
    }
    if (conn.proxy !== null) {
      // An upstream that ended without an answer failed (a reset, or the kernel gave up: nginx
      // counts both as an error; its own timeouts set `failure` before).
      if (conn.http === null) this.reportUpstream(conn, null);
    } else {
      this.core.endConnection();
      if (this.core.bulk) {
        this.live.delete(conn);
        this.aggregate(conn);
      }
    }
    if (conn.inFlight === 0) this.core.release(conn);
  }

  aggregate(conn: Conn): void {
    const reason = rowReason(conn);
    const established = conn.outcome === 'established';
    this.aggregator.add(
      conn.outcome,
      reason === null ? null : reason.code,
      conn.backend,
      conn.http === null ? null : conn.http.status,
      established && conn.closed !== null ? conn.closed.by : null,
    );
  }
}

/** Assumption: a UDP or ICMP client waits 4 s for its answer (Windows ping's default timeout). */
const ANSWER_WAIT_US = 4_000_000;

/**
 * Assumption: once its GET is acknowledged, an HTTP client waits 300 s for the answer (Firefox's
 * `network.http.response.timeout` default), then gives up on HTTP and closes. A listener without
 * an `http` map never answers (scenario-format.md "Defaults"), so such a GET ends this way.
 */
const HTTP_RESPONSE_WAIT_US = 300_000_000;

/**
 * nginx defaults (nginx.org/en/docs/http/ngx_http_proxy_module.html): `proxy_connect_timeout 60s`
 * ("a timeout for establishing a connection with a proxied server") and `proxy_read_timeout 60s`
 * (for the response). A proxy is modelled as nginx with its defaults (assumption).
 */
const PROXY_CONNECT_TIMEOUT_US = 60_000_000;
const PROXY_READ_TIMEOUT_US = 60_000_000;

/**
 * nginx's answers when no upstream answered: 502 Bad Gateway after an error (a reset, or a connect
 * the kernel gave up on), 504 Gateway Timeout after its own timeout (ngx_http_upstream_next maps
 * NGX_HTTP_UPSTREAM_FT_TIMEOUT to 504 and other failures to 502).
 */
const BAD_GATEWAY = 502;
const GATEWAY_TIMEOUT = 504;

/**
 * A long-lived UDP flow: UDP traffic with `duration` > 0 and `dataEvery` > 0 (scenario-format.md
 * "traffic"). The client sends a datagram every `dataEvery` s until `duration` after the first, all
 * from one socket (one 4-tuple), and the listener answers each one (engine-model.md step 14), so the
 * load balancer's flow table keeps the flow, and moves it, or ends it (engine-model.md step 7 and
 * "Health probes"). Assumptions (the spec defines UDP outcomes for one datagram only):
 * - outcome `answered` when an answer reaches the client's socket within ANSWER_WAIT_US (4 s) of
 *   the first datagram, else `unanswered` (reason: the first doom, else NO_ANSWER); the socket
 *   cannot tell answers apart, so with `dataEvery` < 4 s an answer to a later datagram counts too.
 *   Later datagrams' fate does not change the outcome; the trace shows it (LB_NO_HEALTHY_BACKEND
 *   drops, a member change).
 * - `backend` is the member the first datagram was sent to (the first flow's choice), even when
 *   the flow later moves to another member.
 * - the connection ends at `duration` (its socket closes; an answer arriving later is dropped
 *   at the client), or later when the first answer deadline has not passed yet; `closed` stays
 *   null (the format reports it for established TCP connections only).
 * `duration` or `dataEvery` 0: one datagram, as before.
 */
function isLongUdp(conn: Conn): boolean {
  return conn.spec.protocol === 'Udp' && conn.spec.durationUs > 0 && conn.spec.dataEveryUs > 0;
}
