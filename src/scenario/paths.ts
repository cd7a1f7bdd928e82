/**
 * Reading the paths diagnostics are written with (shape.ts `joinPath`): `loadBalancers[0].name`,
 * `layout["vm:web01"].x`. The root is `(document)` or the empty path.
 */

export type PathSegment = string | number;

/** The segments of a path, or null when it is not one `joinPath` writes (a clipped key, a prefix). */
export function parsePath(path: string): PathSegment[] | null {
  if (path === '(document)' || path === '') return [];
  const out: PathSegment[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === '[') {
      if (path[i + 1] === '"') {
        // A JSON string up to its closing quote, then "]".
        let j = i + 2;
        while (j < path.length && path[j] !== '"') j += path[j] === '\\' ? 2 : 1;
        if (path[j + 1] !== ']') return null;
        try {
          out.push(JSON.parse(path.slice(i + 1, j + 1)) as string);
        } catch {
          return null;
        }
        i = j + 2;
      } else {
        const m = /^\[(0|[1-9][0-9]*)\]/.exec(path.slice(i, i + 24));
        if (m === null) return null;
        out.push(Number(m[1]));
        i += m[0].length;
      }
    } else {
      if (out.length > 0) {
        if (path[i] !== '.') return null;
        i++;
      }
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(path.slice(i));
      if (m === null) return null;
      out.push(m[0]);
      i += m[0].length;
    }
  }
  return out;
}

/** The value at `segments` under `root` (own fields only), or `found: false`. */
export function valueAt(root: unknown, segments: readonly PathSegment[]): { found: boolean; value: unknown } {
  let node = root;
  for (const key of segments) {
    if (typeof key === 'number') {
      if (!Array.isArray(node) || key >= node.length) return { found: false, value: undefined };
      node = node[key];
    } else {
      if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, key)) {
        return { found: false, value: undefined };
      }
      node = (node as { [key: string]: unknown })[key];
    }
  }
  return { found: true, value: node };
}
