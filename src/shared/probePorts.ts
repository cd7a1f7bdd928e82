/**
 * "HTTP probes don't support probing on the following ports due to security concerns: 19, 21,
 * 25, 70, 110, 119, 143, 220, 993" (articles/load-balancer/load-balancer-custom-probe-overview.md,
 * Limitations). Read by validation (a warning) and the engine (no probe is sent).
 */
export const HTTP_PROBE_UNSUPPORTED_PORTS: readonly number[] = [19, 21, 25, 70, 110, 119, 143, 220, 993];
