import type { Decision, EventRow, PacketView } from '../../sim/service';
import { useAppStore } from '../store';
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

const protoText = (p: PacketView): string =>
  `${p.protocol}${p.flags.length > 0 ? ` · ${p.flags.join(' ')}` : ''}${
    p.http !== null ? (p.http.kind === 'request' ? ` · GET ${p.http.path}` : ` · HTTP ${p.http.status}`) : ''
  }`;

/**
 * A NAT hop: before → after, one row per field; a rewritten field shows both values (the old one
 * struck through) on a highlighted row, an unchanged one its value once.
 */
function RewriteTable({ before, after }: { before: PacketView; after: PacketView }) {
  const rows = [
    { field: 'src', was: before.src, now: after.src },
    { field: 'dst', was: before.dst, now: after.dst },
    { field: 'proto', was: protoText(before), now: protoText(after) },
  ];
  return (
    <table className="rewrite-table" aria-label="Header before and after the rewrite">
      <colgroup>
        <col className="rewrite-field" />
        <col />
        <col className="rewrite-arrow" />
        <col />
      </colgroup>
      <thead>
        <tr>
          <th scope="col" className="rewrite-head">
            <span className="visually-hidden">Field</span>
          </th>
          <th scope="col" className="rewrite-head">
            Before
          </th>
          <td />
          <th scope="col" className="rewrite-head">
            After
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) =>
          r.was === r.now ? (
            <tr key={r.field} className="rewrite-row">
              <th scope="row" className="rewrite-name">
                {r.field}
              </th>
              <td colSpan={3} className="rewrite-same">
                {r.now}
                <span className="rewrite-same-note">unchanged</span>
              </td>
            </tr>
          ) : (
            <tr key={r.field} className="rewrite-row is-rewritten">
              <th scope="row" className="rewrite-name">
                {r.field}
              </th>
              <td className="rewrite-before">{r.was}</td>
              <td className="rewrite-to" aria-label="becomes">
                →
              </td>
              <td className="rewrite-after is-changed">{r.now}</td>
            </tr>
          ),
        )}
      </tbody>
    </table>
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
        {decision.admin !== undefined && decision.admin.length > 0 ? (
          <div className="decision-line">
            admin state {decision.admin.join(', ')} (Up: eligible whatever its probe; Down: no new flows)
          </div>
        ) : null}
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
      {e.kind === 'rewrite' && e.before !== null ? (
        <RewriteTable before={e.before} after={packet} />
      ) : (
        <Header packet={packet} changed={changed} />
      )}
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
  const close = () => useAppStore.getState().showPanel('element');
  const e = current?.event ?? null;
  const packet = e?.packet ?? null;
  const first = hops[0]?.event.packet ?? packet;
  const kind = first === null || e === null ? null : packetKind(first, e.connection);
  return (
    <aside className="app-inspector panel packet-inspector" aria-label="Packet inspector">
      <div className="packet-inspector-head">
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
        <button
          type="button"
          className="icon-button packet-inspector-close"
          onClick={close}
          aria-label="Close the packet inspector"
          title="Close the packet inspector"
        >
          ✕
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
