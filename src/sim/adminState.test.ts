/**
 * Admin state per pool member (articles/load-balancer/admin-state-overview.md, ms.date
 * 05/29/2024): Up — "always considers the backend instance as eligible for new connections" even
 * when its probe fails; Down — "doesn't allow new connections" even when its probe succeeds;
 * None — the probe decides. Only where the rules have a probe; not for inbound NAT rules.
 */
import { describe, expect, it } from 'vitest';
import { createRichScenario } from '../scenario/testScenarios';
import type { AdminState, Scenario } from '../scenario/types';
import { validateScenario } from '../scenario/validate';
import { runScenario } from './simulate';

/** The rich lab's public load balancer: pool web (web02) gains web01; users spread over both. */
function lab(admin: { web01?: AdminState; web02?: AdminState }, probe = true): Scenario {
  const s = createRichScenario();
  const plb = s.loadBalancers?.[1];
  const pool = plb?.backendAddressPools[0];
  if (plb === undefined || pool === undefined) throw new Error('no pool');
  pool.loadBalancerBackendAddresses = [
    { networkInterfaceIPConfiguration: 'web01-nic1/ipconfig1', ...(admin.web01 ? { adminState: admin.web01 } : {}) },
    { networkInterfaceIPConfiguration: 'web02-nic1/ipconfig1', ...(admin.web02 ? { adminState: admin.web02 } : {}) },
  ];
  // web01 joins the public pool only: it leaves the internal one (one internal and one public LB per VM).
  const ilbPool = s.loadBalancers?.[0]?.backendAddressPools[0];
  if (ilbPool !== undefined) ilbPool.loadBalancerBackendAddresses = [];
  s.lesson = undefined;
  if (!probe) for (const rule of plb.loadBalancingRules ?? []) delete rule.probe;
  // web01 answers the HTTP probe's /health with 500: its probe fails.
  const web01 = s.virtualMachines?.[0];
  if (web01 !== undefined) web01.listeners = [{ name: 'iis', port: 80, http: { '/': 200, '/health': 500 } }];
  s.traffic = [{ name: 'users-to-web', from: 'users', to: '20.50.1.10:80', connections: 40, http: '/' }];
  s.events = [];
  return s;
}

const backends = (s: Scenario) => {
  const out: Record<string, number> = {};
  for (const c of runScenario(s).connections) if (c.backend !== null) out[c.backend] = (out[c.backend] ?? 0) + 1;
  return out;
};
const health = (s: Scenario) =>
  Object.fromEntries(
    runScenario(s)
      .probes.filter((p) => p.loadBalancer === 'plb')
      .map((p) => [p.member, p.healthStatus]),
  );

describe('admin state', () => {
  it('None: the probe decides — web01 fails its probe and gets nothing', () => {
    const s = lab({});
    expect(validateScenario(s).errors).toEqual([]);
    expect(backends(s)).toEqual({ 'web02-nic1': 40 });
    expect(health(s)['web01-nic1']).toEqual({ state: 'down', reasonCode: 'Down_Probe_HttpStatusCodeError' });
  });

  it('Up: web01 takes new connections though its probe fails, and its health status says Up_Admin', () => {
    const s = lab({ web01: 'Up' });
    const counts = backends(s);
    expect(counts['web01-nic1']).toBeGreaterThan(0);
    expect(counts['web02-nic1']).toBeGreaterThan(0);
    expect(health(s)['web01-nic1']).toEqual({ state: 'up', reasonCode: 'Up_Admin' });
  });

  it('Down: web02 gets no new connection though its probe succeeds, and shows Down_Admin', () => {
    const s = lab({ web01: 'Up', web02: 'Down' });
    expect(backends(s)).toEqual({ 'web01-nic1': 40 });
    expect(health(s)['web02-nic1']).toEqual({ state: 'down', reasonCode: 'Down_Admin' });
  });

  it("the trace's load-balancing decision names the admin states that decided", () => {
    const r = runScenario(lab({ web01: 'Up', web02: 'Down' }), { trace: true });
    const decision = (r.events ?? []).find((e) => e.decision?.kind === 'loadBalancingRule')?.decision;
    expect(decision).toMatchObject({ candidates: ['web01-nic1'], admin: ['web01-nic1 Up', 'web02-nic1 Down'] });
    // Without admin states the decision has no such field.
    const plain = runScenario(lab({}), { trace: true });
    expect((plain.events ?? []).find((e) => e.decision?.kind === 'loadBalancingRule')?.decision).not.toHaveProperty(
      'admin',
    );
  });

  it('takes no effect without a probe on the rules, and validation says why', () => {
    const s = lab({ web02: 'Down' }, false);
    const counts = backends(s);
    expect(counts['web02-nic1']).toBeGreaterThan(0);
    const warning = validateScenario(s).warnings.find(
      (w) => w.path === 'loadBalancers[1].backendAddressPools[0].loadBalancerBackendAddresses[1].adminState',
    );
    expect(warning?.message).toContain("admin state isn't supported for nonprobed load balancing rules");
  });

  it('is not supported with inbound NAT rules: validation warns when a NAT rule sends to the member', () => {
    // The rich lab's NAT rule ssh-web02 sends to web02-nic1.
    const warnings = validateScenario(lab({ web02: 'Down' })).warnings.map((w) => w.message);
    expect(warnings.some((m) => m.startsWith('admin state isn\'t supported with inbound NAT rule: "ssh-web02"'))).toBe(
      true,
    );
  });

  it('a value other than None, Up or Down is an error at its path', () => {
    const s = lab({}) as unknown as {
      loadBalancers: { backendAddressPools: { loadBalancerBackendAddresses: { adminState?: string }[] }[] }[];
    };
    const member = s.loadBalancers[1]?.backendAddressPools[0]?.loadBalancerBackendAddresses[0];
    if (member !== undefined) member.adminState = 'Drain';
    const errors = validateScenario(s).errors;
    expect(errors.map((e) => e.path)).toEqual([
      'loadBalancers[1].backendAddressPools[0].loadBalancerBackendAddresses[0].adminState',
    ]);
    expect(errors[0]?.message).toContain('None, Up, Down');
  });
});
