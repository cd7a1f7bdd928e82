/**
 * A ping to a Standard public frontend, by the table of expected replies of "Test reachability of
 * Azure Load Balancer front-ends with ping and traceroute" (load-balancer-test-frontend-reachability.md,
 * ms.date 05/06/2023).
 */
import { describe, expect, it } from 'vitest';
import { createRichScenario } from '../scenario/testScenarios';
import type { Scenario } from '../scenario/types';
import { runScenario } from './simulate';

/** The rich lab's public frontend 20.50.1.10 (rule http → pool web, web02, HTTP probe /health), pinged from the internet. */
function lab(change: (s: Scenario) => void = () => {}): Scenario {
  const s = createRichScenario();
  s.lesson = undefined;
  s.events = [];
  s.traffic = [{ name: 'ping', from: 'users', to: '20.50.1.10', protocol: 'Icmp', connections: 1 }];
  change(s);
  return s;
}
const ping = (s: Scenario) => runScenario(s).connections[0];
const web02 = (s: Scenario) => s.virtualMachines?.find((vm) => vm.name === 'web02');

describe('ping to a Standard public frontend', () => {
  it('at least one member probed up: echo replies', () => {
    expect(ping(lab())).toMatchObject({ outcome: 'answered', reason: null });
  });

  it('every member probed down: "Destination host unreachable", sent by the frontend', () => {
    const s = lab((doc) => {
      const vm = web02(doc);
      if (vm !== undefined) vm.listeners = [{ name: 'nginx', port: 80, http: { '/': 200, '/health': 500 } }];
    });
    const r = runScenario(s, { trace: true });
    const c = r.connections[0];
    expect(c).toMatchObject({
      outcome: 'unanswered',
      reason: { code: 'LB_NO_HEALTHY_BACKEND', at: 'frontend:plb/fe-pub' },
    });
    expect(c?.reason?.detail).toContain('"Destination host unreachable"');
    const reply = (r.events ?? []).find((e) => e.kind === 'send' && e.packet?.icmp === 'dest-unreachable');
    expect(reply?.element).toBe('frontend:plb/fe-pub');
    // The client is told at once: it is delivered within the round trip, not at the answer deadline.
    const told = (r.events ?? []).find(
      (e) => e.kind === 'deliver' && e.packet?.icmp === 'dest-unreachable' && e.element.startsWith('client:'),
    );
    expect(told?.at).toBeLessThan(1);
  });

  it('every member turned off: no answer (request timed out)', () => {
    const c = ping(
      lab((s) => {
        const vm = web02(s);
        if (vm !== undefined) vm.powerState = 'stopped';
      }),
    );
    expect(c).toMatchObject({ outcome: 'unanswered', reason: { code: 'LB_NO_HEALTHY_BACKEND' } });
    expect(c?.reason?.detail).toContain('turned off');
  });

  it('no load-balancing rule on the frontend: no answer', () => {
    const c = ping(
      lab((s) => {
        const plb = s.loadBalancers?.[1];
        if (plb !== undefined)
          plb.loadBalancingRules = (plb.loadBalancingRules ?? []).filter((r) => r.frontendIPConfiguration !== 'fe-pub');
      }),
    );
    expect(c).toMatchObject({ outcome: 'unanswered', reason: { code: 'LB_NO_HEALTHY_BACKEND' } });
    expect(c?.reason?.detail).toContain('no load-balancing rule with a backend instance');
  });
});
