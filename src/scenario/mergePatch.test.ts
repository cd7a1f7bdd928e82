/**
 * mergePatch: RFC 7386 §2, checked against every example of the RFC (§3 and Appendix A) and
 * against what a lesson solution needs (no mutation, no shared objects, `__proto__` kept).
 */
import { describe, expect, it } from 'vitest';
import { mergePatch } from './mergePatch';

describe('RFC 7386 Appendix A: every example', () => {
  // The table of Appendix A, in its order: original, patch, result.
  const cases: [string, string, string][] = [
    ['{"a":"b"}', '{"a":"c"}', '{"a":"c"}'],
    ['{"a":"b"}', '{"b":"c"}', '{"a":"b","b":"c"}'],
    ['{"a":"b"}', '{"a":null}', '{}'],
    ['{"a":"b","b":"c"}', '{"a":null}', '{"b":"c"}'],
    ['{"a":["b"]}', '{"a":"c"}', '{"a":"c"}'],
    ['{"a":"c"}', '{"a":["b"]}', '{"a":["b"]}'],
    ['{"a":{"b":"c"}}', '{"a":{"b":"d","c":null}}', '{"a":{"b":"d"}}'],
    ['{"a":[{"b":"c"}]}', '{"a":[1]}', '{"a":[1]}'],
    ['["a","b"]', '["c","d"]', '["c","d"]'],
    ['{"a":"b"}', '["c"]', '["c"]'],
    ['{"a":"foo"}', 'null', 'null'],
    ['{"a":"foo"}', '"bar"', '"bar"'],
    ['{"e":null}', '{"a":1}', '{"e":null,"a":1}'],
    ['[1,2]', '{"a":"b","c":null}', '{"a":"b"}'],
    ['{}', '{"a":{"bb":{"ccc":null}}}', '{"a":{"bb":{}}}'],
  ];
  for (const [original, patch, result] of cases) {
    it(`${original} + ${patch} → ${result}`, () => {
      expect(mergePatch(JSON.parse(original), JSON.parse(patch))).toEqual(JSON.parse(result));
    });
  }
});

describe('RFC 7386 §3: the worked example', () => {
  it('changes the title, removes the phone number and the author family name, replaces the tags', () => {
    const target = {
      title: 'Goodbye!',
      author: { givenName: 'John', familyName: 'Doe' },
      tags: ['example', 'sample'],
      content: 'This will be unchanged',
    };
    const patch = {
      title: 'Hello!',
      phoneNumber: '+01-123-456-7890',
      author: { familyName: null },
      tags: ['example'],
    };
    expect(mergePatch(target, patch)).toEqual({
      title: 'Hello!',
      author: { givenName: 'John' },
      tags: ['example'],
      content: 'This will be unchanged',
      phoneNumber: '+01-123-456-7890',
    });
  });
});

describe('what a lesson solution needs', () => {
  it('changes neither the target nor the patch', () => {
    const target = { a: { b: [1, 2] }, c: 'x' };
    const patch = { a: { b: [3], d: { e: 1 } }, c: null };
    const before = JSON.stringify([target, patch]);
    mergePatch(target, patch);
    expect(JSON.stringify([target, patch])).toBe(before);
  });

  it('shares no object or array with its inputs', () => {
    const target = { kept: { deep: [1] }, vms: [{ name: 'web01' }] };
    const patch = { added: { x: [2] }, vms: [{ name: 'web02' }] };
    const result = mergePatch(target, patch) as typeof target & typeof patch;
    result.kept.deep.push(9);
    result.added.x.push(9);
    result.vms[0] = { name: 'changed' };
    expect(target).toEqual({ kept: { deep: [1] }, vms: [{ name: 'web01' }] });
    expect(patch).toEqual({ added: { x: [2] }, vms: [{ name: 'web02' }] });
  });

  it('replaces a list whole: a solution that changes one VM repeats the virtualMachines list', () => {
    const scenario = { virtualMachines: [{ name: 'web01', os: 'windows' }, { name: 'web02' }] };
    const result = mergePatch(scenario, { virtualMachines: [{ name: 'web01', os: 'linux' }] });
    expect(result).toEqual({ virtualMachines: [{ name: 'web01', os: 'linux' }] });
  });

  it('keeps a "__proto__" member as data, the way JSON.parse reads it, and never changes a prototype', () => {
    const target = JSON.parse('{"__proto__":{"polluted":1},"a":1}');
    const patch = JSON.parse('{"__proto__":{"more":2},"b":2}');
    const result = mergePatch(target, patch) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect(JSON.stringify(result)).toBe('{"__proto__":{"polluted":1,"more":2},"a":1,"b":2}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(mergePatch(result, JSON.parse('{"__proto__":null}')))).toBe('{"a":1,"b":2}');
  });

  it('adds a member for a patch key the target lacks, merging into an empty object', () => {
    expect(mergePatch({ a: 1 }, { lesson: { goal: 'g', gone: null } })).toEqual({ a: 1, lesson: { goal: 'g' } });
  });
});
