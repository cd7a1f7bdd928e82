/**
 * Statistics of a load distribution (issue 8, "is my distribution even?"): connections per member
 * against the even share. Pure numbers in, numbers out.
 */

export interface SpreadStats {
  readonly total: number;
  readonly members: number;
  /** The even share: total / members. */
  readonly expected: number;
  readonly min: number;
  readonly max: number;
  /** max / min; Infinity when some member got nothing while another got something. */
  readonly maxMinRatio: number;
  /** Standard deviation over mean of the per-member counts (population form); 0 when perfectly even. */
  readonly coefficientOfVariation: number;
  /** Pearson's chi-square statistic against the uniform distribution. */
  readonly chiSquare: number;
  readonly degreesOfFreedom: number;
  /**
   * P(X² ≥ chiSquare) for a uniform hash: a small value (say < 0.01) means the counts are more
   * uneven than chance explains (session persistence, clients behind one proxy).
   */
  readonly pValue: number;
}

export function spreadOf(counts: readonly number[]): SpreadStats {
  const members = counts.length;
  const total = counts.reduce((a, b) => a + b, 0);
  if (members === 0) {
    return {
      total: 0,
      members: 0,
      expected: 0,
      min: 0,
      max: 0,
      maxMinRatio: 1,
      coefficientOfVariation: 0,
      chiSquare: 0,
      degreesOfFreedom: 0,
      pValue: 1,
    };
  }
  const expected = total / members;
  const min = Math.min(...counts);
  const max = Math.max(...counts);
  const variance = counts.reduce((sum, c) => sum + (c - expected) ** 2, 0) / members;
  const chiSquare = expected === 0 ? 0 : counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
  const degreesOfFreedom = members - 1;
  return {
    total,
    members,
    expected,
    min,
    max,
    maxMinRatio: min === 0 ? (max === 0 ? 1 : Number.POSITIVE_INFINITY) : max / min,
    coefficientOfVariation: expected === 0 ? 0 : Math.sqrt(variance) / expected,
    chiSquare,
    degreesOfFreedom,
    pValue: degreesOfFreedom === 0 ? 1 : chiSquareSurvival(chiSquare, degreesOfFreedom),
  };
}

/** P(X ≥ x) for a chi-square variable with k degrees of freedom: Q(k/2, x/2). */
export function chiSquareSurvival(x: number, k: number): number {
  if (x <= 0) return 1;
  return regularizedGammaQ(k / 2, x / 2);
}

/** ln Γ(z) by the Lanczos approximation (g = 7, n = 9), accurate to ~15 digits for z > 0. */
export function logGamma(z: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const x = z - 1;
  let a = c[0] as number;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a): the series for
 * x < a + 1 and Lentz's continued fraction otherwise (Numerical Recipes §6.2).
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (x < 0 || a <= 0) return Number.NaN;
  if (x === 0) return 1;
  const logPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, Math.min(1, 1 - sum * Math.exp(logPrefix)));
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.max(0, Math.min(1, Math.exp(logPrefix) * h));
}
