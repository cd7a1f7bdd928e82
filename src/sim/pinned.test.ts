/**
 * Pinned results: the SHA-256 of the serialised result of fixed scenarios and seeds, in bulk mode
 * (large enough that the fast path, its delay lines, the flow-table eviction and the queue's
 * compaction all run) and in trace mode with packet events (every library scenario). Performance
 * work on the engine (sched.ts, fastpath.ts, bulk.ts, simulation.ts) must leave every byte of
 * output unchanged; these hashes catch any change. Update a hash only for an intended change of
 * behaviour, and say so in the commit.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { benchLab } from '../../bench/engine.bench';
import type { Scenario } from '../scenario/types';
import { runScenario, runScenarioBulk } from './simulate';

const sha = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

const LIBRARY = fileURLToPath(new URL('../../public/library/', import.meta.url));
const library = (JSON.parse(readFileSync(`${LIBRARY}index.json`, 'utf8')) as { file: string }[]).map(({ file }) => ({
  file,
  scenario: JSON.parse(readFileSync(`${LIBRARY}${file}`, 'utf8')) as Scenario,
}));

type Nsg = NonNullable<Scenario['networkSecurityGroups']>[number];
type Rule = Nsg['securityRules'][number];

function withDenies(s: Scenario): Scenario {
  const deny = (name: string, priority: number, extra: Partial<Rule>): Rule => ({
    name,
    priority,
    direction: 'Inbound',
    access: 'Deny',
    protocol: 'Tcp',
    sourceAddressPrefix: '*',
    destinationPortRange: '80',
    ...extra,
  });
  const rules = [
    deny('deny-some-clients', 100, { sourceAddressPrefix: '172.16.8.0/22' }),
    deny('deny-high-ports', 101, { sourceAddressPrefix: '172.16.0.0/12', sourcePortRange: '50000-60000' }),
  ];
  return {
    ...s,
    networkSecurityGroups: (s.networkSecurityGroups ?? []).map((n) => ({
      ...n,
      securityRules: [...rules, ...n.securityRules.map((r) => ({ ...r, priority: r.priority + 1000 }))],
    })),
  };
}

const BULK: { name: string; scenario: () => Scenario; hash: string }[] = [
  { name: 'benchmark lab, 200,000 connections', scenario: () => benchLab(200_000), hash: '07c655bcd70be084' },
  {
    name: 'benchmark lab, all at once, seed 7',
    scenario: () => ({ ...benchLab(5_000, 0), seed: 7 }),
    hash: 'cb13126e37d2cf66',
  },
  {
    name: 'benchmark lab with events',
    scenario: () => ({
      ...benchLab(30_000, 0.001),
      events: [
        { at: 3, action: 'stopVm', vm: 'web02' },
        { at: 9.5, action: 'removePoolMember', loadBalancer: 'ilb', pool: 'pool', networkInterface: 'web03-nic1' },
        { at: 14, action: 'startVm', vm: 'web02' },
        { at: 17, action: 'setListener', vm: 'web01', listener: 'iis', port: 8080 },
        { at: 22, action: 'addPoolMember', loadBalancer: 'ilb', pool: 'pool', networkInterface: 'web03-nic1' },
      ],
    }),
    hash: 'b2c228bee584f8ed',
  },
  { name: 'benchmark lab with NSG denies', scenario: () => withDenies(benchLab(8_000)), hash: 'a9820de2ed4ac8f4' },
  {
    name: 'hosts reused while their fast-path connections are under way',
    scenario: () => {
      const s = benchLab(1_500, 0.005);
      const clients = (s.clients ?? []).map((c) => ({ ...c, ipAddress: '172.16.0.0/27', count: 16 }));
      const late = { name: 'late', from: 'onprem', to: '10.2.1.100:80', connections: 120, startAt: 1, interval: 0.043 };
      return { ...s, clients, traffic: [...(s.traffic ?? []), late] };
    },
    hash: 'd4d59019c72ef191',
  },
];

describe('pinned results (any change of output fails here)', () => {
  it.each(BULK)('bulk: $name', ({ scenario, hash }) => {
    expect(sha(runScenarioBulk(scenario()))).toBe(hash);
  });

  it('bulk and trace with events: every library scenario', () => {
    const hashes = Object.fromEntries(
      library.map(({ file, scenario }) => [
        file,
        `${sha(runScenarioBulk(scenario))} ${sha(runScenario(scenario, { trace: true }))}`,
      ]),
    );
    // bulk result, then trace result with events (a library file edited on purpose changes its line).
    expect(hashes).toEqual({
      'basic-public-open-by-default.json': 'ade8e341e61f1ef2 4bd564b9e85df166',
      'clients-behind-proxy.json': '4f59e73552fd13dd bd02840c7403f9e1',
      'firewall-blocks-probe.json': '84fde6424ef583dc 9390534a5204f11e',
      'hairpin-one-backend.json': '81339cd05225ecc1 071371293889118b',
      'hairpin-two-backends.json': '396fb92400ab15e6 368d9da754e36a77',
      'http-probe-500.json': '225ccf18a97377ff d7ff5b8cb9bd743e',
      'icmp-internal-frontend.json': '81e9e8f49035f05d 84500987f82dc6cc',
      'icmp-public-frontend.json': 'c99a7a8f773596f6 a9e33fc4d800502f',
      'lab-baseline.json': 'ad190aad20304e55 895e6d4e9527853f',
      'not-listening-data-port.json': 'f2f2e8d77daaf611 2af518dbf45415dd',
      'nsg-blocks-data-port.json': '5e803416498bc562 247b0b424f80ac44',
      'nsg-deny-all-blocks-probe.json': '9e2d8228bf296169 067f4f40d2b143dd',
      'probe-port-not-listening.json': '03f17f38a8ac259c 9463cc1389944d36',
      'session-persistence-uneven.json': '4ecc865b97f188cf b74692eb21d122e9',
      'standard-public-closed-by-default.json': '9b1a6a9602b8b4f1 5bf48e4b2f133964',
      'unhealthy-vm-stopped.json': '17914a44f53ee3eb 4b919a7ffed72c54',
      'workaround-loopback-floating-ip.json': '4373ef5ce5ff7ef2 162dafa376a8115f',
      'workaround-loopback-no-weak-host.json': 'e996c842dfbd85c6 598910e9a96cf258',
      'workaround-nginx-proxy.json': '198816de0f28071a c6944ab2606a8b14',
      'workaround-second-nic-linux.json': '37fb666198355a75 f1d44226d391c8b7',
      'workaround-second-nic-windows.json': 'b62e0fb0bb465ab5 bb297cbf438c4011',
    });
  });
});
