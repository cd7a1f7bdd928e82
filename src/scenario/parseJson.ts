import { err, ok, type Result } from '../shared/result';
import { MAX_JSON_DEPTH, textDepthProblem, tooDeepMessage } from './limits';
import type { Diagnostic } from './types';

/**
 * JSON.parse with an error that gives line and column, as a person reads a file; refuses a
 * document nested deeper than `MAX_JSON_DEPTH` (limits.ts). `depthAbove`: the text is the value
 * of a field that many levels down in a document (the editor's JSON fields), which counts too.
 */
export function parseJson(text: string, depthAbove = 0): Result<unknown, Diagnostic> {
  // Before JSON.parse: every walk after it may then rely on the depth (limits.ts).
  const deep = textDepthProblem(text, MAX_JSON_DEPTH - depthAbove);
  if (deep !== null) {
    const { line, column } = lineAndColumn(text, deep.offset);
    return err({
      path: '(document)',
      message: tooDeepMessage(deep.depth + depthAbove, ` at line ${line}, column ${column}`),
    });
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    if (text.trim() === '') return err({ path: '(document)', message: 'the file is empty: expected a JSON object' });
    // V8's messages carry no position on every version, so find it with a scanner of our own.
    const { offset, expected } = locateJsonError(text);
    const { line, column } = lineAndColumn(text, offset);
    const what =
      offset >= text.length
        ? `the text ends too early, ${expected} (is the file cut short?)`
        : `unexpected ${JSON.stringify(text.slice(offset, offset + 10))}, ${expected}`;
    return err({ path: '(document)', message: `not valid JSON at line ${line}, column ${column}: ${what}` });
  }
}

/** Finds the first offset where `text` stops being JSON (RFC 8259), and what was expected there. */
export function locateJsonError(text: string): { offset: number; expected: string } {
  let i = 0;
  class Stop {
    constructor(readonly expected: string) {}
  }
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) throw new Stop(`expected "${word}"`);
      i++;
    }
  };
  const string = () => {
    if (text[i] !== '"') throw new Stop('expected a string in double quotes');
    i++;
    for (;;) {
      if (i >= text.length) throw new Stop('expected the closing quote of a string');
      const c = text.charCodeAt(i);
      if (c === 34) break;
      if (c < 32) throw new Stop('expected the closing quote of a string (a string cannot span lines)');
      if (c === 92) {
        i++;
        const e = text[i];
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
              i += k;
              throw new Stop('expected four hex digits after \\u');
            }
          }
          i += 4;
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          throw new Stop('expected a valid escape after a backslash');
        }
      }
      i++;
    }
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-' || m[0] === '') throw new Stop('expected a value');
    i += m[0].length;
  };
  /** A field name and its colon (after "{" or a ","). */
  const key = () => {
    ws();
    string();
    ws();
    if (text[i] !== ':') throw new Stop('expected ":" after a field name');
    i++;
  };
  const scalar = () => {
    const c = text[i];
    if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else number();
  };
  // An explicit stack of the open objects and lists, never recursion: a document of 100,000
  // unclosed brackets must get its line and column, not a stack overflow.
  const open: ('{' | '[')[] = [];
  try {
    value: for (;;) {
      ws();
      const c = text[i];
      if (c === '{' || c === '[') {
        i++;
        ws();
        if (text[i] !== (c === '{' ? '}' : ']')) {
          open.push(c);
          if (c === '{') key();
          continue;
        }
        i++;
      } else {
        scalar();
      }
      // After a value: close what it ends, or go on to the next item.
      for (;;) {
        const top = open.at(-1);
        if (top === undefined) break value;
        ws();
        if (text[i] === ',') {
          i++;
          if (top === '{') key();
          continue value;
        }
        if (text[i] === (top === '{' ? '}' : ']')) {
          i++;
          open.pop();
          continue;
        }
        throw new Stop(top === '{' ? 'expected "," or "}" after a field' : 'expected "," or "]" after a list item');
      }
    }
    ws();
    if (i < text.length) return { offset: i, expected: 'expected the end of the document' };
    return { offset: text.length, expected: 'expected a value' };
  } catch (e) {
    if (e instanceof Stop) return { offset: i, expected: e.expected };
    throw e;
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
