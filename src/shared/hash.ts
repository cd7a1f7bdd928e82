import { mix32 } from './prng';

/**
 * Hashes a list of 32-bit words with a seed (murmur3-style block mixing, then fmix32).
 * Used for load-balancer backend choice: uniform over its inputs and reproducible everywhere.
 */
export function hashWords(seed: number, words: readonly number[]): number {
  let h = seed >>> 0;
  for (const w of words) {
    let k = Math.imul(w >>> 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= words.length * 4;
  return mix32(h);
}

/** FNV-1a over a string's UTF-16 code units: a short stable digest for names and documents. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
