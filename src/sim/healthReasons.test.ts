import { describe, expect, it } from 'vitest';
import type { HealthReasonCode } from '../engine/probe';
import { HEALTH_REASON_TEXT } from '../scenario/healthReasons';

describe('health status reason codes', () => {
  it('every code the engine reports has the portal text the UI shows', () => {
    const engine: Record<HealthReasonCode, true> = {
      Up_Probe_Success: true,
      Up_Probe_AllDownIsUp: true,
      Up_Probe_ApproachingUnhealthyThreshold: true,
      Down_Probe_ApproachingHealthyThreshold: true,
      Down_Probe_TcpProbeTimeout: true,
      Down_Probe_HttpStatusCodeError: true,
      Down_Probe_HttpEndpointUnreachable: true,
      Down_Probe_HttpNoResponse: true,
      Up_Admin: true,
      Down_Admin: true,
      NA: true,
    };
    expect(Object.keys(HEALTH_REASON_TEXT).sort()).toEqual(Object.keys(engine).sort());
    for (const text of Object.values(HEALTH_REASON_TEXT)) expect(text.length).toBeGreaterThan(20);
  });
});
