/**
 * Test support: the ways the robustness tests break a valid document (delete a field, replace a
 * value, rename a key, duplicate a list item, nest a value deeply), and a check that a
 * diagnostic's path names a place in the document. Pure and without fast-check, so that tests of
 * every layer can drive it with their own generators.
 */
import { type PathSegment, parsePath, valueAt } from './paths';

export type Mutation = (
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'replace'; readonly at: number; readonly value: unknown }
  | { readonly kind: 'rename'; readonly at: number; readonly to: string }
  | { readonly kind: 'duplicate'; readonly at: number }
  | { readonly kind: 'nest'; readonly at: number; readonly depth: number; readonly inObject: boolean }
) & {
  /** Where to break: a place below this path (a lesson's solution, say); the whole document by default. */
  readonly within?: readonly PathSegment[];
};

type Container = { [key: string]: unknown } | unknown[];
interface Slot {
  readonly parent: Container;
  readonly key: string | number;
}

function setOwn(target: { [key: string]: unknown }, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Every value below the root, as its parent and key; walked without recursion, at most `limit`. */
function slotsOf(root: unknown, limit = 20_000): Slot[] {
  const out: Slot[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0 && out.length < limit) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      node.forEach((v, i) => {
        out.push({ parent: node, key: i });
        stack.push(v);
      });
    } else if (typeof node === 'object' && node !== null) {
      const obj = node as { [key: string]: unknown };
      for (const key of Object.keys(obj)) {
        out.push({ parent: obj, key });
        stack.push(obj[key]);
      }
    }
  }
  return out;
}

/** Applies `mutation` to `document` in place (the document must be the caller's own copy). */
export function applyMutation(document: unknown, mutation: Mutation): void {
  const scope = mutation.within === undefined ? document : valueAt(document, mutation.within).value;
  const slots = slotsOf(scope);
  const slot = slots[mutation.at % Math.max(1, slots.length)];
  if (slot === undefined) return;
  const { parent, key } = slot;
  const get = (): unknown => (Array.isArray(parent) ? parent[key as number] : parent[key as string]);
  const set = (value: unknown): void => {
    if (Array.isArray(parent)) parent[key as number] = value;
    else setOwn(parent, key as string, value);
  };
  switch (mutation.kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      return;
    case 'replace':
      set(mutation.value);
      return;
    case 'rename':
      if (Array.isArray(parent) || key === mutation.to) return;
      setOwn(parent, mutation.to, get());
      delete parent[key as string];
      return;
    case 'duplicate':
      if (Array.isArray(parent)) parent.splice(key as number, 0, get());
      else set([get(), get()]);
      return;
    case 'nest': {
      let value = get();
      for (let i = 0; i < mutation.depth; i++) value = mutation.inObject ? { a: value } : [value];
      set(value);
      return;
    }
  }
}

/**
 * Whether a diagnostic's path names a place in `document`: the place itself, or for a field that
 * is missing, its parent. `(document)` is the root; a share link's paths start with `link `;
 * a key longer than paths repeat is clipped and cannot be followed (accepted when its parent is).
 */
export function pathIsInDocument(document: unknown, path: string): boolean {
  const bare = path.startsWith('link ') ? path.slice(5) : path;
  const segments = parsePath(bare);
  if (segments === null) {
    // A clipped key: `…["aaaa…" (1,000 characters)]`; the part before it must resolve.
    const cut = bare.indexOf('["');
    if (cut === -1 || !bare.includes('…')) return false;
    return pathIsInDocument(document, bare.slice(0, cut) || '(document)');
  }
  if (valueAt(document, segments).found) return true;
  return segments.length > 0 && valueAt(document, segments.slice(0, -1)).found;
}
