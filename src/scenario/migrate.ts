/**
 * Migrations of the scenario document (tldraw's model): every change to the format is a named,
 * numbered step from version N-1 to N with its own test, and a guard test fails if a migration
 * was never exercised. Version 1 is the first entry: documents that predate `version` (written by
 * hand before the format was versioned) get `version: 1`.
 */
import { err, ok, type Result } from '../shared/result';
import { describeValue } from './shape';
import { type Diagnostic, SCENARIO_FORMAT, SCENARIO_VERSION } from './types';

type JsonObject = { [key: string]: unknown };

export interface Migration {
  /** The version this step produces. */
  readonly to: number;
  readonly name: string;
  readonly up: (document: JsonObject) => JsonObject;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    to: 1,
    name: 'add-version',
    // A document without `version` predates versioning; its fields are those of version 1.
    up: (document) => ({ ...document, version: 1 }),
  },
];

export interface Migrated {
  readonly document: JsonObject;
  /** The version the document was written in (0: no `version` field). */
  readonly fromVersion: number;
  readonly applied: readonly string[];
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks `format` and `version` and brings the document up to the current version. Refuses what
 * is not a scenario and what a newer Hairpin wrote.
 */
export function migrateScenario(
  input: unknown,
  migrations: readonly Migration[] = MIGRATIONS,
): Result<Migrated, Diagnostic> {
  if (!isObject(input)) {
    const got = Array.isArray(input) ? 'a list' : input === null ? 'null' : `a ${typeof input}`;
    return err({ path: '(document)', message: `a scenario must be a JSON object, got ${got}` });
  }
  if (input.format !== SCENARIO_FORMAT) {
    return err({
      path: 'format',
      message:
        input.format === undefined
          ? `missing: a scenario must say "format": "${SCENARIO_FORMAT}"`
          : `must be "${SCENARIO_FORMAT}", got ${describeValue(input.format)}: this is not a Hairpin scenario`,
    });
  }
  const current = migrations.reduce((v, m) => Math.max(v, m.to), 0);
  let version: number;
  if (input.version === undefined) {
    version = 0;
  } else if (typeof input.version === 'number' && Number.isInteger(input.version) && input.version >= 1) {
    version = input.version;
  } else {
    return err({ path: 'version', message: `must be a whole number from 1, got ${describeValue(input.version)}` });
  }
  if (version > current) {
    return err({
      path: 'version',
      message: `this scenario was written by a newer Hairpin (format version ${version}; this version reads up to ${current}): update Hairpin to open it`,
    });
  }
  let document = input;
  const applied: string[] = [];
  for (const migration of migrations) {
    if (migration.to > version) {
      document = migration.up(document);
      applied.push(`${migration.to}:${migration.name}`);
    }
  }
  return ok({ document, fromVersion: version, applied });
}

export const CURRENT_VERSION: number = SCENARIO_VERSION;
