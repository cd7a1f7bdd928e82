/**
 * Reverse proxies (`proxyTo`, the ILB hairpin write-up §3.3 workaround 3) and the steady state of probes whose
 * answer goes through a proxy to a load-balancer frontend (engine-model.md "Health probes").
 */

import { describe, expect, it } from 'vitest';
import type { SimulationResult } from '../engine/result';
import { nicWithAddress } from '../scenario/members';
import { labNginxProxy, labProxyToFrontend } from './fixtures/seed003';
import { runScenario } from './simulate';

const rows = (r: SimulationResult, traffic: string) => r.connections.filter((c) => c.traffic === traffic);

describe('the ILB hairpin write-up §3.3 workaround 3: NGINX behind the ILB', () => {
  for (const os of ['windows', 'linux'] as const) {
    it(`${os}: web01 reaches the frontend; NGINX answers with web01's 200`, () => {
      const r = runScenario(labNginxProxy(os));
      for (const c of [...rows(r, 'web01-to-vip'), ...rows(r, 'onprem-to-vip')]) {
        expect(c.outcome).toBe('established');
        expect(c.backend).toMatch(/^nginx0[12]-nic1$/);
        expect(c.http).toEqual({ path: '/', status: 200 });
        expect(c.closed?.by).toBe('client');
      }
      // The handshake is with the proxy: a fabric round trip, not the web server's.
      expect(rows(r, 'web01-to-vip')[0]?.handshakeMs).toBeLessThan(2);
    });
  }
  it('the upstream connection leaves NGINX from its own address, so web01 sees no hairpin', () => {
    const r = runScenario(labNginxProxy('windows'), { trace: true });
    const upstreamSyn = (r.events ?? []).find(
      (e) => e.kind === 'send' && e.connection === 'web01-to-vip#0>upstream1' && e.packet?.flags.join() === 'SYN',
    );
    expect(upstreamSyn?.element).toMatch(/^vm:nginx0[12]$/);
    expect(upstreamSyn?.packet?.src).toMatch(/^10\.2\.1\.1[01]:\d+$/);
    expect(upstreamSyn?.packet?.dst).toBe('10.2.1.4:80');
    // The proxy's own connections are not traffic rows.
    expect(r.connections.every((c) => c.traffic === 'web01-to-vip' || c.traffic === 'onprem-to-vip')).toBe(true);
  });
  it('a failed upstream connection (reset: nothing listens) gives 502 Bad Gateway', () => {
    const r = runScenario(labNginxProxy('windows', { web: { listeners: [] } }));
    for (const c of r.connections) {
      expect(c.outcome).toBe('established');
      expect(c.http).toEqual({ path: '/', status: 502 });
    }
  });
  it('an upstream that never answers the SYN gives 504 Gateway Timeout after proxy_connect_timeout (60 s)', () => {
    const r = runScenario(
      labNginxProxy('linux', {
        upstreams: ['10.2.1.4:81'],
        web: {
          firewall: {
            rules: [{ name: 'drop-81', direction: 'Inbound', action: 'Block', protocol: 'Tcp', localPorts: '81' }],
          },
        },
      }),
    );
    const c = rows(r, 'web01-to-vip')[0];
    expect(c?.http).toEqual({ path: '/', status: 504 });
    expect(c?.closed?.at ?? 0).toBeGreaterThan(60);
    expect(c?.closed?.at ?? 0).toBeLessThan(61);
  });
  it('passes the request to the next upstream after an error (proxy_next_upstream error timeout)', () => {
    const r = runScenario(labNginxProxy('windows', { upstreams: ['10.2.1.4:81', '10.2.1.4:80'] }));
    for (const c of r.connections) expect(c.http).toEqual({ path: '/', status: 200 });
  });
  it('spreads requests round robin over the upstreams, per NGINX instance', () => {
    const s = labNginxProxy('windows', { upstreams: ['10.2.1.4:80', '10.2.1.5:80'] });
    const vm = s.virtualMachines?.[0];
    vm?.networkInterfaces.push(nicWithAddress('web01-nic2', 'spoke/web', '10.2.1.5'));
    const r = runScenario(s, { trace: true });
    const firstUpstream = new Map<string, string[]>();
    for (const e of r.events ?? []) {
      if (e.kind !== 'send' || !e.connection?.endsWith('>upstream1') || e.packet?.flags.join() !== 'SYN') continue;
      if (e.decision?.kind === 'retransmission') continue;
      const list = firstUpstream.get(e.element) ?? [];
      list.push(e.packet.dst);
      firstUpstream.set(e.element, list);
    }
    for (const dsts of firstUpstream.values()) {
      dsts.forEach((d, i) => {
        expect(d).toBe(i % 2 === 0 ? '10.2.1.4:80' : '10.2.1.5:80');
      });
    }
    expect([...firstUpstream.values()].flat()).toHaveLength(6);
  });
  it('an HTTP probe of NGINX passes through to web01 (200) and is up from time 0', () => {
    const r = runScenario(labNginxProxy('linux', { httpProbe: true }));
    expect(r.probes.map((p) => [p.member, p.state, p.transitions])).toEqual([
      ['nginx01-nic1', 'up', [{ at: 0, state: 'up' }]],
      ['nginx02-nic1', 'up', [{ at: 0, state: 'up' }]],
    ]);
  });
  it('an HTTP probe of NGINX sees the 502 when web01 does not listen, and the members go down', () => {
    const r = runScenario(labNginxProxy('linux', { httpProbe: true, web: { listeners: [] } }));
    for (const p of r.probes) {
      expect(p.healthStatus).toEqual({ state: 'down', reasonCode: 'Down_Probe_HttpStatusCodeError' });
      expect(p.lastFailure?.code).toBe('HTTP_STATUS');
    }
    expect(rows(r, 'web01-to-vip')[0]?.reason?.code).toBe('LB_NO_HEALTHY_BACKEND');
  });
});

describe('steady state: a fixpoint over probes that depend on other probes', () => {
  it('NGINX proxying to a frontend whose member fails its probe is down from time 0', () => {
    const r = runScenario(labProxyToFrontend(8080));
    const state = (lb: string) => r.probes.filter((p) => p.loadBalancer === lb).map((p) => p.transitions);
    expect(state('ilb')).toEqual([[{ at: 0, state: 'down' }]]);
    expect(state('ilb-nginx')).toEqual([[{ at: 0, state: 'down' }], [{ at: 0, state: 'down' }]]);
    for (const c of r.connections) expect(c.reason?.code).toBe('LB_NO_HEALTHY_BACKEND');
  });
  it('and up from time 0 when the member passes its probe', () => {
    const r = runScenario(labProxyToFrontend(80));
    expect(r.probes.every((p) => p.state === 'up' && p.transitions.length === 1)).toBe(true);
    for (const c of r.connections) expect(c.http).toEqual({ path: '/', status: 200 });
  });
});
