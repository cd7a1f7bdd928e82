/**
 * Pinned results: the SHA-256 of the serialised result of fixed scenarios and seeds, in bulk mode
 * (large enough that the fast path, its delay lines, the flow-table eviction and the queue's
 * compaction all run) and in trace mode with packet events (every library scenario). Performance
 * work on the engine (sched.ts, fastpath.ts, bulk.ts, the stages from core.ts to simulation.ts)
 * must leave every byte of output unchanged; these hashes catch any change. Update a hash only for
 * an intended change of behaviour, and say so in the commit.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { benchLab } from '../../bench/engine.bench';
import type { Scenario } from '../scenario/types';
import { withDenies } from './fixtures/denies';
import { runScenario, runScenarioBulk } from './simulate';

const sha = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

const LIBRARY = fileURLToPath(new URL('../../public/library/', import.meta.url));
const library = (JSON.parse(readFileSync(`${LIBRARY}index.json`, 'utf8')) as { file: string }[]).map(({ file }) => ({
  file,
  scenario: JSON.parse(readFileSync(`${LIBRARY}${file}`, 'utf8')) as Scenario,
}));

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
      'all-probes-down-basic-vs-standard.json': 'd0d7553128ce1c58 dc33d1dc658c6638',
      'basic-public-open-by-default.json': 'ade8e341e61f1ef2 fde71271587a6daa',
      'clients-behind-proxy.json': '4f59e73552fd13dd 6845c354847dd1b1',
      'firewall-blocks-probe.json': '84fde6424ef583dc c0cc2e8e60eea264',
      'hairpin-one-backend.json': '81339cd05225ecc1 76370b4314552d13',
      'hairpin-two-backends.json': '396fb92400ab15e6 2101f06aef462d23',
      'http-probe-500.json': '225ccf18a97377ff 12b7d6ea92d6b927',
      'icmp-internal-frontend.json': '81e9e8f49035f05d 20124ceb7cfb9c11',
      'icmp-public-frontend.json': 'c99a7a8f773596f6 0348bbda8da741d1',
      'idle-timeout-tcp-reset.json': 'a26cd4904dd1216a 8bdcb5ab5499e05a',
      'lab-baseline.json': 'ad190aad20304e55 2c69df14331d7ddd',
      'not-listening-data-port.json': 'f2f2e8d77daaf611 08c96cb68a58a353',
      'nsg-blocks-data-port.json': '5e803416498bc562 5ae175fd0ccc6fcd',
      'nsg-deny-all-blocks-probe.json': '9e2d8228bf296169 9878d57118a6bc55',
      'probe-port-not-listening.json': '03f17f38a8ac259c 63aa905dc00f9732',
      'removed-member-existing-flows.json': '3bf3924d9a7a5e5b 93e603f222b61ee7',
      'session-persistence-uneven.json': '4ecc865b97f188cf 48163566056a7dd7',
      'snat-exhaustion.json': '0f5f4387c15cd9a3 3f2f1a322fc6de8e',
      'standard-public-closed-by-default.json': '9b1a6a9602b8b4f1 407eedba9fe78143',
      'udr-diverts-replies.json': '23175330164cc77c d7dbc2967b9c4a96',
      'unhealthy-vm-stopped.json': '17914a44f53ee3eb ad93a4a718b43745',
      'workaround-loopback-floating-ip.json': '4373ef5ce5ff7ef2 8542ce40804c7c35',
      'workaround-loopback-no-weak-host.json': 'e996c842dfbd85c6 3b0c7b7f75eccfde',
      'workaround-nginx-proxy.json': '198816de0f28071a 63279f6c2c69d79e',
      'workaround-second-nic-linux.json': '37fb666198355a75 c98440582a8134c2',
      'workaround-second-nic-windows.json': 'b62e0fb0bb465ab5 1c4de54c306c193e',
    });
  });
});
