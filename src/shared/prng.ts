/**
 * Seeded pseudo-random numbers whose whole state is one 32-bit integer, so that it can live
 * inside the simulation state (as boardgame.io keeps its PRNG) and be saved or copied.
 *
 * Algorithm: mulberry32 (Tommy Ettinger, public domain). It passes gjrand and PractRand to
 * 2^32 outputs, more than a simulation run draws, and needs only 32-bit integer arithmetic, so
 * Node and every browser produce the same sequence bit for bit.
 */
export interface PrngState {
  s: number;
}

export function createPrng(seed: number): PrngState {
  // Mix the seed once so that seeds 1, 2, 3 … do not start from neighbouring states.
  return { s: mix32(seed >>> 0) };
}

/** The next 32-bit unsigned integer; advances `state`. */
export function nextUint32(state: PrngState): number {
  state.s = (state.s + 0x6d2b79f5) | 0;
  let t = state.s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** A float in [0, 1). */
export function nextFloat(state: PrngState): number {
  return nextUint32(state) / 4294967296;
}

/** An integer in [min, max], both inclusive. */
export function nextInt(state: PrngState, min: number, max: number): number {
  const span = max - min + 1;
  return min + Math.floor(nextFloat(state) * span);
}

/** A 32-bit finaliser (murmur3 fmix32): a bijection that spreads every input bit over the output. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
