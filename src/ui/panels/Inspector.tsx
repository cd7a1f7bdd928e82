import { type Diagnostic, formatDiagnostic, type Scenario } from '../../scenario';
import {
  deleteElements,
  disconnect,
  duplicateElements,
  elementOfPath,
  getAt,
  locateElement,
  parseElementId,
  setField,
} from '../../scenario/edit';
import { SCENARIO, TRAFFIC } from '../../scenario/schema';
import { edgeIndexOf } from '../canvas/edgeIndex';
import { SCHEMA_OF, TRAFFIC_LIST } from '../inspector/config';
import { describeElement } from '../inspector/describe';
import { DiagnosticsProvider, FieldRow, ListTable, NameField, RecordForm } from '../inspector/forms';
import { JsonField } from '../inspector/JsonField';
import { KIND_INFO } from '../kinds';
import { Markdown } from '../markdown/Markdown';
import { useAppStore } from '../store';

const KIND_LABEL: { [kind: string]: string } = {
  rule: 'Load-balancing rule',
  natRule: 'Inbound NAT rule',
  outboundRule: 'Outbound rule',
  traffic: 'Traffic',
};
const kindLabel = (kind: string): string =>
  KIND_LABEL[kind] ?? KIND_INFO[kind as keyof typeof KIND_INFO]?.label ?? kind;

/**
 * The selected element with every field of the spec, editable (read-only in the viewer): ARM
 * names, Azure's defaults and ranges, inline problems from validation, and tables for the lists
 * an element holds. With nothing selected, the scenario itself: title, seed, traffic, events and
 * lesson.
 */
export function Inspector() {
  const selection = useAppStore((s) => s.selection);
  const one = selection.length === 1 ? (selection[0] as string) : null;
  return (
    <aside className="app-inspector panel" aria-label="Inspector">
      <DiagnosticsProvider>
        {selection.length > 1 ? (
          <MultiInspector ids={selection} />
        ) : one === null ? (
          <ScenarioInspector />
        ) : one.startsWith('edge:') ? (
          <RelationInspector id={one} />
        ) : (
          <ElementInspector id={one} />
        )}
      </DiagnosticsProvider>
    </aside>
  );
}

function Head({ kind, name, actions }: { kind: string; name: string; actions?: React.ReactNode }) {
  const select = useAppStore((s) => s.select);
  return (
    <div className="inspector-head">
      <div>
        <div className="inspector-kind">{kind}</div>
        <h2 className="inspector-name">{name}</h2>
      </div>
      <div className="inspector-actions">
        {actions}
        <button type="button" className="button button-quiet button-small" onClick={() => select(null)}>
          Close
        </button>
      </div>
    </div>
  );
}

function ElementProblems({ problems }: { problems: { d: Diagnostic; error: boolean }[] }) {
  const selectProblem = useAppStore((s) => s.selectProblem);
  const selection = useAppStore((s) => s.selection);
  if (problems.length === 0) return null;
  return (
    <ul className="problems inspector-problems" aria-label="Problems of this element">
      {problems.map(({ d, error }) => (
        <li key={`${error}${d.path}${d.message}`}>
          <button
            type="button"
            className={`problem ${error ? 'problem-error' : 'problem-warning'}`}
            onClick={() => selectProblem(selection[0] ?? null, d.path)}
          >
            <span className="problem-path">{d.path}</span> {d.message}
          </button>
        </li>
      ))}
    </ul>
  );
}

function ElementInspector({ id }: { id: string }) {
  const scenario = useAppStore((s) => s.scenario);
  const viewer = useAppStore((s) => s.viewer);
  const diagnostics = useAppStore((s) => s.diagnostics);
  const apply = useAppStore((s) => s.apply);
  const path = locateElement(scenario, id);
  const { kind, name, parent, child } = parseElementId(id);
  const schema = SCHEMA_OF[kind];

  if (path === null || schema === undefined) {
    const fallback = describeElement(scenario, id);
    if (fallback === null) return <p className="muted">This element is no longer in the scenario.</p>;
    return (
      <>
        <Head kind={fallback.kindLabel} name={fallback.name} />
        <dl className="fields">
          {fallback.fields.map((f) => (
            <div key={f.label} className="field">
              <dt>{f.label}</dt>
              <dd>{f.value}</dd>
            </div>
          ))}
        </dl>
      </>
    );
  }
  const own = [
    ...diagnostics.errors.map((d) => ({ d, error: true })),
    ...diagnostics.warnings.map((d) => ({ d, error: false })),
  ].filter(({ d }) => elementOfPath(scenario, d.path) === id);
  const item = getAt(scenario, path) as { name?: unknown };
  const shownName = kind === 'subnet' || kind === 'loopback' || child !== '' ? name : String(item.name ?? name);
  const actions = viewer ? null : (
    <>
      <button
        type="button"
        className="button button-small"
        onClick={() => apply((s) => duplicateElements(s, [id]), { select: 'result' })}
      >
        Duplicate
      </button>
      <button
        type="button"
        className="button button-small button-danger"
        onClick={() => apply((s) => deleteElements(s, [id]), { select: [] })}
      >
        Delete
      </button>
    </>
  );
  const owner =
    kind === 'subnet'
      ? ['virtual network', parent]
      : kind === 'loopback'
        ? ['virtual machine', parent]
        : child !== ''
          ? ['load balancer', parent]
          : null;
  const nicVm = kind === 'nic' ? String((getAt(scenario, path.slice(0, 2)) as { name?: unknown })?.name ?? '') : null;
  return (
    <>
      <Head kind={kindLabel(kind)} name={shownName} actions={actions} />
      {owner !== null && (
        <p className="inspector-owner">
          In {owner[0]} <strong>{owner[1]}</strong>
        </p>
      )}
      {nicVm !== null && (
        <p className="inspector-owner">
          On virtual machine <strong>{nicVm}</strong>
        </p>
      )}
      <ElementProblems problems={own} />
      <div className="form">
        <NameField elementId={id} name={String(item.name ?? '')} readOnly={viewer} />
      </div>
      <RecordForm scenario={scenario} schema={schema} path={path} readOnly={viewer} />
    </>
  );
}

const RELATION: { [relation: string]: string } = {
  member: 'Backend pool membership',
  probe: 'Health probe of a pool',
  nsg: 'NSG association',
  routeTable: 'Route table association',
};

function RelationInspector({ id }: { id: string }) {
  const apply = useAppStore((s) => s.apply);
  const viewer = useAppStore((s) => s.viewer);
  const ends = useAppStore((s) => edgeIndexOf(s.scenario).get(id));
  const relation = id.split(':')[1] ?? '';
  if (ends === undefined) return <p className="muted">This relation is no longer in the scenario.</p>;
  return (
    <>
      <Head kind="Relation" name={RELATION[relation] ?? relation} />
      <p className="inspector-description">
        <strong>{ends.source}</strong> → <strong>{ends.target}</strong>
      </p>
      {!viewer && ends.removable && (
        <button
          type="button"
          className="button button-danger"
          onClick={() => apply((s) => disconnect(s, ends.source, ends.target), { select: [] })}
        >
          Remove this relation
        </button>
      )}
      <p className="muted hint">Select the relation on the canvas and press Delete to remove it too.</p>
    </>
  );
}

function MultiInspector({ ids }: { ids: readonly string[] }) {
  const apply = useAppStore((s) => s.apply);
  const viewer = useAppStore((s) => s.viewer);
  const elements = ids.filter((id) => !id.startsWith('edge:'));
  return (
    <>
      <Head kind="Selection" name={`${ids.length} selected`} />
      <ul className="selection-list">
        {ids.map((id) => (
          <li key={id}>{id}</li>
        ))}
      </ul>
      {!viewer && (
        <div className="inspector-actions">
          <button
            type="button"
            className="button"
            onClick={() => apply((s) => duplicateElements(s, elements), { select: 'result' })}
          >
            Duplicate
          </button>
          <button
            type="button"
            className="button button-danger"
            onClick={() => apply((s) => deleteElements(s, elements), { select: [] })}
          >
            Delete
          </button>
        </div>
      )}
    </>
  );
}

function count(list: readonly unknown[] | undefined) {
  return Array.isArray(list) ? list.length : 0;
}

function ScenarioInspector() {
  const scenario = useAppStore((s) => s.scenario);
  const viewer = useAppStore((s) => s.viewer);
  const diagnostics = useAppStore((s) => s.diagnostics);
  const setBottomTab = useAppStore((s) => s.setBottomTab);
  const summary: [string, number][] = [
    ['Virtual machines', count(scenario.virtualMachines)],
    ['Load balancers', count(scenario.loadBalancers)],
    ['Clients', count(scenario.clients)],
    ['Traffic', count(scenario.traffic)],
  ];
  const problems = diagnostics.errors.length + diagnostics.warnings.length;
  return (
    <>
      <div className="inspector-kind">Scenario</div>
      <h2 className="inspector-name">{scenario.title?.trim() ? scenario.title : 'Untitled scenario'}</h2>
      {typeof scenario.description === 'string' && scenario.description !== '' && (
        <Markdown className="inspector-description" source={scenario.description} />
      )}
      <dl className="fields">
        {summary.map(([label, n]) => (
          <div key={label} className="field">
            <dt>{label}</dt>
            <dd>{n}</dd>
          </div>
        ))}
      </dl>
      <p className="inspector-problem-summary">
        {problems === 0 ? (
          <span className="muted">No problems: the scenario is valid.</span>
        ) : (
          <button type="button" className="link-button" onClick={() => setBottomTab('problems')}>
            {formatProblemCount(diagnostics.errors.length, diagnostics.warnings.length)} — see Problems
          </button>
        )}
      </p>
      <h3 className="inspector-section">Document</h3>
      <ScenarioFields scenario={scenario} readOnly={viewer} />
      <ListTable scenario={scenario} config={TRAFFIC_LIST} schema={TRAFFIC} path={['traffic']} readOnly={viewer} />
      <JsonField label="events" path={['events']} readOnly={viewer} />
      <JsonField label="lesson" path={['lesson']} readOnly={viewer} />
      {!viewer && (
        <p className="muted hint">Select an element on the canvas to edit it; drag from the palette to add one.</p>
      )}
    </>
  );
}

function ScenarioFields({ scenario, readOnly }: { scenario: Scenario; readOnly: boolean }) {
  return (
    <div className="form">
      {(['title', 'description', 'seed'] as const).map((field) => (
        <FieldRow
          key={field}
          scenario={scenario}
          schema={SCENARIO}
          field={field}
          spec={SCENARIO.fields[field] as NonNullable<(typeof SCENARIO.fields)[string]>}
          path={[]}
          readOnly={readOnly}
        />
      ))}
    </div>
  );
}

export function formatProblemCount(errors: number, warnings: number): string {
  return [
    errors > 0 && `${errors} error${errors === 1 ? '' : 's'}`,
    warnings > 0 && `${warnings} warning${warnings === 1 ? '' : 's'}`,
  ]
    .filter(Boolean)
    .join(', ');
}

export { formatDiagnostic, setField };
