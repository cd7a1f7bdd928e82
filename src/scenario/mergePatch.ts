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

function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value)) setOwn(out, key, copy(value[key]));
  return out;
}

/** RFC 7386 §2, the MergePatch(Target, Patch) function, without mutating either argument. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  // §2: a patch that is not an object (an array, a string, a number, true, false or null)
  // replaces the target whole; arrays are never merged element by element.
  if (!isObject(patch)) return copy(patch);
  // §2: "if Target is not an Object: Target = {}", ignoring its contents.
  const result: JsonObject = {};
  if (isObject(target)) for (const key of Object.keys(target)) setOwn(result, key, copy(target[key]));
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    // §2: a null member removes the member from the target (and is never written into it).
    if (value === null) delete result[key];
    else setOwn(result, key, mergePatch(Object.hasOwn(result, key) ? result[key] : undefined, value));
  }
  return result;
}
