import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filterLibrary, parseLibraryIndex, tagsOf } from './library';

const INDEX = readFileSync(join(__dirname, '../../../public/library/index.json'), 'utf8');

describe('parseLibraryIndex', () => {
  it('reads the shipped index: every entry has a file, a title and a seed', () => {
    const { entries, problems } = parseLibraryIndex(INDEX);
    expect(problems).toEqual([]);
    expect(entries.length).toBeGreaterThanOrEqual(21);
    for (const e of entries) {
      expect(e.file).toMatch(/\.json$/);
      expect(e.title).not.toBe(e.file);
      expect(e.seed).toMatch(/the ILB hairpin write-up|Azure Load Balancer|Load Balancer probes|engine-model/);
    }
  });

  it('names a broken entry by its position and field, and keeps the others', () => {
    const { entries, problems } = parseLibraryIndex(
      JSON.stringify([{ file: 'a.json', title: 'A', tags: ['x', 3] }, { file: '../etc/passwd' }, 'no']),
    );
    expect(entries).toEqual([{ file: 'a.json', title: 'A', seed: '', tags: ['x'] }]);
    expect(problems).toEqual([
      'index.json[1].file: must be the name of a .json file beside it',
      'index.json[2]: must be an object',
    ]);
  });

  it('refuses what is not a list', () => {
    expect(parseLibraryIndex('{').problems).toEqual(['index.json is not JSON']);
    expect(parseLibraryIndex('{}').problems).toEqual(['index.json: must be a list of scenarios']);
  });
});

describe('filterLibrary', () => {
  const { entries } = parseLibraryIndex(INDEX);

  it('finds by every word of the query, in title, seed or tags', () => {
    const found = filterLibrary(entries, 'nsg DATA', null).map((e) => e.file);
    expect(found).toContain('nsg-blocks-data-port.json');
    expect(found).not.toContain('lab-baseline.json');
    expect(filterLibrary(entries, 'nsg blocks the data port', null).map((e) => e.file)).toEqual([
      'nsg-blocks-data-port.json',
    ]);
    expect(filterLibrary(entries, 'the ILB hairpin write-up', null).length).toBeGreaterThan(3);
    expect(filterLibrary(entries, 'no such thing', null)).toEqual([]);
  });

  it('narrows to a tag, and the tags come most used first', () => {
    const tags = tagsOf(entries);
    const first = tags[0] as string;
    const count = (t: string) => entries.filter((e) => e.tags.includes(t)).length;
    expect(count(first)).toBeGreaterThanOrEqual(count(tags[tags.length - 1] as string));
    const linux = filterLibrary(entries, '', 'linux');
    expect(linux.length).toBeGreaterThan(0);
    expect(linux.every((e) => e.tags.includes('linux'))).toBe(true);
    expect(filterLibrary(entries, '', null)).toHaveLength(entries.length);
  });
});
