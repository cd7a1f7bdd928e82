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
  {
    to: 2,
    name: 'ip-configurations',
    // ARM's shapes for what later work builds on: a NIC's address is its primary IP
    // configuration's, and a pool's members are backend addresses naming IP configurations.
    up: (document) => {
      const next = ipConfigurations(document);
      const lesson = next.lesson;
      // A lesson's solution is a merge patch: a list in it replaces the document's whole list, so
      // the VMs and load balancers it carries are written in the same version and move with it.
      if (isObject(lesson) && isObject(lesson.solution)) {
        next.lesson = { ...lesson, solution: ipConfigurations(lesson.solution) };
      }
      return { ...next, version: 2 };
    },
  },
];

/** The name version 2 gives the one IP configuration a version-1 NIC had (Azure's default name). */
export const FIRST_IP_CONFIGURATION = 'ipconfig1';

const NIC_ADDRESS_FIELDS = ['subnet', 'privateIPAddress', 'publicIPAddress'] as const;

/**
 * Version 1 → 2 of the VMs' NICs and the load balancers' pools in `document` (a document or a
 * lesson's solution). Total on any JSON: what is not an object or a list of the expected shape
 * is left as written, for validation to report at its path; a NIC that already has
 * `ipConfigurations` and a pool that already has `loadBalancerBackendAddresses` are left too.
 */
function ipConfigurations(document: JsonObject): JsonObject {
  const next = { ...document };
  if (Array.isArray(next.virtualMachines)) {
    next.virtualMachines = next.virtualMachines.map((vm: unknown) =>
      isObject(vm) && Array.isArray(vm.networkInterfaces)
        ? { ...vm, networkInterfaces: vm.networkInterfaces.map(nicToVersion2) }
        : vm,
    );
  }
  if (Array.isArray(next.loadBalancers)) {
    next.loadBalancers = next.loadBalancers.map((lb: unknown) =>
      isObject(lb) && Array.isArray(lb.backendAddressPools)
        ? { ...lb, backendAddressPools: lb.backendAddressPools.map(poolToVersion2) }
        : lb,
    );
  }
  return next;
}

function nicToVersion2(nic: unknown): unknown {
  if (!isObject(nic) || Object.hasOwn(nic, 'ipConfigurations')) return nic;
  if (!NIC_ADDRESS_FIELDS.some((field) => Object.hasOwn(nic, field))) return nic;
  const configuration: JsonObject = { name: FIRST_IP_CONFIGURATION };
  const rest: JsonObject = {};
  for (const [key, value] of Object.entries(nic)) {
    if ((NIC_ADDRESS_FIELDS as readonly string[]).includes(key)) configuration[key] = value;
    else if (key !== 'name') rest[key] = value;
  }
  // The NIC's name first, then its IP configurations, then the rest in their order.
  return Object.hasOwn(nic, 'name')
    ? { name: nic.name, ipConfigurations: [configuration], ...rest }
    : { ipConfigurations: [configuration], ...rest };
}

function poolToVersion2(pool: unknown): unknown {
  if (!isObject(pool) || Object.hasOwn(pool, 'loadBalancerBackendAddresses')) return pool;
  if (!Array.isArray(pool.networkInterfaces)) return pool;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(pool)) {
    if (key !== 'networkInterfaces') {
      out[key] = value;
      continue;
    }
    // A NIC's name becomes its (only) IP configuration's; what is not a name is kept for validation.
    out.loadBalancerBackendAddresses = pool.networkInterfaces.map((member: unknown) =>
      typeof member === 'string' ? { networkInterfaceIPConfiguration: `${member}/${FIRST_IP_CONFIGURATION}` } : member,
    );
  }
  return out;
}

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
