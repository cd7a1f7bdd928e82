/**
 * restoreScenario: the editor's repairs, each reported with its path (the project's style: "Diagnostics versus
 * repairs"): drop only the broken item, remove a field of the wrong type so its default applies,
 * keep unknown fields.
 */
import { describe, expect, it } from 'vitest';
import { createDefaultScenario } from './defaultScenario';
import { restoreScenario } from './restore';

// biome-ignore lint/suspicious/noExplicitAny: a document to break is untyped on purpose.
type Loose = Record<string, any>;

function broken(change: (s: Loose) => void): unknown {
  const s = structuredClone(createDefaultScenario()) as unknown as Loose;
  change(s);
  return s;
}

describe('restoreScenario', () => {
  it('leaves a valid scenario as it is, with no repair', () => {
    const { scenario, repairs } = restoreScenario(createDefaultScenario());
    expect(repairs).toEqual([]);
    expect(scenario).toEqual(createDefaultScenario());
  });

  it('drops a broken item and says which, keeping its siblings', () => {
    const { scenario, repairs } = restoreScenario(
      broken((s) => {
        s.clients.unshift({ name: 'nameless-address' });
      }),
    );
    expect(repairs).toEqual([
      {
        path: 'clients[0]',
        message:
          'dropped: this client lacks a required field or has one of the wrong type (see the errors at this path)',
      },
    ]);
    expect(scenario.clients?.map((c) => c.name)).toEqual(['onprem']);
  });

  it('drops an item that is not an object at all', () => {
    const { scenario, repairs } = restoreScenario(broken((s) => s.traffic.push('web01 -> vip')));
    expect(repairs).toEqual([
      { path: 'traffic[1]', message: 'dropped: this item is not an object, got "web01 -> vip"' },
    ]);
    expect(scenario.traffic).toHaveLength(1);
  });

  it('drops only the broken NIC, not its VM', () => {
    const { scenario, repairs } = restoreScenario(
      broken((s) => s.virtualMachines[0].networkInterfaces.push({ name: 'web01-nic2', subnet: 'spoke/web' })),
    );
    expect(repairs.map((r) => r.path)).toEqual(['virtualMachines[0].networkInterfaces[1]']);
    expect(scenario.virtualMachines?.[0]?.networkInterfaces.map((n) => n.name)).toEqual(['web01-nic1']);
  });

  it('drops an event whose action does not exist', () => {
    const { scenario, repairs } = restoreScenario(
      broken(
        (s) =>
          (s.events = [
            { at: 1, action: 'reboot' },
            { at: 2, action: 'stopVm', vm: 'web01' },
          ]),
      ),
    );
    expect(repairs).toEqual([{ path: 'events[0]', message: expect.stringContaining('dropped: this event') }]);
    expect(scenario.events).toEqual([{ at: 2, action: 'stopVm', vm: 'web01' }]);
  });

  it('removes an optional field of the wrong type so that its default applies', () => {
    const { scenario, repairs } = restoreScenario(
      broken((s) => (s.loadBalancers[0].probes[0].intervalInSeconds = '5')),
    );
    expect(repairs).toEqual([
      {
        path: 'loadBalancers[0].probes[0].intervalInSeconds',
        message: 'removed: its value was not usable, so the default applies',
      },
    ]);
    expect(scenario.loadBalancers?.[0]?.probes?.[0]).toEqual({ name: 'p80', protocol: 'Tcp', port: 80 });
  });

  it('keeps an out-of-range number for the editor to show as an error', () => {
    const { scenario, repairs } = restoreScenario(broken((s) => (s.loadBalancers[0].probes[0].port = 0)));
    expect(repairs).toEqual([]);
    expect(scenario.loadBalancers?.[0]?.probes?.[0]?.port).toBe(0);
  });

  it('keeps unknown fields, at every depth, with their values', () => {
    const { scenario, repairs } = restoreScenario(
      broken((s) => {
        s.author = { name: 'me' };
        s.vnets[0].subnets[0].delegations = ['Microsoft.Web/serverFarms'];
        s.vnets[0].toString = 'kept';
        Object.defineProperty(s.vnets[0], '__proto__', { value: 'kept too', enumerable: true });
      }),
    );
    expect(repairs).toEqual([]);
    expect(scenario.author).toEqual({ name: 'me' });
    expect(scenario.vnets?.[0]?.subnets[0]?.delegations).toEqual(['Microsoft.Web/serverFarms']);
    expect(Object.hasOwn(scenario.vnets?.[0] ?? {}, 'toString')).toBe(true);
    expect(JSON.stringify(scenario.vnets?.[0])).toContain('"__proto__":"kept too"');
  });

  it('keeps an unknown field named __proto__ read from JSON', () => {
    const document = JSON.parse('{"format":"hairpin-scenario","version":1,"__proto__":{"polluted":true}}') as unknown;
    const { scenario } = restoreScenario(document);
    expect(Object.hasOwn(scenario, '__proto__')).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('turns a document that is not an object into an empty scenario', () => {
    expect(restoreScenario([1, 2]).scenario).toEqual({ format: 'hairpin-scenario', version: 2 });
  });

  it('replaces a wrong top-level list by nothing, reporting it', () => {
    const { scenario, repairs } = restoreScenario(broken((s) => (s.vnets = 'spoke')));
    expect(repairs).toEqual([{ path: 'vnets', message: 'removed: its value was not usable, so the default applies' }]);
    expect(scenario.vnets).toBeUndefined();
  });
});
