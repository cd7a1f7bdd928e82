/**
 * JSON Merge Patch (RFC 7386): how a lesson's `solution` changes its scenario
 * (scenario-format.md "Lesson").
 *
 * Inputs: a target and a patch, both JSON values (as JSON.parse gives them).
 * Output: a new value; neither input is changed, and the result shares no object or array with
 *   either, so that editing it never edits the lesson or the scenario it came from.
 *
 * The result is untyped on purpose: a patch can make any document, valid or not, so it goes
 * through validation again before anyone simulates it.
 */

type JsonObject = { [key: string]: unknown };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Sets an own property even when the key is `__proto__` (JSON.parse makes such keys own
 * properties; plain assignment would change the prototype instead and lose the field).
 */
function setOwn(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** An empty container of the same kind as `value`, or `value` itself when it is a scalar. */
const emptyLike = (value: unknown): unknown => (Array.isArray(value) ? [] : isObject(value) ? {} : value);

/**
 * A deep copy, with an explicit stack rather than recursion: this function is exported and may
 * receive a value that never went through parseJson's depth limit.
 */
function copy(value: unknown): unknown {
  const root = emptyLike(value);
  if (root === value) return value;
  const stack: [unknown, unknown][] = [[value, root]];
  while (stack.length > 0) {
    const [from, to] = stack.pop() as [unknown, unknown];
    if (Array.isArray(from)) {
      for (const item of from) {
        const made = emptyLike(item);
        (to as unknown[]).push(made);
        if (made !== item) stack.push([item, made]);
      }
    } else {
      for (const key of Object.keys(from as JsonObject)) {
        const item = (from as JsonObject)[key];
        const made = emptyLike(item);
        setOwn(to as JsonObject, key, made);
        if (made !== item) stack.push([item, made]);
      }
    }
  }
  return root;
}

/**
 * RFC 7386 §2, the MergePatch(Target, Patch) function, without mutating either argument. The
 * recursion of §2 (one call per nested object of the patch) runs on an explicit stack.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  // §2: a patch that is not an object (an array, a string, a number, true, false or null)
  // replaces the target whole; arrays are never merged element by element.
  if (!isObject(patch)) return copy(patch);
  const result: JsonObject = {};
  const stack: { target: unknown; patch: JsonObject; result: JsonObject }[] = [{ target, patch, result }];
  while (stack.length > 0) {
    const step = stack.pop() as (typeof stack)[number];
    // §2: "if Target is not an Object: Target = {}", ignoring its contents.
    if (isObject(step.target)) for (const key of Object.keys(step.target)) setOwn(step.result, key, step.target[key]);
    for (const key of Object.keys(step.patch)) {
      const value = step.patch[key];
      // §2: a null member removes the member from the target (and is never written into it).
      if (value === null) delete step.result[key];
      else if (!isObject(value)) setOwn(step.result, key, copy(value));
      else {
        const inner: JsonObject = {};
        const before = Object.hasOwn(step.result, key) ? step.result[key] : undefined;
        setOwn(step.result, key, inner);
        stack.push({ target: before, patch: value, result: inner });
      }
    }
    // What the patch left alone is copied last, so that the result shares nothing with the target.
    for (const key of Object.keys(step.result)) {
      const value = step.result[key];
      if (isObject(step.target) && Object.hasOwn(step.target, key) && step.target[key] === value) {
        setOwn(step.result, key, copy(value));
      }
    }
  }
  return result;
}
