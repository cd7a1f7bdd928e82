import { describe, expect, it } from 'vitest';
import { createDefaultScenario } from './defaultScenario';
import { MIGRATIONS, type Migration, migrateScenario } from './migrate';

/**
 * One document per migration, written in the version *before* it. The guard below fails when a
 * migration is added without a fixture here, so that no migration ships unexercised (tldraw).
 */
const BEFORE: Record<string, unknown> = {
  '1:add-version': (() => {
    const { version: _dropped, ...unversioned } = createDefaultScenario();
    return unversioned;
  })(),
};

describe('migrations', () => {
  it('1:add-version: a document without "version" becomes version 1 and keeps every other field', () => {
    const result = migrateScenario(BEFORE['1:add-version']);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.fromVersion).toBe(0);
    expect(result.value.applied).toEqual(['1:add-version']);
    expect(result.value.document).toEqual(createDefaultScenario());
  });

  it('guard: every migration is exercised by a fixture written before it', () => {
    const exercised = new Set<string>();
    for (const [name, document] of Object.entries(BEFORE)) {
      const result = migrateScenario(document);
      expect(result.ok, name).toBe(true);
      if (result.ok) for (const applied of result.value.applied) exercised.add(applied);
    }
    const all = MIGRATIONS.map((m) => `${m.to}:${m.name}`);
    expect(all.filter((m) => !exercised.has(m))).toEqual([]);
    expect(Object.keys(BEFORE).sort()).toEqual([...all].sort());
  });

  it('guard: migrations are numbered 1, 2, 3 … without gaps', () => {
    expect(MIGRATIONS.map((m) => m.to)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('runs later migrations in order and only those after the document version', () => {
    const steps: Migration[] = [
      ...MIGRATIONS,
      { to: 2, name: 'rename-x', up: (d) => ({ ...d, version: 2, y: d.x, x: undefined }) },
    ];
    const from1 = migrateScenario({ ...createDefaultScenario(), x: 5 }, steps);
    expect(from1.ok && from1.value.applied).toEqual(['2:rename-x']);
    expect(from1.ok && from1.value.document.y).toBe(5);
    const current = migrateScenario({ ...createDefaultScenario(), version: 2 }, steps);
    expect(current.ok && current.value.applied).toEqual([]);
  });

  it('refuses a document from a newer Hairpin with a clear message', () => {
    const result = migrateScenario({ ...createDefaultScenario(), version: 7 });
    expect(result).toEqual({
      ok: false,
      error: {
        path: 'version',
        message:
          'this scenario was written by a newer Hairpin (format version 7; this version reads up to 1): update Hairpin to open it',
      },
    });
  });

  it.each([
    [{ version: 1 }, 'format', 'missing: a scenario must say "format": "hairpin-scenario"'],
    [
      { format: 'excalidraw', version: 1 },
      'format',
      'must be "hairpin-scenario", got "excalidraw": this is not a Hairpin scenario',
    ],
    [{ format: 'hairpin-scenario', version: '1' }, 'version', 'must be a whole number from 1, got "1"'],
    [{ format: 'hairpin-scenario', version: 0.5 }, 'version', 'must be a whole number from 1, got 0.5'],
    [[1, 2], '(document)', 'a scenario must be a JSON object, got a list'],
    [null, '(document)', 'a scenario must be a JSON object, got null'],
    ['text', '(document)', 'a scenario must be a JSON object, got a string'],
  ])('refuses %j at %s', (document, path, message) => {
    expect(migrateScenario(document)).toEqual({ ok: false, error: { path, message } });
  });
});
