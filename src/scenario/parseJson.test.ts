import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locateJsonError, parseJson } from './parseJson';

describe('parseJson', () => {
  it('parses valid JSON', () => {
    expect(parseJson('{"a": [1, true, null, "x"]}')).toEqual({ ok: true, value: { a: [1, true, null, 'x'] } });
  });

  it.each([
    ['{"a": 1,\n "b" x}', 'not valid JSON at line 2, column 6: unexpected "x}", expected ":" after a field name'],
    [
      '{"a": [1,',
      'not valid JSON at line 1, column 10: the text ends too early, expected a value (is the file cut short?)',
    ],
    ['{"a": 01}', 'not valid JSON at line 1, column 8: unexpected "1}", expected "," or "}" after a field'],
    ['{"a": 1} x', 'not valid JSON at line 1, column 10: unexpected "x", expected the end of the document'],
    ['[1,]', 'not valid JSON at line 1, column 4: unexpected "]", expected a value'],
    ["{'a': 1}", 'not valid JSON at line 1, column 2: unexpected "\'a\': 1}", expected a string in double quotes'],
    ['   ', 'the file is empty: expected a JSON object'],
  ])('reports %j with its line and column', (text, message) => {
    expect(parseJson(text)).toEqual({ ok: false, error: { path: '(document)', message } });
  });

  it('agrees with JSON.parse on where valid JSON ends: never reports an error inside valid JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value, null, 1);
        // A valid document scans to its end without stopping.
        expect(locateJsonError(text).offset).toBe(text.length);
      }),
    );
  });

  it('never throws on arbitrary text, and fails exactly when JSON.parse fails', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(parseJson(text).ok).toBe(valid);
      }),
    );
  });

  it('counts the levels above a field edited as JSON against the depth limit', () => {
    // The editor's lesson field holds a value at level 2 (the root is 1): 63 levels fit in it.
    const at = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(parseJson(at(63), 1).ok).toBe(true);
    expect(parseJson(at(64), 1)).toEqual({
      ok: false,
      error: {
        path: '(document)',
        message: 'nested 65 levels deep at line 1, column 64; a scenario is at most 64 levels deep',
      },
    });
    expect(parseJson(at(64)).ok).toBe(true);
  });
});
