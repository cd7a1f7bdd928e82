/**
 * The built-in library (public/library/): every scenario loads as written, its lesson fails as
 * shipped and passes once its solution (a JSON Merge Patch, RFC 7386) is applied, its layout places
 * every canvas element, and the behaviour it teaches happens for the reason its description gives
 * (the seeds it cites, and engine-model.md).
 *
 * The files are read from disk, as the app loads them: they are the single source.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionResult, SimulationResult } from '../engine/result';
import { loadScenarioLink, loadScenarioText, loadScenarioValue } from '../scenario/index';
import { nicSubnet } from '../scenario/members';
import { mergePatch } from '../scenario/mergePatch';
import { createShareLink, DEFAULT_LINK_BASE, encodeSharePayload } from '../scenario/shareLink';
import type { Scenario } from '../scenario/types';
import { runScenario } from './simulate';

/** The public sources a library scenario cites: the ILB hairpin write-up or an Azure Load Balancer page. */
const SOURCE =
  /the ILB hairpin write-up|“(Troubleshoot Azure Load Balancer|Troubleshoot Azure Load Balancer health probe status|What is Azure Load Balancer\?|Understand Load Balancer probes|Administrative State \(Admin State\) in Azure Load Balancer|Manage Azure Load Balancer health status|Test reachability of Azure Load Balancer front-ends with ping and traceroute)”/;

const LIBRARY = fileURLToPath(new URL('../../public/library/', import.meta.url));

interface IndexEntry {
  file: string;
  title: string;
  seed: string;
  tags: string[];
}

const readText = (file: string) => readFileSync(`${LIBRARY}${file}`, 'utf8');
const index = JSON.parse(readText('index.json')) as IndexEntry[];

// ---------------------------------------------------------------------------------------------
// Helpers

const of = (r: SimulationResult, traffic: string): ConnectionResult[] => {
  const list = r.connections.filter((c) => c.traffic === traffic);
  expect(list.length, `connections of ${traffic}`).toBeGreaterThan(0);
  return list;
};
const backends = (r: SimulationResult, traffic: string) => new Set(of(r, traffic).map((c) => c.backend));
const probe = (r: SimulationResult, member: string) => {
  const row = r.probes.find((p) => p.member === member);
  expect(row, `probe row of ${member}`).toBeDefined();
  return row;
};
/** Every connection of the traffic failed with this outcome and reason. */
function allFail(r: SimulationResult, traffic: string, outcome: string, reason: Record<string, unknown>): void {
  for (const c of of(r, traffic)) {
    expect(c.outcome, `${c.traffic}#${c.index}`).toBe(outcome);
    expect(c.reason, `${c.traffic}#${c.index}`).toMatchObject(reason);
  }
}
function allEstablished(r: SimulationResult, traffic: string): void {
  for (const c of of(r, traffic)) {
    expect(c.outcome, `${c.traffic}#${c.index}`).toBe('established');
    expect(c.reason).toBeNull();
  }
}
const noHealthyBackend = { code: 'LB_NO_HEALTHY_BACKEND', at: 'lb:ilb', rule: { name: 'http' } };

// ---------------------------------------------------------------------------------------------
// What each scenario must show, with its reason code

interface Expectation {
  /** Paths of the validation warnings the scenario is about, as shipped and with the solution. */
  readonly warnings: readonly string[];
  readonly warningsSolved: readonly string[];
  /** Which lesson checks pass as shipped, in order (with the solution they all pass). */
  readonly checksBefore: readonly boolean[];
  /** The behaviour the description teaches, as shipped and with the solution. */
  readonly behaviour: (before: SimulationResult, after: SimulationResult, scenario: Scenario) => void;
}

const EXPECTED: Record<string, Expectation> = {
  'lab-baseline.json': {
    warnings: ['traffic[1].to'],
    warningsSolved: [],
    checksBefore: [false, true],
    behaviour: (before, after) => {
      // the ILB hairpin write-up §2.1: the on-premises client loads the page through the ILB frontend, in about 20 ms.
      for (const c of of(before, 'onprem-to-vip')) {
        expect(c).toMatchObject({ outcome: 'established', backend: 'web01-nic1', http: { path: '/', status: 200 } });
        expect(c.handshakeMs).toBeGreaterThan(15);
        expect(c.handshakeMs).toBeLessThan(30);
      }
      // “What is Azure Load Balancer?”: no rule for the port, nothing forwarded.
      allFail(before, 'onprem-to-vip-https', 'timeout', { code: 'LB_NO_RULE', at: 'frontend:ilb/fe' });
      allEstablished(after, 'onprem-to-vip-https');
      expect(after.distribution['ilb/https']).toEqual({ 'web01-nic1': 3 });
    },
  },
  'hairpin-one-backend.json': {
    warnings: ['traffic[0].to'],
    warningsSolved: [],
    checksBefore: [false, true],
    behaviour: (before, after) => {
      // the ILB hairpin write-up §1.1: DNAT without SNAT; the SYN-ACK matches no socket on Windows.
      for (const c of of(before, 'web01-to-vip')) {
        expect(c).toMatchObject({
          outcome: 'timeout',
          backend: 'web01-nic1',
          reason: { code: 'TCP_SYNACK_MISMATCH', at: 'vm:web01', rule: null },
        });
        expect(c.source).toMatch(/^10\.2\.1\.4:/);
      }
      allEstablished(before, 'onprem-to-vip');
      // the ILB hairpin write-up §3.1: from the second NIC's address.
      allEstablished(after, 'web01-to-vip');
      for (const c of of(after, 'web01-to-vip')) expect(c.source).toMatch(/^10\.2\.1\.5:/);
    },
  },
  'hairpin-two-backends.json': {
    warnings: ['traffic[0].to'],
    warningsSolved: [],
    checksBefore: [false, true],
    behaviour: (before, after) => {
      // the ILB hairpin write-up §1 (50/50) and “Troubleshoot Azure Load Balancer” Cause 4: intermittent, and only the flows mapped back fail.
      const list = of(before, 'web01-to-vip');
      const ok = list.filter((c) => c.outcome === 'established');
      const failed = list.filter((c) => c.outcome !== 'established');
      expect(ok.length).toBeGreaterThan(0);
      expect(failed.length).toBeGreaterThan(0);
      for (const c of ok) expect(c.backend).toBe('web02-nic1');
      for (const c of failed) {
        expect(c).toMatchObject({ outcome: 'timeout', backend: 'web01-nic1', reason: { code: 'TCP_SYNACK_MISMATCH' } });
      }
      allEstablished(after, 'web01-to-vip');
      expect(backends(after, 'web01-to-vip')).toEqual(new Set(['web02-nic1']));
      // The distribution check saw web02 take calls before the fix too: only web01's own fail.
      expect(before.lesson?.checks[1]?.detail).toMatch(/^every member received connections: web02-nic1 [1-9]/);
    },
  },
  'workaround-second-nic-windows.json': {
    warnings: ['traffic[0].to'],
    warningsSolved: [],
    checksBefore: [false],
    behaviour: (before, after) => {
      // the ILB hairpin write-up §3.1: without the route, still the hairpin from 10.2.1.4.
      allFail(before, 'web01-to-vip', 'timeout', { code: 'TCP_SYNACK_MISMATCH', at: 'vm:web01' });
      for (const c of of(before, 'web01-to-vip')) expect(c.source).toMatch(/^10\.2\.1\.4:/);
      // With it: from 10.2.1.5, across the fabric (psping in §3.1: 0.68–1.45 ms).
      for (const c of of(after, 'web01-to-vip')) {
        expect(c).toMatchObject({ outcome: 'established', backend: 'web01-nic1' });
        expect(c.source).toMatch(/^10\.2\.1\.5:/);
        expect(c.handshakeMs).toBeGreaterThan(0.5);
        expect(c.handshakeMs).toBeLessThan(2);
      }
    },
  },
  'workaround-second-nic-linux.json': {
    warnings: ['traffic[0].to'],
    warningsSolved: [],
    checksBefore: [false, true],
    behaviour: (before, after, scenario) => {
      // engine-model.md "Martian source": the DNATed SYN from 10.2.1.5 is dropped on web01-nic1.
      allFail(before, 'web01-to-vip', 'timeout', { code: 'GUEST_MARTIAN_SOURCE', at: 'vm:web01' });
      for (const c of of(before, 'web01-to-vip')) expect(c.source).toMatch(/^10\.2\.1\.5:/);
      // With accept_local the SYN gets in, and the local SYN-ACK mismatches as in the plain hairpin.
      const vms = structuredClone(scenario.virtualMachines ?? []);
      for (const vm of vms) vm.linux = { acceptLocal: true };
      const acceptLocal = runScenario({ ...scenario, virtualMachines: vms });
      allFail(acceptLocal, 'web01-to-vip', 'timeout', { code: 'TCP_SYNACK_MISMATCH', at: 'vm:web01' });
      // the ILB hairpin write-up §3.2: the call to the loopback VIP never leaves the VM.
      for (const c of of(after, 'web01-to-vip')) {
        expect(c).toMatchObject({ outcome: 'established', backend: null });
        expect(c.source).toMatch(/^10\.2\.1\.100:/);
      }
      for (const c of of(after, 'onprem-to-vip'))
        expect(c).toMatchObject({ outcome: 'established', backend: 'web01-nic1' });
    },
  },
  'workaround-loopback-floating-ip.json': {
    warnings: ['loadBalancers[0].loadBalancingRules[0].enableFloatingIP'],
    warningsSolved: [],
    checksBefore: [false, false, true],
    behaviour: (before, after) => {
      // engine-model.md step 9/12: floating IP keeps 10.2.1.100, which web01 does not own yet.
      allFail(before, 'onprem-to-vip', 'timeout', { code: 'GUEST_DST_NOT_OWNED', at: 'vm:web01' });
      allFail(before, 'web01-to-vip', 'timeout', { code: 'GUEST_DST_NOT_OWNED', at: 'vm:web01' });
      for (const c of of(after, 'web01-to-vip')) {
        expect(c).toMatchObject({ outcome: 'established', backend: null, http: { path: '/', status: 200 } });
        expect(c.handshakeMs).toBeLessThan(0.5);
      }
      for (const c of of(after, 'onprem-to-vip')) {
        expect(c).toMatchObject({ outcome: 'established', backend: 'web01-nic1', http: { path: '/', status: 200 } });
      }
    },
  },
  'workaround-loopback-no-weak-host.json': {
    warnings: [],
    warningsSolved: [],
    checksBefore: [true, false],
    behaviour: (before, after, scenario) => {
      // Strong host receive (Windows default): the SYN for the loopback's address is refused on the NIC.
      allFail(before, 'onprem-to-vip', 'timeout', { code: 'GUEST_STRONG_HOST_RECEIVE', at: 'vm:web01' });
      for (const c of of(before, 'web01-to-vip')) expect(c).toMatchObject({ outcome: 'established', backend: null });
      allEstablished(after, 'onprem-to-vip');
      // Receive alone is not enough: the SYN-ACK from 10.2.1.100 may not leave by the NIC (strong host send).
      const vms = structuredClone(scenario.virtualMachines ?? []);
      const nic = vms[0]?.networkInterfaces[0];
      if (nic !== undefined) nic.weakHostReceive = true;
      const half = runScenario({ ...scenario, virtualMachines: vms });
      allFail(half, 'onprem-to-vip', 'timeout', { code: 'GUEST_STRONG_HOST_SEND', at: 'vm:web01' });
    },
  },
  'workaround-nginx-proxy.json': {
    warnings: ['traffic[0].to'],
    warningsSolved: [],
    checksBefore: [false, true, true],
    behaviour: (before, after) => {
      allFail(before, 'web01-to-service', 'timeout', { code: 'TCP_SYNACK_MISMATCH', at: 'vm:web01' });
      // the ILB hairpin write-up §3.3: nginx answers the caller, and the page it returns comes from web01's IIS
      // (nginx01 serves no page of its own: only the upstream connection can produce the 200).
      for (const c of of(after, 'web01-to-service')) {
        expect(c).toMatchObject({ outcome: 'established', backend: 'nginx01-nic1', http: { path: '/', status: 200 } });
      }
    },
  },
  'not-listening-data-port.json': {
    warnings: ['loadBalancers[0].loadBalancingRules[0].backendPort'],
    warningsSolved: [],
    checksBefore: [false, true],
    behaviour: (before, after) => {
      // “Troubleshoot Azure Load Balancer” Cause 1: probed up on 8080, reset on 80.
      expect(probe(before, 'web01-nic1')?.state).toBe('up');
      allFail(before, 'onprem-to-vip', 'reset', { code: 'TCP_NO_LISTENER', at: 'vm:web01' });
      for (const c of of(before, 'onprem-to-vip')) expect(c.backend).toBe('web01-nic1');
      allEstablished(after, 'onprem-to-vip');
    },
  },
  'nsg-blocks-data-port.json': {
    warnings: [],
    warningsSolved: [],
    checksBefore: [false, true],
    behaviour: (before, after) => {
      // “Troubleshoot Azure Load Balancer” Cause 2: the probe passes, the data port is denied by the named rule.
      expect(probe(before, 'web01-nic1')?.state).toBe('up');
      allFail(before, 'onprem-to-vip', 'timeout', {
        code: 'NSG_DENY',
        at: 'nsg:nsg-web',
        rule: { kind: 'securityRule', name: 'deny-onprem-http', direction: 'Inbound' },
      });
      allEstablished(after, 'onprem-to-vip');
    },
  },
  'nsg-deny-all-blocks-probe.json': {
    warnings: ['networkSecurityGroups[0].securityRules[0].access'],
    warningsSolved: [],
    checksBefore: [false, false],
    behaviour: (before, after) => {
      // “Troubleshoot Azure Load Balancer health probe status” Cause 3: a Deny All above AllowAzureLoadBalancerInBound marks the member down.
      expect(probe(before, 'web01-nic1')).toMatchObject({ state: 'down', lastFailure: { code: 'NSG_DENY' } });
      allFail(before, 'onprem-to-vip', 'timeout', noHealthyBackend);
      expect(probe(after, 'web01-nic1')?.state).toBe('up');
    },
  },
  'firewall-blocks-probe.json': {
    warnings: [],
    warningsSolved: [],
    checksBefore: [false, false],
    behaviour: (before, after) => {
      // “Troubleshoot Azure Load Balancer health probe status” Cause 3: the guest firewall drops 168.63.129.16.
      expect(probe(before, 'web01-nic1')).toMatchObject({
        state: 'down',
        lastFailure: { code: 'GUEST_FIREWALL_BLOCK', at: 'vm:web01' },
      });
      allFail(before, 'onprem-to-vip', 'timeout', noHealthyBackend);
      expect(probe(after, 'web01-nic1')?.state).toBe('up');
    },
  },
  'probe-port-not-listening.json': {
    warnings: ['loadBalancers[0].probes[0].port'],
    warningsSolved: [],
    checksBefore: [false, false],
    behaviour: (before, after) => {
      // “Troubleshoot Azure Load Balancer health probe status” Cause 2 and “Understand Load Balancer probes”: the probe gets a reset.
      expect(probe(before, 'web01-nic1')).toMatchObject({
        state: 'down',
        healthStatus: { state: 'down', reasonCode: 'Down_Probe_TcpProbeTimeout' },
        lastFailure: { code: 'TCP_NO_LISTENER' },
      });
      allFail(before, 'onprem-to-vip', 'timeout', noHealthyBackend);
      expect(probe(after, 'web01-nic1')?.healthStatus).toEqual({ state: 'up', reasonCode: 'Up_Probe_Success' });
    },
  },
  'http-probe-500.json': {
    warnings: [],
    warningsSolved: [],
    checksBefore: [false, true, true],
    behaviour: (before, after) => {
      // “Understand Load Balancer probes”: a 500 marks the member down; new flows go to the healthy one only.
      expect(probe(before, 'web02-nic1')).toMatchObject({
        healthStatus: { state: 'down', reasonCode: 'Down_Probe_HttpStatusCodeError' },
        lastFailure: { code: 'HTTP_STATUS' },
      });
      allEstablished(before, 'onprem-to-vip');
      expect(backends(before, 'onprem-to-vip')).toEqual(new Set(['web01-nic1']));
      expect(backends(after, 'onprem-to-vip')).toEqual(new Set(['web01-nic1', 'web02-nic1']));
    },
  },
  'unhealthy-vm-stopped.json': {
    warnings: [],
    warningsSolved: [],
    checksBefore: [false, false],
    behaviour: (before, after) => {
      // “Troubleshoot Azure Load Balancer health probe status” Cause 1; engine-model.md "Health probes": a stopped VM counts as down.
      expect(probe(before, 'web01-nic1')).toMatchObject({ state: 'down', lastFailure: { code: 'VM_STOPPED' } });
      allFail(before, 'onprem-to-vip', 'timeout', noHealthyBackend);
      allEstablished(after, 'onprem-to-vip');
    },
  },
  'session-persistence-uneven.json': {
    warnings: ['loadBalancers[0].loadBalancingRules[1].backendPort'],
    warningsSolved: ['loadBalancers[0].loadBalancingRules[1].backendPort'],
    checksBefore: [false, false, true],
    behaviour: (before, after) => {
      // “Troubleshoot Azure Load Balancer” Cause 1, “What is Azure Load Balancer?” 2-tuple: one client, one member, for every rule on the frontend.
      expect(backends(before, 'onprem-web')).toEqual(new Set(['web01-nic1']));
      expect(backends(before, 'onprem-api')).toEqual(new Set(['web01-nic1']));
      allFail(before, 'onprem-api', 'reset', { code: 'TCP_NO_LISTENER', at: 'vm:web01' });
      // Default (5-tuple): the same client's connections spread over both members.
      expect(backends(after, 'onprem-web')).toEqual(new Set(['web01-nic1', 'web02-nic1']));
      for (const c of of(after, 'onprem-api')) {
        expect(c.outcome).toBe(c.backend === 'web02-nic1' ? 'established' : 'reset');
      }
    },
  },
  'clients-behind-proxy.json': {
    warnings: [],
    warningsSolved: [],
    checksBefore: [false, true],
    behaviour: (before, after) => {
      // “Troubleshoot Azure Load Balancer” data port Cause 2: the NSG sees the proxy's address, which nothing allows.
      allFail(before, 'partner', 'timeout', {
        code: 'NSG_DENY',
        at: 'nsg:nsg-web',
        rule: { name: 'DenyAllInBound', direction: 'Inbound' },
      });
      for (const c of of(before, 'partner')) expect(c.source).toMatch(/^198\.51\.100\.7:/);
      // “Troubleshoot Azure Load Balancer” uneven distribution Cause 2: one address, one member; many addresses, both members.
      allEstablished(after, 'partner');
      expect(backends(after, 'partner').size).toBe(1);
      expect(backends(after, 'web')).toEqual(new Set(['web01-nic1', 'web02-nic1']));
    },
  },
  'removed-member-existing-flows.json': {
    warnings: [],
    warningsSolved: [],
    checksBefore: [false, true],
    behaviour: (before, after) => {
      // “Troubleshoot Azure Load Balancer” "Virtual machines removed from a load balancer are receiving traffic": the sessions
      // on web02 go on after it leaves the pool at 60 s...
      const onWeb02 = (r: SimulationResult) => of(r, 'sessions').filter((c) => c.backend === 'web02-nic1');
      expect(onWeb02(after).length).toBeGreaterThan(0);
      for (const c of onWeb02(after)) expect(c.closed).toMatchObject({ by: 'client', at: expect.closeTo(300, -1) });
      // ... until the VM is stopped (at 90 s as shipped): then they die by retransmission timeout.
      for (const c of onWeb02(before)) {
        expect(c.closed).toMatchObject({ by: 'timeout', reason: { code: 'VM_STOPPED', at: 'vm:web02' } });
        expect(c.closed?.at).toBeGreaterThan(90);
      }
      for (const c of of(before, 'sessions').filter((x) => x.backend === 'web01-nic1')) {
        expect(c.closed?.by).toBe('client');
      }
      // New flows from 70 s never go to the removed member.
      for (const r of [before, after]) expect(backends(r, 'new-sessions')).toEqual(new Set(['web01-nic1']));
    },
  },
  'all-probes-down-basic-vs-standard.json': {
    // Basic is retired: the lab keeps it to show the difference, and its solution moves to Standard.
    warnings: ['loadBalancers[0].sku'],
    warningsSolved: [],
    checksBefore: [false, true],
    behaviour: (before, after) => {
      // “Understand Load Balancer probes”: /health answers 500 at 30 s, both members go down (HTTP_STATUS).
      for (const r of [before, after]) {
        for (const member of ['web01-nic1', 'web02-nic1']) {
          expect(probe(r, member)).toMatchObject({
            healthStatus: { state: 'down', reasonCode: 'Down_Probe_HttpStatusCodeError' },
            transitions: [
              { at: 0, state: 'up' },
              { at: expect.closeTo(30, 2), state: 'down' },
            ],
          });
        }
        // New connections find no healthy member on both SKUs.
        allFail(r, 'during-outage', 'timeout', noHealthyBackend);
      }
      // “What is Azure Load Balancer?” SKU table: Basic terminates every TCP connection when all probes are down...
      for (const c of of(before, 'sessions')) {
        expect(c.closed).toMatchObject({
          at: expect.closeTo(30, 2),
          by: 'loadBalancer',
          reason: { code: 'LB_NO_HEALTHY_BACKEND' },
        });
      }
      expect(backends(before, 'sessions')).toEqual(new Set(['web01-nic1', 'web02-nic1']));
      // ... Standard keeps them.
      for (const c of of(after, 'sessions')) expect(c.closed?.by).toBe('client');
    },
  },
  'idle-timeout-tcp-reset.json': {
    warnings: [],
    warningsSolved: [],
    checksBefore: [false],
    behaviour: (before, after) => {
      // engine-model.md "Idle timeout": silent, the segment at 360 s meets no flow and the Linux
      // client retransmits for about 15 minutes; the reason names no rule (no RST was sent).
      for (const c of of(before, 'pooled')) {
        expect(c.closed).toMatchObject({
          by: 'idleTimeout',
          reason: { code: 'IDLE_TIMEOUT', at: 'lb:ilb', rule: null },
        });
        expect(c.closed?.at).toBeGreaterThan(1200);
      }
      // “What is Azure Load Balancer?” "TCP Reset on Idle": a RST to both ends at the 4-minute mark, naming the rule.
      for (const c of of(after, 'pooled')) {
        expect(c.closed).toMatchObject({
          by: 'idleTimeout',
          reason: { code: 'IDLE_TIMEOUT', rule: { kind: 'loadBalancingRule', name: 'http' } },
        });
        expect(c.closed?.at).toBeGreaterThanOrEqual(240);
        expect(c.closed?.at).toBeLessThan(242);
      }
    },
  },
  'snat-exhaustion.json': {
    warnings: [],
    warningsSolved: [],
    checksBefore: [false],
    behaviour: (before, after) => {
      // 8 SNAT ports toward one destination: 8 connections, the next 4 SYNs dropped at the host.
      const list = of(before, 'api-calls');
      for (const c of list.slice(0, 8)) expect(c).toMatchObject({ outcome: 'established', closed: { by: 'client' } });
      for (const c of list.slice(8)) {
        expect(c).toMatchObject({
          outcome: 'timeout',
          reason: { code: 'SNAT_PORT_EXHAUSTED', at: 'nic:web01-nic1', rule: { kind: 'outboundRule', name: 'out' } },
        });
      }
      expect(list.length).toBe(12);
      allEstablished(after, 'api-calls');
    },
  },
  'udr-diverts-replies.json': {
    warnings: ['routeTables[0].routes[0].nextHopIpAddress'],
    warningsSolved: [],
    checksBefore: [false, true],
    behaviour: (before, after) => {
      // “Troubleshoot Azure Load Balancer health probe status” Cause 4: the probe is healthy, but the SYN-ACK follows the UDR to an appliance
      // that does not forward.
      expect(probe(before, 'web01-nic1')?.healthStatus?.state).toBe('up');
      allFail(before, 'onprem-to-vip', 'timeout', { code: 'IP_FORWARDING_DISABLED', at: 'nic:nva01-nic1' });
      for (const c of of(before, 'onprem-to-vip')) expect(c.backend).toBe('web01-nic1');
      allEstablished(after, 'onprem-to-vip');
    },
  },
  'standard-public-closed-by-default.json': {
    warnings: ['loadBalancers[0].loadBalancingRules[0].frontendIPConfiguration'],
    warningsSolved: [],
    checksBefore: [false, true],
    behaviour: (before, after) => {
      // “What is Azure Load Balancer?” "Secure by default": Standard passes nothing from the internet without an NSG.
      for (const t of ['web', 'ssh']) {
        allFail(before, t, 'timeout', { code: 'NSG_SECURE_BY_DEFAULT', at: 'nic:web01-nic1' });
      }
      allEstablished(after, 'web');
      allFail(after, 'ssh', 'timeout', { code: 'NSG_DENY', rule: { name: 'DenyAllInBound' } });
    },
  },
  'basic-public-open-by-default.json': {
    warnings: ['loadBalancers[0].sku'],
    warningsSolved: ['loadBalancers[0].sku'],
    checksBefore: [false, true],
    behaviour: (before, after) => {
      // “What is Azure Load Balancer?”: Basic is open by default, inbound NAT included.
      allEstablished(before, 'web');
      allEstablished(before, 'ssh');
      for (const c of of(before, 'ssh')) expect(c.backend).toBe('web01-nic1');
      allFail(after, 'ssh', 'timeout', { code: 'NSG_DENY', rule: { name: 'DenyAllInBound' } });
      allEstablished(after, 'web');
    },
  },
  'icmp-internal-frontend.json': {
    warnings: ['loadBalancers[0].loadBalancingRules[0].backendPort'],
    warningsSolved: [],
    checksBefore: [false, true],
    behaviour: (before, after) => {
      // “What is Azure Load Balancer?” limitations: ICMP to an internal frontend is neither forwarded nor answered.
      for (const r of [before, after]) {
        allFail(r, 'ping-vip', 'unanswered', { code: 'LB_PROTOCOL_UNSUPPORTED', at: 'frontend:ilb/fe' });
        for (const c of of(r, 'ping-vip')) expect(c.backend).toBeNull();
      }
      allFail(before, 'psping-vip', 'reset', { code: 'TCP_NO_LISTENER', at: 'vm:web01' });
      allEstablished(after, 'psping-vip');
    },
  },
  'admin-state-maintenance.json': {
    warnings: [],
    warningsSolved: [],
    checksBefore: [true, false, true],
    behaviour: (before, after) => {
      // admin-state-overview.md: Down — no new connections, whatever the probe says.
      expect(probe(before, 'web02-nic1')).toMatchObject({
        state: 'up',
        healthStatus: { reasonCode: 'Up_Probe_Success' },
      });
      expect(of(before, 'onprem-to-vip').some((c) => c.backend === 'web02-nic1')).toBe(true);
      expect(probe(after, 'web02-nic1')).toMatchObject({
        state: 'up',
        healthStatus: { state: 'down', reasonCode: 'Down_Admin' },
      });
      for (const c of of(after, 'onprem-to-vip'))
        expect(c).toMatchObject({ outcome: 'established', backend: 'web01-nic1' });
    },
  },
  'icmp-public-frontend.json': {
    warnings: [],
    warningsSolved: [],
    checksBefore: [false, false],
    behaviour: (before, after) => {
      // load-balancer-test-frontend-reachability.md: a Standard public frontend echoes while a member
      // is probed up, and answers "Destination host unreachable" when all are probed down.
      expect(probe(before, 'web01-nic1')).toMatchObject({ state: 'down', lastFailure: { code: 'HTTP_STATUS' } });
      allFail(before, 'ping', 'unanswered', { code: 'LB_NO_HEALTHY_BACKEND', at: 'frontend:plb/fe-pub' });
      for (const c of of(before, 'ping')) expect(c.reason?.detail).toContain('"Destination host unreachable"');
      for (const c of of(after, 'ping')) expect(c).toMatchObject({ outcome: 'answered', backend: null, reason: null });
      allEstablished(after, 'web');
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Layout: what the canvas draws (src/ui/canvas/toFlow.ts) must each have a place

/** Node size on the canvas, rounded up from toFlow's 152 × 62. */
const NODE = { width: 160, height: 62 };
/** Room for a rule edge's label between a frontend and its pool. */
const RULE_GAP = 260;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The element ids of the spec's table that the canvas draws; loopbacks and rules are not nodes. */
function canvasElementIds(s: Scenario): string[] {
  const ids: string[] = [];
  for (const v of s.vnets ?? []) {
    ids.push(`vnet:${v.name}`);
    for (const sn of v.subnets) ids.push(`subnet:${v.name}/${sn.name}`);
  }
  for (const n of s.networkSecurityGroups ?? []) ids.push(`nsg:${n.name}`);
  for (const t of s.routeTables ?? []) ids.push(`routeTable:${t.name}`);
  for (const vm of s.virtualMachines ?? []) {
    ids.push(`vm:${vm.name}`);
    for (const nic of vm.networkInterfaces) ids.push(`nic:${nic.name}`);
  }
  for (const lb of s.loadBalancers ?? []) {
    ids.push(`lb:${lb.name}`);
    for (const fe of lb.frontendIPConfigurations) ids.push(`frontend:${lb.name}/${fe.name}`);
    for (const pool of lb.backendAddressPools) ids.push(`pool:${lb.name}/${pool.name}`);
    for (const p of lb.probes ?? []) ids.push(`probe:${lb.name}/${p.name}`);
  }
  for (const c of s.clients ?? []) ids.push(`client:${c.name}`);
  if ((s.clients ?? []).some((c) => c.location === 'onPremises')) ids.push('gateway:onPremises');
  if ((s.clients ?? []).some((c) => (c.location ?? 'internet') === 'internet')) ids.push('internet:internet');
  return ids.sort();
}

function boxOf(s: Scenario, id: string): Box {
  const entry = s.layout?.[id];
  if (entry === undefined) throw new Error(`no layout entry for ${id}`);
  return { x: entry.x, y: entry.y, width: entry.width ?? NODE.width, height: entry.height ?? NODE.height };
}

const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height;

/** The free space between two boxes along the axis that separates them (negative: they overlap). */
const gapBetween = (a: Box, b: Box) =>
  Math.max(b.x - (a.x + a.width), a.x - (b.x + b.width), b.y - (a.y + a.height), a.y - (b.y + b.height));

function checkLayout(s: Scenario): void {
  const ids = canvasElementIds(s);
  expect(Object.keys(s.layout ?? {}).sort(), 'layout entries = canvas elements').toEqual(ids);

  const groupIds = ids.filter((id) => id.startsWith('vnet:') || id.startsWith('subnet:'));
  for (const id of groupIds) {
    const entry = s.layout?.[id];
    expect(entry?.width, `${id} width`).toBeGreaterThan(0);
    expect(entry?.height, `${id} height`).toBeGreaterThan(0);
  }
  for (const v of s.vnets ?? []) {
    for (const sn of v.subnets) {
      expect(
        inside(boxOf(s, `subnet:${v.name}/${sn.name}`), boxOf(s, `vnet:${v.name}`)),
        `${sn.name} in ${v.name}`,
      ).toBe(true);
    }
  }
  for (const vm of s.virtualMachines ?? []) {
    for (const nic of vm.networkInterfaces) {
      expect(
        inside(boxOf(s, `nic:${nic.name}`), boxOf(s, `subnet:${nicSubnet(nic)}`)),
        `${nic.name} in its subnet`,
      ).toBe(true);
    }
    const primary = vm.networkInterfaces[0];
    if (primary !== undefined) {
      expect(
        inside(boxOf(s, `vm:${vm.name}`), boxOf(s, `subnet:${nicSubnet(primary)}`)),
        `${vm.name} in its subnet`,
      ).toBe(true);
    }
  }
  for (const lb of s.loadBalancers ?? []) {
    for (const fe of lb.frontendIPConfigurations) {
      if (fe.subnet === undefined) continue;
      const feBox = boxOf(s, `frontend:${lb.name}/${fe.name}`);
      expect(inside(feBox, boxOf(s, `subnet:${fe.subnet}`)), `frontend ${fe.name} in its subnet`).toBe(true);
    }
    for (const rule of lb.loadBalancingRules ?? []) {
      const fe = boxOf(s, `frontend:${lb.name}/${rule.frontendIPConfiguration}`);
      const pool = boxOf(s, `pool:${lb.name}/${rule.backendAddressPool}`);
      expect(gapBetween(fe, pool), `room for the label of rule ${rule.name}`).toBeGreaterThanOrEqual(RULE_GAP);
    }
  }
  const leaves = ids.filter((id) => !groupIds.includes(id));
  for (let i = 0; i < leaves.length; i++) {
    for (let j = i + 1; j < leaves.length; j++) {
      const [a, b] = [leaves[i] as string, leaves[j] as string];
      expect(gapBetween(boxOf(s, a), boxOf(s, b)), `${a} and ${b} do not overlap`).toBeGreaterThan(0);
    }
  }
}

// ---------------------------------------------------------------------------------------------

describe('the library index', () => {
  it('lists every scenario file in the folder, once, and nothing else', () => {
    const files = readdirSync(LIBRARY)
      .filter((f) => f.endsWith('.json') && f !== 'index.json')
      .sort();
    const listed = index.map((e) => e.file);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual(files);
  });

  it('has an expectation here for every scenario, so none goes untested', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(index.map((e) => e.file).sort());
  });

  it('names a seed and tags for every entry', () => {
    for (const e of index) {
      expect(e.seed, e.file).toMatch(new RegExp(`${SOURCE.source}|engine-model\\.md`));
      expect(e.tags.length, e.file).toBeGreaterThan(0);
    }
  });
});

describe.each(index)('$file', (entry) => {
  const text = readText(entry.file);
  const expected = EXPECTED[entry.file] as Expectation;
  // Loaded and run per test, not while collecting: `npm run mutate` credits a test only with the
  // validation and simulation that run in it.
  let loaded: ReturnType<typeof loadScenarioText>;
  let scenario: Scenario;
  let lesson: Scenario['lesson'];
  let solved: ReturnType<typeof loadScenarioValue>;
  let solvedScenario: Scenario;
  beforeEach(() => {
    loaded = loadScenarioText(text);
    scenario = loaded.scenario as Scenario;
    lesson = scenario?.lesson;
    solved = loadScenarioValue(mergePatch(scenario, lesson?.solution));
    solvedScenario = solved.scenario as Scenario;
  });

  it('is 2-space formatted JSON, as the linter would write it', () => {
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  });

  it('loads with no error, no repair, and only the warnings it is about', () => {
    expect(loaded.errors).toEqual([]);
    expect(loaded.repairs).toEqual([]);
    expect(loaded.warnings.map((w) => w.path)).toEqual(expected.warnings);
  });

  it('has a title matching the index, a description citing its seeds, and a whole lesson', () => {
    expect(scenario.title).toBe(entry.title);
    expect(scenario.description).toMatch(SOURCE);
    expect(lesson?.goal).toBeTruthy();
    expect(lesson?.steps?.length).toBeGreaterThanOrEqual(2);
    expect(lesson?.hints?.length).toBeGreaterThanOrEqual(2);
    expect(lesson?.hints?.length).toBeLessThanOrEqual(3);
    expect(lesson?.checks?.length).toBeGreaterThanOrEqual(1);
    expect(lesson?.solution).toBeTypeOf('object');
  });

  it('places every canvas element, groups around their members, rule labels with room', () => {
    checkLayout(scenario);
  });

  it('still loads cleanly, and still places every element, with the solution applied', () => {
    expect(solved.errors).toEqual([]);
    expect(solved.repairs).toEqual([]);
    expect(solved.warnings.map((w) => w.path)).toEqual(expected.warningsSolved);
    checkLayout(solvedScenario);
  });

  it('fails its lesson as shipped, on the checks expected', () => {
    const before = runScenario(scenario);
    expect(before.lesson?.passed).toBe(false);
    expect(before.lesson?.checks.map((c) => c.passed)).toEqual(expected.checksBefore);
  });

  it('passes every check of its lesson with the solution applied', () => {
    const after = runScenario(solvedScenario);
    expect(after.lesson?.checks.map((c) => c.passed)).toEqual(expected.checksBefore.map(() => true));
    expect(after.lesson?.passed).toBe(true);
  });

  it('shows the behaviour its description teaches, for the reason it gives', () => {
    expected.behaviour(runScenario(scenario), runScenario(solvedScenario), scenario);
  });

  it('opens from a link under 2,000 characters, layout and lesson included (codec 3, shorter than codec 1)', () => {
    const written = JSON.parse(text) as unknown;
    const made = createShareLink(written);
    const link = made.ok ? made.value : made.error.message;
    expect(link.startsWith(`${DEFAULT_LINK_BASE}#s=3.`)).toBe(true);
    expect(link.length).toBeLessThan(2000);
    expect(encodeSharePayload(written, 3).length).toBeLessThan(encodeSharePayload(written, 1).length);
    const opened = loadScenarioLink(link);
    expect(opened.scenario).toEqual(written);
    expect(opened.verified).toBe(true);
  });
});
