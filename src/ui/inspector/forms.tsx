/**
 * Schema-driven editing: one form row per field of scenario/schema.ts, labelled with its ARM name,
 * showing Azure's default and range, and the validation problems whose path is that field's.
 * Every change goes through the store's `apply`, so it is undoable; typing in one field within a
 * moment is one undo step.
 */
import {
  createContext,
  Fragment,
  type ReactNode,
  useContext,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { Diagnostic, Scenario } from '../../scenario';
import {
  addElement,
  appendItem,
  deleteElements,
  getAt,
  moveItem,
  type NewElementKind,
  removeItem,
  renameElement,
  setField,
  swapPriority,
} from '../../scenario/edit';
import type { FieldSpec, FieldType, ObjectSchema } from '../../scenario/schema';
import { joinPath } from '../../scenario/shape';
import { keyboardPlacement } from '../canvas/geometry';
import { useAppStore } from '../store';
import {
  COLUMN_HEADINGS,
  COLUMN_WIDTHS,
  defaultOf,
  type Key,
  LISTS,
  type ListConfig,
  referenceOptions,
  rowElementId,
} from './config';

type Obj = { readonly [key: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const pathText = (path: readonly Key[]): string => path.reduce<string>((p, k) => joinPath(p, k), '');

/** The diagnostics of the document, by path, shared by every field of the inspector. */
const DiagnosticsContext = createContext<{ errors: readonly Diagnostic[]; warnings: readonly Diagnostic[] }>({
  errors: [],
  warnings: [],
});

export function DiagnosticsProvider({ children }: { children: ReactNode }) {
  const diagnostics = useAppStore((s) => s.diagnostics);
  return <DiagnosticsContext.Provider value={diagnostics}>{children}</DiagnosticsContext.Provider>;
}

const under = (d: Diagnostic, path: string) =>
  d.path === path || d.path.startsWith(`${path}[`) || d.path.startsWith(`${path}.`);

/** The problems at `path` and below it. */
export function useProblemsAt(path: string, exact = false): { errors: Diagnostic[]; warnings: Diagnostic[] } {
  const all = useContext(DiagnosticsContext);
  return useMemo(
    () => ({
      errors: all.errors.filter((d) => (exact ? d.path === path : under(d, path))),
      warnings: all.warnings.filter((d) => (exact ? d.path === path : under(d, path))),
    }),
    [all, path, exact],
  );
}

function describeRange(type: FieldType): string | undefined {
  if (type.t === 'int' || type.t === 'number') {
    const zero = type.t === 'number' && type.orZero === true ? '0 or ' : '';
    if (type.max === undefined || type.max > 1e9) return `${zero}≥ ${type.min}${type.unit ?? ''}`;
    return `${zero}${type.min}–${type.max}${type.unit ?? ''}`;
  }
  return undefined;
}

function edit(path: readonly Key[], value: unknown) {
  useAppStore.getState().apply((s) => setField(s, path, value), { coalesce: pathText(path) });
}

/** Text → the value written: a number when it reads as one, nothing when empty (the default). */
function parseScalar(type: FieldType, text: string): unknown {
  if (text.trim() === '') return undefined;
  if (type.t === 'int' || type.t === 'number') {
    const n = Number(text);
    // Not a number yet: kept as typed, so that validation says what is wrong with it.
    return Number.isFinite(n) ? n : text;
  }
  return text;
}

function formatHttp(value: unknown): string {
  if (!isObj(value)) return typeof value === 'string' ? value : '';
  return Object.entries(value)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
}
function parseHttp(text: string): unknown {
  if (text.trim() === '') return undefined;
  const out: { [path: string]: number } = {};
  for (const part of text.split(',')) {
    const [path, status] = part.trim().split(/\s+/);
    if (path === undefined || status === undefined || !/^\d+$/.test(status)) return text;
    out[path] = Number(status);
  }
  return out;
}

/**
 * An ARM field name that may wrap only between its words (`noHealthy·Backends·Behavior`,
 * `private·IP·Address`), never mid-word; its text, and so its accessible name, is unchanged.
 */
export function FieldName({ name }: { name: string }) {
  const words = name.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/);
  return (
    <>
      {words.map((word, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the words of one name never move
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {word}
        </Fragment>
      ))}
    </>
  );
}

interface FieldProps {
  readonly scenario: Scenario;
  readonly schema: ObjectSchema;
  readonly field: string;
  readonly spec: FieldSpec;
  readonly path: readonly Key[];
  readonly readOnly: boolean;
}

/** One field: label (its ARM name), the input, the default and range, and its problems. */
export function FieldRow({ scenario, schema, field, spec, path, readOnly }: FieldProps) {
  const id = useId();
  const fieldPath = [...path, field];
  const text = pathText(fieldPath);
  const value = getAt(scenario, fieldPath);
  const { errors, warnings } = useProblemsAt(text);
  const fallback = spec.required ? undefined : defaultOf(scenario, schema, field, path);
  const range = describeRange(spec.type);
  const focusPath = useAppStore((s) => s.focusPath);
  const ref = useRef<HTMLDivElement>(null);
  const focused = focusPath !== null && (focusPath === text || focusPath.startsWith(`${text}[`));
  useEffect(() => {
    if (!focused || ref.current === null) return;
    ref.current.scrollIntoView({ block: 'center' });
    ref.current.querySelector<HTMLElement>('input, select, textarea')?.focus({ preventScroll: true });
  }, [focused]);

  const type = spec.type;
  const options = referenceOptions(scenario, schema, field, path);
  const describedBy = errors.length + warnings.length > 0 ? `${id}-problems` : undefined;
  const common = {
    id,
    disabled: readOnly,
    'aria-required': spec.required ? true : undefined,
    'aria-invalid': errors.length > 0 ? true : undefined,
    'aria-describedby': describedBy,
  } as const;

  let input: ReactNode;
  if (type.t === 'enum' || type.t === 'bool' || options !== null) {
    const values = type.t === 'enum' ? type.values : type.t === 'bool' ? ['true', 'false'] : (options ?? []);
    const current = value === undefined ? '' : String(value);
    const list = current !== '' && !values.includes(current) ? [...values, current] : values;
    const none = fallback !== undefined ? `default (${fallback})` : spec.required ? 'choose…' : 'none';
    input = (
      <select
        {...common}
        value={current}
        title={current === '' ? none : current}
        onChange={(e) => {
          const v = e.target.value;
          edit(fieldPath, v === '' ? undefined : type.t === 'bool' ? v === 'true' : v);
        }}
      >
        {(!spec.required || value === undefined) && <option value="">{none}</option>}
        {list.map((v) => (
          <option key={v} value={v}>
            {v}
            {!values.includes(v) ? ' (missing)' : ''}
          </option>
        ))}
      </select>
    );
  } else if (type.t === 'array' && type.of.t === 'string') {
    input = (
      <input
        {...common}
        type="text"
        value={Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : ''}
        placeholder={fallback !== undefined ? `default ${fallback}` : 'comma-separated'}
        onChange={(e) => {
          const parts = e.target.value
            .split(',')
            .map((p) => p.trim())
            .filter((p) => p !== '');
          edit(fieldPath, e.target.value.trim() === '' ? (spec.required ? [] : undefined) : parts);
        }}
      />
    );
  } else if (type.t === 'map') {
    input = (
      <input
        {...common}
        type="text"
        value={formatHttp(value)}
        placeholder="/ 200, /health 200"
        onChange={(e) => edit(fieldPath, parseHttp(e.target.value))}
      />
    );
  } else if (field === 'description' && type.t === 'string') {
    input = (
      <textarea
        {...common}
        rows={3}
        value={typeof value === 'string' ? value : ''}
        onChange={(e) => edit(fieldPath, e.target.value === '' ? undefined : e.target.value)}
      />
    );
  } else {
    const shown = value === undefined || value === null ? '' : String(value);
    input = (
      <input
        {...common}
        type="text"
        inputMode={type.t === 'int' || type.t === 'number' ? 'numeric' : undefined}
        value={shown}
        placeholder={fallback !== undefined ? `default ${fallback}` : (range ?? '')}
        onChange={(e) =>
          edit(fieldPath, spec.nullable && e.target.value === '' ? undefined : parseScalar(type, e.target.value))
        }
      />
    );
  }

  return (
    <div
      ref={ref}
      className={`form-row${errors.length > 0 ? ' has-error' : warnings.length > 0 ? ' has-warning' : ''}${focused ? ' is-focused' : ''}`}
    >
      <label htmlFor={id} className={`form-label${spec.required ? ' is-required' : ''}`}>
        <FieldName name={field} />
      </label>
      <div className="form-input">
        {input}
        {range !== undefined && <span className="form-hint">{range}</span>}
      </div>
      {describedBy !== undefined && (
        <ul id={describedBy} className="form-problems">
          {errors.map((d) => (
            <li key={`e${d.path}${d.message}`} className="form-error">
              {d.message}
            </li>
          ))}
          {warnings.map((d) => (
            <li key={`w${d.path}${d.message}`} className="form-warning">
              {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The name of an element: renamed when the field is left or Enter pressed, every reference following. */
export function NameField({
  elementId,
  name,
  readOnly,
}: {
  elementId: string | null;
  name: string;
  readOnly: boolean;
}) {
  const id = useId();
  const [draft, setDraft] = useState(name);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setDraft(name);
    setProblem(null);
  }, [name]);
  const commit = () => {
    if (draft === name || elementId === null) return;
    const result = renameElement(useAppStore.getState().scenario, elementId, draft);
    if (!result.ok) {
      setProblem(result.reason);
      return;
    }
    setProblem(null);
    useAppStore.getState().apply(() => result, { select: elementId.startsWith('traffic:') ? [] : 'result' });
  };
  return (
    <div className={`form-row${problem !== null ? ' has-error' : ''}`}>
      <label htmlFor={id} className="form-label is-required">
        name
      </label>
      <div className="form-input">
        <input
          id={id}
          type="text"
          value={draft}
          disabled={readOnly}
          aria-invalid={problem !== null ? true : undefined}
          aria-describedby={problem !== null ? `${id}-problem` : undefined}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'Escape') setDraft(name);
          }}
        />
      </div>
      {problem !== null && (
        <ul id={`${id}-problem`} className="form-problems">
          <li className="form-error">{problem}</li>
        </ul>
      )}
    </div>
  );
}

const isNestedObject = (t: FieldType) => t.t === 'object';
const isTable = (t: FieldType) => t.t === 'array' && t.of.t === 'object';

/**
 * Every field of `schema` for the object at `path`: scalars first, then nested objects (a VM's
 * Linux settings and firewall) and nested lists as tables. `name` is left to the caller.
 */
export function RecordForm({
  scenario,
  schema,
  path,
  readOnly,
  skipName = true,
}: {
  scenario: Scenario;
  schema: ObjectSchema;
  path: readonly Key[];
  readOnly: boolean;
  skipName?: boolean;
}) {
  const fields = Object.entries(schema.fields).filter(([f]) => !(skipName && f === 'name'));
  const scalars = fields.filter(
    ([, spec]) => !isNestedObject(spec.type) && !isTable(spec.type) && spec.type.t !== 'any',
  );
  const objects = fields.filter(([, spec]) => isNestedObject(spec.type));
  const tables = fields.filter(([, spec]) => isTable(spec.type));
  return (
    <>
      <div className="form">
        {scalars.map(([field, spec]) => (
          <FieldRow
            key={field}
            scenario={scenario}
            schema={schema}
            field={field}
            spec={spec}
            path={path}
            readOnly={readOnly}
          />
        ))}
      </div>
      {objects.map(([field, spec]) => (
        <NestedObject key={field} scenario={scenario} field={field} spec={spec} path={path} readOnly={readOnly} />
      ))}
      {tables.map(([field, spec]) => {
        const config = LISTS[schema.label]?.[field];
        if (config === undefined || spec.type.t !== 'array' || spec.type.of.t !== 'object') return null;
        const owner = getAt(scenario, path.slice(0, 2)) as Obj | undefined;
        const kind = config.create === undefined ? config.element : undefined;
        const ownerKind = { frontend: 'lb', pool: 'lb', probe: 'lb', nic: 'vm', loopback: 'vm', subnet: 'vnet' }[
          kind ?? ''
        ];
        const onAdd =
          kind !== undefined && ownerKind !== undefined && typeof owner?.name === 'string'
            ? () => {
                const state = useAppStore.getState();
                const ownerId = `${ownerKind}:${owner.name}`;
                const placement = keyboardPlacement(state.scenario, [ownerId], kind as NewElementKind);
                // The owner stays selected: the new row appears in this table.
                state.apply((s) => addElement(s, kind as NewElementKind, placement));
              }
            : undefined;
        return (
          <ListTable
            key={field}
            scenario={scenario}
            config={config}
            schema={spec.type.of.schema}
            path={[...path, field]}
            readOnly={readOnly}
            {...(onAdd !== undefined ? { onAdd } : {})}
          />
        );
      })}
    </>
  );
}

/** A nested settings object (a VM's `linux`, `firewall`): absent until the user adds it. */
function NestedObject({
  scenario,
  field,
  spec,
  path,
  readOnly,
}: {
  scenario: Scenario;
  field: string;
  spec: FieldSpec;
  path: readonly Key[];
  readOnly: boolean;
}) {
  if (spec.type.t !== 'object') return null;
  const schema = spec.type.schema;
  const value = getAt(scenario, [...path, field]);
  return (
    <section className="form-section" aria-label={field}>
      <div className="form-section-head">
        <h3 className="inspector-section">
          {field} <span className="muted">({schema.label})</span>
        </h3>
        {!readOnly &&
          (value === undefined ? (
            <button
              type="button"
              className="button button-small"
              onClick={() => useAppStore.getState().apply((s) => setField(s, [...path, field], {}))}
            >
              Add {field}
            </button>
          ) : (
            <button
              type="button"
              className="button button-small button-quiet"
              onClick={() => useAppStore.getState().apply((s) => setField(s, [...path, field], undefined))}
            >
              Remove
            </button>
          ))}
      </div>
      {isObj(value) && (
        <RecordForm scenario={scenario} schema={schema} path={[...path, field]} readOnly={readOnly} skipName={false} />
      )}
    </section>
  );
}

function cell(value: unknown): string {
  if (value === undefined) return '—';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(String).join(', ');
  if (isObj(value)) return Object.keys(value).join(', ');
  return String(value);
}

/**
 * A nested list as a table: one line per item with its key columns, expanded into its full form
 * when clicked; add, move up and down (NSG rules: swap priorities, since priority orders them),
 * and delete. Rows that are elements (probes, NICs …) are renamed and deleted through edit.ts so
 * that references follow.
 */
export function ListTable({
  scenario,
  config,
  schema,
  path,
  readOnly,
  onAdd,
}: {
  scenario: Scenario;
  config: ListConfig;
  schema: ObjectSchema;
  path: readonly Key[];
  readOnly: boolean;
  /** Adds a row when the list's rows are elements made by edit.ts `addElement`. */
  onAdd?: () => void;
}) {
  const raw = getAt(scenario, path);
  const rows = (Array.isArray(raw) ? raw : []).map((row, index) => ({ row, index })).filter(({ row }) => isObj(row));
  const [open, setOpen] = useState<number | null>(config.openSingle === true && rows.length === 1 ? 0 : null);
  // A problem chosen in a row (its field's path under this list) opens that row, so the field can take focus.
  const focusPath = useAppStore((s) => s.focusPath);
  const listText = pathText(path);
  useEffect(() => {
    if (focusPath === null || !focusPath.startsWith(`${listText}[`)) return;
    const index = Number.parseInt(focusPath.slice(listText.length + 1), 10);
    if (Number.isInteger(index)) setOpen(index);
  }, [focusPath, listText]);
  const ordered = config.byPriority
    ? [...rows].sort((a, b) => {
        const ra = a.row as Obj;
        const rb = b.row as Obj;
        return String(ra.direction).localeCompare(String(rb.direction)) || Number(ra.priority) - Number(rb.priority);
      })
    : rows;
  const { errors } = useProblemsAt(pathText(path));
  const apply = useAppStore.getState().apply;
  const add =
    onAdd ??
    (config.create !== undefined ? () => apply((s) => appendItem(s, path, config.create?.(s, path))) : undefined);

  const move = (index: number, step: -1 | 1) => {
    if (config.byPriority) apply((s) => swapPriority(s, path.slice(0, -1), index, step));
    else apply((s) => moveItem(s, path, index, index + step));
    if (open === index) setOpen(config.byPriority ? index : index + step);
  };
  const remove = (index: number, row: Obj) => {
    const id = rowElementId(scenario, config, path, row);
    if (id !== null && !id.startsWith('traffic:')) apply((s) => deleteElements(s, [id]));
    else apply((s) => removeItem(s, [...path, index]));
    setOpen(null);
  };

  return (
    <section className="form-section" aria-label={config.title}>
      <div className="form-section-head">
        <h3 className="inspector-section">
          {config.title} <span className="muted">({rows.length})</span>
        </h3>
        {!readOnly && add !== undefined && (
          <button type="button" className="button button-small" onClick={add} aria-label={`Add to ${config.title}`}>
            + Add
          </button>
        )}
      </div>
      {rows.length > 0 && (
        <table className="list-table" aria-label={config.title}>
          <thead>
            <tr>
              {config.columns.map((c) => (
                <th key={c} scope="col" title={c} style={{ width: COLUMN_WIDTHS[c] }}>
                  {COLUMN_HEADINGS[c] ?? <FieldName name={c} />}
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {ordered.map(({ row, index }, position) => {
              const item = row as Obj;
              const rowPath = pathText([...path, index]);
              const bad = errors.some(
                (d) => d.path === rowPath || d.path.startsWith(`${rowPath}.`) || d.path.startsWith(`${rowPath}[`),
              );
              // A row without a name (a pool member) is named by its first column (its IP configuration).
              const first = config.columns[0] === undefined ? undefined : item[config.columns[0]];
              const label =
                typeof item.name === 'string' ? item.name : typeof first === 'string' ? first : `item ${index + 1}`;
              const direction = String(item.direction);
              const groupHead =
                config.byPriority === true &&
                (position === 0 || String((ordered[position - 1]?.row as Obj | undefined)?.direction) !== direction);
              return (
                <RowGroup key={index} expanded={open === index}>
                  {groupHead && (
                    <tr className="list-group">
                      <th scope="colgroup" colSpan={config.columns.length + 1}>
                        {direction}
                      </th>
                    </tr>
                  )}
                  <tr className={`list-row${open === index ? ' is-open' : ''}${bad ? ' has-error' : ''}`}>
                    {config.columns.map((c, i) => (
                      <td key={c}>
                        {i === 0 ? (
                          <button
                            type="button"
                            className="row-toggle"
                            aria-expanded={open === index}
                            aria-label={`${open === index ? 'Collapse' : 'Edit'} ${label}`}
                            onClick={() => setOpen(open === index ? null : index)}
                          >
                            {bad && (
                              <span className="row-bad" aria-hidden="true">
                                !
                              </span>
                            )}
                            {cell(item[c])}
                          </button>
                        ) : (
                          cell(item[c])
                        )}
                        {c === 'name' && config.summary !== undefined && (
                          <span className="list-row-summary" title={config.summary(item)}>
                            {config.summary(item)}
                          </span>
                        )}
                      </td>
                    ))}
                    <td className="row-actions">
                      {!readOnly && (
                        <>
                          <button
                            type="button"
                            className="icon-button"
                            aria-label={`Move ${label} up`}
                            disabled={position === 0}
                            onClick={() => move(index, -1)}
                          >
                            ↑
                          </button>
                          <button
                            type="button"
                            className="icon-button"
                            aria-label={`Move ${label} down`}
                            disabled={position === ordered.length - 1}
                            onClick={() => move(index, 1)}
                          >
                            ↓
                          </button>
                          <button
                            type="button"
                            className="icon-button icon-danger"
                            aria-label={`Delete ${label}`}
                            onClick={() => remove(index, item)}
                          >
                            ×
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                  {open === index && (
                    <tr className="list-detail">
                      <td colSpan={config.columns.length + 1}>
                        {typeof item.name === 'string' &&
                          (rowElementId(scenario, config, path, item) !== null ? (
                            <NameField
                              elementId={rowElementId(scenario, config, path, item)}
                              name={item.name}
                              readOnly={readOnly}
                            />
                          ) : (
                            <FieldRow
                              scenario={scenario}
                              schema={schema}
                              field="name"
                              spec={schema.fields.name as FieldSpec}
                              path={[...path, index]}
                              readOnly={readOnly}
                            />
                          ))}
                        <RecordForm scenario={scenario} schema={schema} path={[...path, index]} readOnly={readOnly} />
                      </td>
                    </tr>
                  )}
                </RowGroup>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function RowGroup({ children }: { children: ReactNode; expanded: boolean }) {
  return <>{children}</>;
}
