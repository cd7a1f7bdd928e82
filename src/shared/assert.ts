/** Thrown for broken invariants: a bug in Hairpin, never a problem in the user's input. */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

/** Compile-time proof that a switch handled every case; throws if reached at run time. */
export function exhaustive(value: never, what = 'value'): never {
  throw new InvariantError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
