/**
 * What the portal says of each health status reason code the simulation reports, for the UI's
 * tooltips. The engine's codes (src/engine/probe.ts `HealthReasonCode`) are all here; a test keeps
 * the two lists equal (src/sim/healthReasons.test.ts).
 */
/** The portal's displayed reason for each code (articles/load-balancer/load-balancer-manage-health-status.md, ms.date 10/30/2024, "Reason codes"; `NA` from its note), for tooltips and the command line. */
export const HEALTH_REASON_TEXT: { readonly [code: string]: string } = {
  Up_Probe_Success: 'The backend instance is responding to health probe successfully.',
  Up_Probe_AllDownIsUp: 'The backend instance is considered healthy due to enablement of NoHealthyBackendsBehavior.',
  Up_Probe_ApproachingUnhealthyThreshold:
    'Health probe is approaching an unhealthy threshold but backend instance remains healthy based on last response.',
  Down_Probe_ApproachingHealthyThreshold:
    'Health probe is approaching a healthy threshold but backend instance remains unhealthy based on last response.',
  Down_Probe_TcpProbeTimeout:
    'TCP probe timeout; meaning either unhealthy backend instance, blocked health probe port, or unhealthy app listening on port.',
  Down_Probe_HttpStatusCodeError:
    "A non-200 HTTP status code received; meaning there's an issue with the application listening on the port.",
  Down_Probe_HttpEndpointUnreachable:
    'HTTP endpoint unreachable; meaning either an NSG rule blocking port or unhealthy app listening on port.',
  Down_Probe_HttpNoResponse: "Application isn't returning a response.",
  Up_Admin: 'The backend instance is healthy due to Admin State set to Up.',
  Down_Admin: 'The backend instance is unhealthy due to Admin State set to Down.',
  NA: 'The health probe has not probed this backend instance yet.',
};
