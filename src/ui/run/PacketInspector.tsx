import type { Decision, EventRow, PacketView } from '../../sim/service';
import {
  changedFields,
  describeDecision,
  describeEvent,
  elementLabel,
  formatTime,
  PACKET_KIND_LABEL,
  packetKind,
  packetName,
} from './describe';
import { useRunStore } from './runStore';

function Header({ packet, changed }: { packet: PacketView; changed: readonly string[] }) {
  return (
    <dl className="header-fields">
      <dt>src</dt>
      <dd className={changed.includes('src') ? 'is-changed' : ''}>{packet.src}</dd>
      <dt>dst</dt>
      <dd className={changed.includes('dst') ? 'is-changed' : ''}>{packet.dst}</dd>
      <dt>proto</dt>
      <dd>
        {packet.protocol}
        {packet.flags.length > 0 ? ` · ${packet.flags.join(' ')}` : ''}
        {packet.http !== null
          ? packet.http.kind === 'request'
            ? ` · GET ${packet.http.path}`
            : ` · HTTP ${packet.http.status}`
          : ''}
      </dd>
    </dl>
  );
}

function DecisionView({ decision }: { decision: Decision }) {
  if (decision.kind === 'loadBalancingRule' || decision.kind === 'inboundNatRule') {
    return (
      <div className="decision">
        <div>
          <strong>{decision.kind === 'inboundNatRule' ? 'Inbound NAT rule' : 'Load-balancing rule'}</strong>{' '}
          {decision.rule} · {decision.distribution}
          {decision.floatingIp ? ' · floating IP' : ''}
        </div>
        <div className="decision-line">
          hash inputs <code>{decision.hashInputs.join(', ')}</code>
          {decision.hash !== null ? (
            <>
              {' '}
              → <code>{decision.hash}</code>
            </>
          ) : null}
        </div>
        <div className="decision-line">
          candidates {decision.candidates.join(', ') || 'none'} → chosen <strong>{decision.chosen}</strong>
        </div>
      </div>
    );
  }
  return <div className="decision">{describeDecision(decision)}</div>;
}

function Hop({ row, previous, current }: { row: EventRow; previous: PacketView | null; current: boolean }) {
  const e = row.event;
  const packet = e.packet as PacketView;
  const before = e.kind === 'rewrite' ? e.before : previous;
  const changed = before === null ? [] : changedFields(before, packet);
  return (
    <li className={`hop hop-${e.kind}${current ? ' is-current' : ''}`} aria-current={current ? 'step' : undefined}>
      <button type="button" className="hop-head" onClick={() => void useRunStore.getState().seekEvent(row.index)}>
        <span className="hop-time">{formatTime(e.at)}</span>
        <span className="hop-element">{elementLabel(e.element)}</span>
        <span className={`hop-kind kind-event-${e.kind}`}>{e.kind}</span>
      </button>
      {e.kind === 'rewrite' && e.before !== null && (
        <div className="hop-rewrite">
          <span className="muted">before</span> <Header packet={e.before} changed={changed} />
        </div>
      )}
      <Header packet={packet} changed={changed} />
      {e.decision !== null && <DecisionView decision={e.decision} />}
      {e.reason !== null && (
        <div className="hop-reason" role="note">
          <code className="reason-code">{e.reason.code}</code> {e.reason.detail}
        </div>
      )}
    </li>
  );
}

/**
 * The selected packet: its header at each hop, the fields a NAT changed highlighted, and what
 * decided at each hop (NSG rule, load-balancing rule with its hash inputs and chosen member, guest
 * route, socket). An event without a packet (a TCP state change, a scenario event) shows itself.
 */
export function PacketInspector() {
  const current = useRunStore((s) => s.current);
  const hops = useRunStore((s) => s.hops);
  const close = () => useRunStore.getState().setSide('element');
  const e = current?.event ?? null;
  const packet = e?.packet ?? null;
  const first = hops[0]?.event.packet ?? packet;
  const kind = first === null || e === null ? null : packetKind(first, e.connection);
  return (
    <aside className="app-inspector panel packet-inspector" aria-label="Packet inspector">
      <div className="inspector-head">
        <div>
          <div className="panel-heading">{packet === null ? 'Event' : 'Packet'}</div>
          <h2 className="inspector-title">
            {kind !== null && <span className={`packet-dot packet-${kind}`} aria-hidden="true" />}
            {packet === null
              ? e === null
                ? 'No event chosen'
                : e.kind
              : `${packetName(first ?? packet)} #${packet.id}`}
          </h2>
        </div>
        <button type="button" className="button button-quiet" onClick={close} title="Back to the element inspector">
          Element ✕
        </button>
      </div>
      {e === null ? (
        <p className="muted">Step through the run or choose an event in the list to inspect its packet.</p>
      ) : (
        <>
          <dl className="packet-facts">
            <dt>Event</dt>
            <dd>
              #{(current?.index ?? 0) + 1} at {formatTime(e.at)} · {elementLabel(e.element)}
            </dd>
            <dt>Happened</dt>
            <dd>{describeEvent(e)}</dd>
            <dt>Connection</dt>
            <dd>{e.connection ?? '—'}</dd>
            {kind !== null && (
              <>
                <dt>Kind</dt>
                <dd>{PACKET_KIND_LABEL[kind]}</dd>
              </>
            )}
          </dl>
          {packet === null ? (
            e.decision !== null && <DecisionView decision={e.decision} />
          ) : (
            <>
              <h3 className="run-subheading">Hops ({hops.length})</h3>
              <ol className="hops" aria-label="Hops">
                {hops.map((row, i) => (
                  <Hop
                    key={row.index}
                    row={row}
                    previous={i === 0 ? null : (hops[i - 1]?.event.packet ?? null)}
                    current={row.index === current?.index}
                  />
                ))}
              </ol>
            </>
          )}
        </>
      )}
    </aside>
  );
}
