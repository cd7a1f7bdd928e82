import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chiSquareSurvival, logGamma, regularizedGammaQ, spreadOf } from './stats';

describe('logGamma', () => {
  it.each([
    [1, 0],
    [2, 0],
    [5, Math.log(24)],
    [0.5, Math.log(Math.sqrt(Math.PI))],
    [10.5, Math.log(1133278.38894878)],
  ])('ln Γ(%d)', (z, expected) => {
    expect(logGamma(z)).toBeCloseTo(expected, 10);
  });
});

describe('chi-square survival', () => {
  // Reference values: the chi-square table (NIST/SEMATECH e-Handbook §1.3.6.7.4, upper critical
  // values): P(X² ≥ critical) equals the column's tail probability.
  it.each([
    [3.841, 1, 0.05],
    [6.635, 1, 0.01],
    [5.991, 2, 0.05],
    [9.21, 2, 0.01],
    [16.919, 9, 0.05],
    [31.41, 20, 0.05],
    [124.342, 100, 0.05],
  ])('P(X² ≥ %d | k = %d) = %d', (x, k, p) => {
    expect(chiSquareSurvival(x, k)).toBeCloseTo(p, 3);
  });

  it('is 1 at zero and falls towards 0 far in the tail', () => {
    expect(chiSquareSurvival(0, 4)).toBe(1);
    expect(chiSquareSurvival(1000, 4)).toBeLessThan(1e-100);
  });

  it('Q(1, x) = e^-x exactly (the exponential distribution)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 50, noNaN: true }), (x) => {
        expect(regularizedGammaQ(1, x)).toBeCloseTo(Math.exp(-x), 12);
      }),
    );
  });

  it('decreases as the statistic grows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 200, noNaN: true }), (k, x) => {
        expect(chiSquareSurvival(x + 1, k)).toBeLessThanOrEqual(chiSquareSurvival(x, k) + 1e-12);
      }),
    );
  });
});

describe('spreadOf', () => {
  it('a perfectly even split: ratio 1, no variation, p = 1', () => {
    const s = spreadOf([250, 250, 250, 250]);
    expect(s).toMatchObject({ total: 1000, expected: 250, maxMinRatio: 1, coefficientOfVariation: 0, chiSquare: 0 });
    expect(s.pValue).toBe(1);
  });

  it('everything on one member (SourceIP from one client): infinite ratio, p ≈ 0', () => {
    const s = spreadOf([16, 0]);
    expect(s.maxMinRatio).toBe(Number.POSITIVE_INFINITY);
    expect(s.chiSquare).toBe(16);
    expect(s.pValue).toBeLessThan(0.0001);
  });

  it('a typical hash split is not flagged as uneven', () => {
    const s = spreadOf([5030, 4970]);
    expect(s.chiSquare).toBeCloseTo(0.36, 10);
    expect(s.pValue).toBeGreaterThan(0.5);
    expect(s.coefficientOfVariation).toBeCloseTo(0.006, 10);
    expect(s.maxMinRatio).toBeCloseTo(5030 / 4970, 12);
  });

  it('handles no members and no connections', () => {
    expect(spreadOf([]).pValue).toBe(1);
    expect(spreadOf([0, 0]).maxMinRatio).toBe(1);
  });
});
