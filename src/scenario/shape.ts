/**
 * Walks a document against its schema (schema.ts) once, and reports three things:
 * - `errors`: every field of the wrong type, out of range, missing, or not one of its values;
 * - `warnings`: every unknown field (kept, never dropped: spec "Unknown fields are kept");
 * - `repairs` and the repaired `value`: an item the editor cannot represent (a required field
 *   missing or of the wrong type) is dropped; an optional field of the wrong type is removed so
 *   that its default applies. Out-of-range numbers are kept: the editor shows them as errors.
 */

import { clip, PATH_KEY_LIMIT, quote } from './limits';
import type { FieldSpec, FieldType, ObjectSchema } from './schema';
import type { Diagnostic } from './types';

export interface ShapeReport {
  readonly errors: Diagnostic[];
  readonly warnings: Diagnostic[];
  readonly repairs: Diagnostic[];
}

const DROP = Symbol('drop');
type Walked = unknown | typeof DROP;

export const joinPath = (base: string, key: string | number): string => {
  if (typeof key === 'number') return `${base}[${key}]`;
  // A field name can be megabytes long: the path repeats its start only, quoted.
  if (key.length > PATH_KEY_LIMIT) return `${base}[${quote(key, PATH_KEY_LIMIT)}]`;
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
};

const isObject = (v: unknown): v is { [key: string]: unknown } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sets an own property, even for keys such as "__proto__" that plain assignment would not keep. */
function setOwn(target: { [key: string]: unknown }, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return quote(value);
  // JSON.parse reads 1e999 as Infinity, which JSON cannot write back (it would be saved as null).
  if (typeof value === 'number' && !Number.isFinite(value)) return `${value} (a number too large for JSON)`;
  return clip(String(value));
}

/**
 * Every number that is not finite in a value the schema does not describe (an unknown field, a
 * lesson's solution), with its path: JSON.parse gives Infinity for 1e999, and saving the document
 * would turn it into null. Walked with an explicit stack, never recursion.
 */
function reportNonFinite(value: unknown, path: string, report: ShapeReport): void {
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0) {
    const [v, at] = stack.pop() as [unknown, string];
    if (typeof v === 'number' && !Number.isFinite(v)) {
      report.errors.push({ path: at, message: `must be a finite number, got ${describeValue(v)}` });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], joinPath(at, i)]);
    } else if (isObject(v)) {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) stack.push([v[keys[i] as string], joinPath(at, keys[i] as string)]);
    }
  }
}

function describeType(type: FieldType): string {
  switch (type.t) {
    case 'string':
      return 'text';
    case 'int':
      return `a whole number ${type.min}–${type.max}${type.unit ?? ''}`;
    case 'number':
      return `${type.orZero ? '0 or ' : ''}a number ${type.max === undefined ? `≥ ${type.min}` : `${type.min}–${type.max}`}${type.unit ?? ''}`;
    case 'bool':
      return 'true or false';
    case 'enum':
      return `one of ${type.values.join(', ')}`;
    case 'array':
      return 'a list';
    case 'object':
    case 'map':
    case 'union':
    case 'pick':
      return 'an object';
    case 'any':
      return 'a value';
  }
}

/** Why an item was dropped: an object missing a field is not "not an object". */
function droppedMessage(type: FieldType, item: unknown, what: 'item' | 'entry'): string {
  if (!isObject(item)) return `dropped: this ${what} is not ${describeType(type)}, got ${describeValue(item)}`;
  const label =
    type.t === 'object'
      ? type.schema.label
      : type.t === 'pick'
        ? type.pick(item).label
        : type.t === 'union'
          ? (Object.values(type.variants)[0]?.label ?? 'item')
          : null;
  return label === null
    ? `dropped: this ${what} is not ${describeType(type)}`
    : `dropped: this ${label} lacks a required field or has one of the wrong type (see the errors at this path)`;
}

/** Case-insensitive near miss, for "did you mean". */
function closeMatch(value: string, candidates: readonly string[]): string | undefined {
  const lower = value.toLowerCase();
  return candidates.find((c) => c.toLowerCase() === lower);
}

export function walkShape(type: FieldType, value: unknown, path: string, report: ShapeReport): Walked {
  const wrongType = (): typeof DROP => {
    report.errors.push({ path, message: `must be ${describeType(type)}, got ${describeValue(value)}` });
    return DROP;
  };
  switch (type.t) {
    case 'any':
      reportNonFinite(value, path, report);
      return value;
    case 'string':
      if (typeof value !== 'string') return wrongType();
      if (type.nonEmpty && value.trim() === '') {
        report.errors.push({ path, message: 'must not be empty' });
      }
      return value;
    case 'bool':
      return typeof value === 'boolean' ? value : wrongType();
    case 'int':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return wrongType();
      const outOfRange =
        !(type.t === 'number' && type.orZero === true && value === 0) &&
        (value < type.min || (type.max !== undefined && value > type.max));
      if ((type.t === 'int' && !Number.isInteger(value)) || outOfRange) {
        report.errors.push({ path, message: `must be ${describeType(type)}, got ${describeValue(value)}` });
      }
      return value;
    }
    case 'enum': {
      if (typeof value === 'string' && type.values.includes(value)) return value;
      const near = typeof value === 'string' ? closeMatch(value, type.values) : undefined;
      report.errors.push({
        path,
        message: `must be ${describeType(type)}, got ${describeValue(value)}${near ? ` (did you mean "${near}"?)` : ''}`,
      });
      return DROP;
    }
    case 'array': {
      if (!Array.isArray(value)) return wrongType();
      const out: unknown[] = [];
      value.forEach((item, index) => {
        const itemPath = joinPath(path, index);
        const walked = walkShape(type.of, item, itemPath, report);
        if (walked === DROP) {
          report.repairs.push({ path: itemPath, message: droppedMessage(type.of, item, 'item') });
        } else {
          out.push(walked);
        }
      });
      if (type.nonEmpty && value.length === 0) report.errors.push({ path, message: 'must list at least one item' });
      return out;
    }
    case 'map': {
      if (!isObject(value)) return wrongType();
      const out: { [key: string]: unknown } = {};
      for (const [key, item] of Object.entries(value)) {
        const itemPath = joinPath(path, key);
        const walked = walkShape(type.of, item, itemPath, report);
        if (walked === DROP) {
          report.repairs.push({ path: itemPath, message: droppedMessage(type.of, item, 'entry') });
        } else {
          setOwn(out, key, walked);
        }
      }
      return out;
    }
    case 'object':
      return walkObject(type.schema, value, path, report);
    case 'pick':
      return walkObject(type.pick(value), value, path, report);
    case 'union': {
      if (!isObject(value)) return wrongType();
      const tag = value[type.key];
      // Own keys only: a tag such as "constructor" must not find Object.prototype's.
      const variant = typeof tag === 'string' && Object.hasOwn(type.variants, tag) ? type.variants[tag] : undefined;
      if (variant === undefined) {
        const tags = Object.keys(type.variants);
        const near = typeof tag === 'string' ? closeMatch(tag, tags) : undefined;
        report.errors.push({
          path: joinPath(path, type.key),
          message:
            tag === undefined
              ? `missing: must be one of ${tags.join(', ')}`
              : `must be one of ${tags.join(', ')}, got ${describeValue(tag)}${near ? ` (did you mean "${near}"?)` : ''}`,
        });
        return DROP;
      }
      return walkObject(variant, value, path, report);
    }
  }
}

function walkObject(schema: ObjectSchema, value: unknown, path: string, report: ShapeReport): Walked {
  if (!isObject(value)) {
    // The root has no path of its own: name it as the parse and migrate steps do.
    report.errors.push({
      path: path === '' ? '(document)' : path,
      message: `must be an object (a ${schema.label}), got ${describeValue(value)}`,
    });
    return DROP;
  }
  const out: { [key: string]: unknown } = {};
  let broken = false;
  for (const [field, spec] of Object.entries(schema.fields)) {
    const fieldPath = joinPath(path, field);
    const fieldValue = value[field];
    if (fieldValue === undefined) {
      if (spec.required) {
        report.errors.push({ path: fieldPath, message: `missing: every ${schema.label} needs "${field}"` });
        broken = true;
      }
      continue;
    }
    if (fieldValue === null && spec.nullable) {
      out[field] = null;
      continue;
    }
    const walked = walkShape(spec.type, fieldValue, fieldPath, report);
    if (walked === DROP) {
      if (spec.required) broken = true;
      else
        report.repairs.push({ path: fieldPath, message: 'removed: its value was not usable, so the default applies' });
    } else {
      out[field] = walked;
    }
  }
  for (const [field, fieldValue] of Object.entries(value)) {
    if (Object.hasOwn(schema.fields, field)) continue;
    const known = Object.keys(schema.fields);
    const near = closeMatch(field, known);
    report.warnings.push({
      path: joinPath(path, field),
      message: near
        ? `unknown field (did you mean "${near}"?): kept as written, but Hairpin does not use it`
        : `unknown field: kept as written, but Hairpin does not use it`,
    });
    reportNonFinite(fieldValue, joinPath(path, field), report);
    setOwn(out, field, fieldValue);
  }
  return broken ? DROP : out;
}

/** Checks and repairs a whole object against its schema. `value` is null when the root itself is unusable. */
export function checkShape(schema: ObjectSchema, value: unknown, path = ''): ShapeReport & { value: unknown } {
  const report: ShapeReport = { errors: [], warnings: [], repairs: [] };
  const walked = walkObject(schema, value, path, report);
  return { ...report, value: walked === DROP ? null : walked };
}

/**
 * True when the value has every required field and every field has its type (ranges aside): the
 * same verdict as a `walkObject` that neither drops nor repairs, without building a copy, paths
 * or messages. rules/ asks it for every item of the document, so it must stay allocation-free.
 */
export function isWellTyped(schema: ObjectSchema, value: unknown): boolean {
  return conformsObject(schema, value);
}

function conformsObject(schema: ObjectSchema, value: unknown): boolean {
  if (!isObject(value)) return false;
  const fields = schema.fields;
  for (const field in fields) {
    if (!Object.hasOwn(fields, field)) continue;
    const spec = fields[field] as FieldSpec;
    const fieldValue = value[field];
    if (fieldValue === undefined) {
      if (spec.required) return false;
      continue;
    }
    if (fieldValue === null && spec.nullable) continue;
    // A required field of the wrong type drops the item; an optional one is a repair: either way, not well typed.
    if (!conformsType(spec.type, fieldValue)) return false;
  }
  return true;
}

function conformsType(type: FieldType, value: unknown): boolean {
  switch (type.t) {
    case 'any':
      return true;
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'int':
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'enum':
      return typeof value === 'string' && type.values.includes(value);
    case 'array':
      if (!Array.isArray(value)) return false;
      for (const item of value) if (!conformsType(type.of, item)) return false;
      return true;
    case 'map':
      if (!isObject(value)) return false;
      for (const item of Object.values(value)) if (!conformsType(type.of, item)) return false;
      return true;
    case 'object':
      return conformsObject(type.schema, value);
    case 'pick':
      return conformsObject(type.pick(value), value);
    case 'union': {
      if (!isObject(value)) return false;
      const tag = value[type.key];
      const variant = typeof tag === 'string' && Object.hasOwn(type.variants, tag) ? type.variants[tag] : undefined;
      return variant !== undefined && conformsObject(variant, value);
    }
  }
}
