import { type ReactNode, useMemo } from 'react';
import type { Traffic } from '../../scenario';
import { RANGES } from '../../scenario/defaults';
import { TIME_BOUNDS } from '../../scenario/schema';
import { useAppStore } from '../store';
import {
  addTraffic,
  destinationOptions,
  type PickOption,
  removeTraffic,
  setTrafficField,
  sourceOptions,
  type TrafficField,
} from './traffic';

function Options({ options, current }: { options: readonly PickOption[]; current: string }) {
  const groups = [...new Set(options.map((o) => o.group))];
  const known = options.some((o) => o.value === current);
  return (
    <>
      {!known && <option value={current}>{current === '' ? '(choose)' : `${current} (not in the scenario)`}</option>}
      {groups.map((g) => (
        <optgroup key={g} label={g}>
          {options
            .filter((o) => o.group === g)
            .map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
        </optgroup>
      ))}
    </>
  );
}

const numberOrUndefined = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

/**
 * One field of a traffic row: its caption above its input. Its own class, not `.field` (app.css:
 * the inspector's summary rows, whose border and padding drew a stray line under each input).
 */
function Field({ caption, className, children }: { caption: string; className?: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is `children`, inside the label
    <label className={`traffic-field${className === undefined ? '' : ` ${className}`}`}>
      <span>{caption}</span>
      {children}
    </label>
  );
}

/**
 * The numbers of a traffic row, in the order shown: empty is the default, shown as the
 * placeholder; `name` is the accessible name (with the traffic's name after it).
 */
const NUMBERS: readonly {
  readonly field: 'connections' | 'startAt' | 'interval' | 'duration' | 'sourcePort' | 'dataEvery';
  readonly caption: string;
  readonly name: string;
  readonly placeholder: string;
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
  readonly title?: string;
  /** Not for ICMP (no ports, no data segments). */
  readonly tcpUdpOnly?: boolean;
}[] = [
  {
    field: 'connections',
    caption: 'Count',
    name: 'Connections',
    placeholder: '1',
    min: RANGES.connections.min,
    max: RANGES.connections.max,
    step: 1,
  },
  { field: 'startAt', caption: 'Start s', name: 'Start at', placeholder: '0', max: TIME_BOUNDS.maxSeconds },
  { field: 'interval', caption: 'Every s', name: 'Interval', placeholder: '1', max: TIME_BOUNDS.maxSeconds },
  { field: 'duration', caption: 'Open s', name: 'Duration', placeholder: '0', max: TIME_BOUNDS.maxSeconds },
  {
    field: 'sourcePort',
    caption: 'Source port',
    name: 'Source port',
    placeholder: 'auto',
    min: RANGES.port.min,
    max: RANGES.port.max,
    step: 1,
    title: 'A fixed source port for every connection; empty: an ephemeral port each time',
    tcpUdpOnly: true,
  },
  {
    field: 'dataEvery',
    caption: 'Data every s',
    name: 'Data every',
    placeholder: 'none',
    max: TIME_BOUNDS.maxSeconds,
    title: `Seconds between data segments while the connection is open (at least ${TIME_BOUNDS.minDataEvery}); empty: none`,
    tcpUdpOnly: true,
  },
];

/** The number fields of `NUMBERS` from `from` up to `to`, for traffic `t` at `index`. */
function NumberFields({
  t,
  from,
  to,
  edit,
}: {
  t: Traffic;
  from: number;
  to?: number;
  edit: (field: TrafficField, value: number | undefined) => void;
}) {
  return (
    <>
      {NUMBERS.slice(from, to).map((n) => {
        const value = t[n.field];
        return (
          <Field key={n.field} caption={n.caption} className="field-number">
            <input
              type="number"
              min={n.min ?? 0}
              max={n.max}
              step={n.step ?? 'any'}
              aria-label={`${n.name} of ${t.name}`}
              title={n.title}
              value={typeof value === 'number' ? value : ''}
              placeholder={n.placeholder}
              disabled={n.tcpUdpOnly === true && t.protocol === 'Icmp'}
              onChange={(e) => edit(n.field, numberOrUndefined(e.target.value))}
            />
          </Field>
        );
      })}
    </>
  );
}

/** A value as the viewer reads it: the picker's label where there is one, a dash when unset. */
const shown = (value: unknown, unit = ''): string =>
  value === undefined || value === null || value === '' ? '—' : `${String(value)}${unit}`;

/**
 * The viewer's traffic (a `&view=1` link is read-only): the same fields as plain text in a table,
 * so nothing looks as if it could be changed.
 */
function TrafficTable({
  traffic,
  sources,
  destinations,
}: {
  traffic: readonly Traffic[];
  sources: readonly PickOption[];
  destinations: readonly PickOption[];
}) {
  const labelOf = (options: readonly PickOption[], value: string) =>
    options.find((o) => o.value === value)?.label ?? shown(value);
  return (
    <table className="traffic-table" aria-label="Traffic">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">From</th>
          <th scope="col">To</th>
          <th scope="col">Protocol</th>
          <th scope="col" className="is-number">
            Count
          </th>
          <th scope="col" className="is-number">
            Start
          </th>
          <th scope="col" className="is-number">
            Every
          </th>
          <th scope="col">HTTP path</th>
          <th scope="col" className="is-number">
            Open
          </th>
          <th scope="col" className="is-number">
            Source port
          </th>
          <th scope="col" className="is-number">
            Data every
          </th>
        </tr>
      </thead>
      <tbody>
        {traffic.map((t, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: names may repeat; the position keeps keys unique.
          <tr key={i}>
            <th scope="row">{t.name}</th>
            <td>{labelOf(sources, t.from)}</td>
            <td>{labelOf(destinations, t.to)}</td>
            <td>{(t.protocol ?? 'Tcp').toUpperCase()}</td>
            <td className="is-number">{shown(t.connections ?? 1)}</td>
            <td className="is-number">{shown(t.startAt ?? 0, ' s')}</td>
            <td className="is-number">{shown(t.interval ?? 1, ' s')}</td>
            <td>{shown(t.http)}</td>
            <td className="is-number">{shown(t.duration ?? 0, ' s')}</td>
            <td className="is-number">{typeof t.sourcePort === 'number' ? t.sourcePort : 'auto'}</td>
            <td className="is-number">{shown(t.dataEvery, ' s')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The scenario's traffic as forms: from (a client or VM), to (a frontend with its rule port, or a
 * host), protocol, how many connections and when, the HTTP path and how long each stays open.
 * Every change is an edit of the document through the store, so undo covers it. In the viewer,
 * a table of the same values instead.
 */
export function TrafficPanel() {
  const scenario = useAppStore((s) => s.scenario);
  const viewer = useAppStore((s) => s.viewer);
  const traffic = Array.isArray(scenario.traffic) ? scenario.traffic : [];
  const sources = useMemo(() => sourceOptions(scenario), [scenario]);
  const destinations = useMemo(() => destinationOptions(scenario), [scenario]);
  const edit = (index: number, field: TrafficField, value: unknown) =>
    useAppStore
      .getState()
      .apply((s) => setTrafficField(s, index, field, value), { coalesce: `traffic:${index}:${String(field)}` });

  if (viewer)
    return (
      <div className="traffic-panel">
        {traffic.length === 0 ? (
          <p className="muted">The scenario sends no traffic.</p>
        ) : (
          <TrafficTable traffic={traffic} sources={sources} destinations={destinations} />
        )}
      </div>
    );
  return (
    <div className="traffic-panel">
      {traffic.length === 0 && <p className="muted">The scenario sends no traffic. Add some to run it.</p>}
      {traffic.map((t: Traffic, i) => {
        const protocol = t.protocol ?? 'Tcp';
        const label = (what: string) => `${what} of ${t.name}`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: names may repeat while being edited; the position keeps keys unique.
          <fieldset key={i} className="traffic-row">
            <legend className="visually-hidden">Traffic {t.name}</legend>
            <Field caption="Name" className="field-name">
              <input aria-label={label('Name')} value={t.name} onChange={(e) => edit(i, 'name', e.target.value)} />
            </Field>
            <Field caption="From" className="field-wide">
              <select aria-label={label('From')} value={t.from} onChange={(e) => edit(i, 'from', e.target.value)}>
                <Options options={sources} current={t.from} />
              </select>
            </Field>
            <Field caption="To" className="field-wide">
              <select aria-label={label('To')} value={t.to} onChange={(e) => edit(i, 'to', e.target.value)}>
                <Options options={destinations} current={t.to} />
              </select>
            </Field>
            <Field caption="Protocol">
              <select
                aria-label={label('Protocol')}
                value={protocol}
                onChange={(e) => edit(i, 'protocol', e.target.value === 'Tcp' ? undefined : e.target.value)}
              >
                <option value="Tcp">TCP</option>
                <option value="Udp">UDP</option>
                <option value="Icmp">ICMP</option>
              </select>
            </Field>
            <NumberFields t={t} from={0} to={3} edit={(field, v) => edit(i, field, v)} />
            <Field caption="HTTP path">
              <input
                aria-label={label('HTTP path')}
                value={t.http ?? ''}
                placeholder="none"
                disabled={protocol !== 'Tcp'}
                onChange={(e) => edit(i, 'http', e.target.value === '' ? undefined : e.target.value)}
              />
            </Field>
            <NumberFields t={t} from={3} edit={(field, v) => edit(i, field, v)} />
            <button
              type="button"
              className="button button-quiet traffic-remove"
              aria-label={`Remove traffic ${t.name}`}
              title="Remove this traffic"
              onClick={() => useAppStore.getState().apply((s) => removeTraffic(s, i))}
            >
              ✕
            </button>
          </fieldset>
        );
      })}
      <button
        type="button"
        className="button traffic-add"
        onClick={() => useAppStore.getState().apply((s) => addTraffic(s))}
      >
        + Add traffic
      </button>
    </div>
  );
}
