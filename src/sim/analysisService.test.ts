/**
 * The service calls of the probe timeline (issue 8): the kept run's probe attempts and seeking by
 * time, on the “Troubleshoot Azure Load Balancer” two-member lab with web02 stopped at 20 s and started at 40 s
 * (engine-model.md "Health probes": a stopped VM is not probed and counts as down; “Understand Load Balancer probes”: it
 * goes up on its first success after boot).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../scenario/types';
import { createSimService } from './service';

const file = fileURLToPath(new URL('../../public/library/session-persistence-uneven.json', import.meta.url));

function stopAndStart(): Scenario {
  const { lesson: _lesson, ...s } = JSON.parse(readFileSync(file, 'utf8')) as Scenario;
  return {
    ...s,
    traffic: [{ name: 'web', from: 'onprem', to: '10.2.1.100:80', connections: 12, interval: 5, http: '/' }],
    events: [
      { at: 20, action: 'stopVm', vm: 'web02' },
      { at: 40, action: 'startVm', vm: 'web02' },
    ],
  };
}

describe('probeAttempts', () => {
  it('lists every probe verdict of the kept run in time order, failures with their reason code', () => {
    const service = createSimService();
    const kept = service.runAndKeep(stopAndStart());
    if (!kept.valid) throw new Error('invalid');
    const { attempts, total } = service.probeAttempts();
    expect(total).toBe(attempts.length);
    const web02 = attempts.filter((a) => a.member === 'web02-nic1');
    const web01 = attempts.filter((a) => a.member === 'web01-nic1');
    // A 5 s probe: a round at 0, 5, 10 … for each member, its verdict when the handshake completes.
    expect(web01.slice(0, 4).map((a) => Math.round(a.at))).toEqual([0, 5, 10, 15]);
    expect(web01.every((a) => a.ok && a.code === null && a.loadBalancer === 'ilb' && a.probe === 'p80')).toBe(true);
    expect(web02.filter((a) => a.at < 20).every((a) => a.ok)).toBe(true);
    const failures = web02.filter((a) => !a.ok);
    expect(failures.map((a) => Math.round(a.at))).toEqual([20, 25, 30, 35]);
    expect(new Set(failures.map((a) => a.code))).toEqual(new Set(['VM_STOPPED']));
    expect(web02.find((a) => Math.round(a.at) === 40)?.ok).toBe(true);
    for (let i = 1; i < attempts.length; i++)
      expect(attempts[i]?.at ?? 0).toBeGreaterThanOrEqual(attempts[i - 1]?.at ?? 0);
    // The result's transitions say the same: down at the first failure, up at the first success.
    const row = kept.result.probes.find((p) => p.member === 'web02-nic1');
    expect(row?.transitions).toEqual([
      { at: 0, state: 'up' },
      { at: 20, state: 'down' },
      { at: 40.0002, state: 'up' },
    ]);
    // The limit keeps the first ones and still counts them all.
    expect(service.probeAttempts(3)).toEqual({ attempts: attempts.slice(0, 3), total });
  });

  it('is empty without a trace', () => {
    const service = createSimService();
    expect(service.probeAttempts()).toEqual({ attempts: [], total: 0 });
    service.runAndKeep(stopAndStart(), { mode: 'bulk' });
    expect(service.probeAttempts()).toEqual({ attempts: [], total: 0 });
  });
});

describe('findTime', () => {
  it('gives the position of the first event at or after a time, in the view of a filter', () => {
    const service = createSimService();
    expect(service.findTime(3)).toBe(-1);
    service.runAndKeep(stopAndStart());
    const all = service.count();
    const at = (p: number, kind?: 'probes') => service.page(p, 1, kind === undefined ? undefined : { kind })[0];
    const p = service.findTime(20);
    expect(at(p)?.event.at).toBeGreaterThanOrEqual(20);
    expect(at(p - 1)?.event.at).toBeLessThan(20);
    expect(service.findTime(-5)).toBe(0);
    expect(service.findTime(1e9)).toBe(all - 1);
    const q = service.findTime(20, { kind: 'probes' });
    expect(at(q, 'probes')?.event.at).toBeGreaterThanOrEqual(20);
    expect(at(q - 1, 'probes')?.event.at).toBeLessThan(20);
    expect(at(q, 'probes')?.event.connection?.startsWith('probe:')).toBe(true);
  });
});
