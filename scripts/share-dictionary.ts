/**
 * `npx tsx scripts/share-dictionary.ts [--measure] [--train BYTES] [--write]`: the preset DEFLATE
 * dictionary of share-link codec 2 (src/scenario/shareDictionary.ts), and the link-length table.
 *
 * Training (a small version of zstd's COVER algorithm): the corpus is every library scenario and
 * the default scenario as compact JSON, once with its lesson and once without. Every 8-byte string
 * that occurs in at least two documents is worth the number of documents it occurs in; candidate
 * segments (64 bytes, every 8 bytes of every document) are scored by the worth of the 8-byte
 * strings they hold that no chosen segment holds yet, and the best are taken greedily until the
 * budget is spent. A hand-written skeleton of the format's keys and values comes first, so that a
 * scenario unlike the library still finds its words; the chosen segments follow, best last
 * (DEFLATE's nearest matches are its cheapest).
 *
 * The dictionary is frozen with codec 2: `--write` refuses to replace it (a different dictionary
 * is a new codec version, and `shareLink.test.ts` guards its hash). `--measure` prints, for every
 * library scenario, its link length with codec 1 and codec 2, with and without its lesson.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, gzipSync, strToU8 } from 'fflate';
import { createDefaultScenario } from '../src/scenario/defaultScenario';
import { CODEC2_DICTIONARY_TEXT } from '../src/scenario/shareDictionary';
import { DEFAULT_LINK_BASE, encodeBase64Url, encodeSharePayload } from '../src/scenario/shareLink';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const libraryDir = join(root, 'public/library');
const target = join(root, 'src/scenario/shareDictionary.ts');

interface Doc {
  readonly file: string;
  readonly value: Record<string, unknown>;
}

function library(): Doc[] {
  return readdirSync(libraryDir)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .sort()
    .map((file) => ({ file, value: JSON.parse(readFileSync(join(libraryDir, file), 'utf8')) }));
}

const withoutLesson = (v: Record<string, unknown>) => {
  const { lesson: _lesson, ...rest } = v;
  return rest;
};

/** The format's vocabulary: keys and values as they appear in compact JSON, rarest first. */
export const SKELETON = [
  '"inboundNatRules":[{"name":"","frontendIPConfiguration":"","protocol":"Tcp","frontendPort":50001,"backendPort":3389,"networkInterface":""}]',
  '"outboundRules":[{"name":"out","frontendIPConfigurations":[""],"backendAddressPool":"pool","protocol":"All","allocatedOutboundPorts":1024,"idleTimeoutInMinutes":4,"enableTcpReset":true}]',
  '"routeTables":[{"name":"","routes":[{"name":"","addressPrefix":"0.0.0.0/0","nextHopType":"VirtualAppliance","nextHopIpAddress":"10.2.9.4"},"nextHopType":"Internet","VnetLocal","None"}]}]',
  '"loopbackInterfaces":[{"name":"lo-vip","ipAddress":"10.2.1.100","weakHostSend":true,"weakHostReceive":true}],"routes":[{"addressPrefix":"10.2.1.100/32","interface":"","nextHop":"10.2.1.1"}]',
  '"firewall":{"enabled":true,"defaultInboundAction":"Allow","rules":[{"name":"block-probe","direction":"Inbound","action":"Block","protocol":"Tcp","localPorts":"80","remoteAddresses":"168.63.129.16"}]}',
  '"linux":{"acceptLocal":false,"tcpSynLinearTimeouts":4},"ipForwarding":true,"enableIPForwarding":true,"powerState":"stopped","publicIPAddress":"20.50.1.20"',
  '{"at":60,"action":"removePoolMember","addPoolMember","stopVm","startVm","setListener","removeListener","setSecurityRule","removeSecurityRule","setProbe","setRule","setFirewallRule","removeFirewallRule","vm":"","loadBalancer":"ilb","pool":"pool","networkInterface":"","listener":"","rule":{',
  '"networkSecurityGroups":[{"name":"nsg-web","securityRules":[{"name":"","priority":100,"direction":"Inbound","access":"Deny","Allow","protocol":"*","sourceAddressPrefix":"Internet","VirtualNetwork","AzureLoadBalancer","sourcePortRange":"*","destinationAddressPrefix":"*","destinationPortRange":"80"}]}]',
  '"clients":[{"name":"users","os":"linux","ipAddress":"203.0.113.0/24","count":20,"location":"internet"},{"name":"onprem","os":"windows","ipAddress":"192.168.2.1","location":"onPremises"}]',
  '"lesson":{"goal":"","steps":["Run the traffic and ",""],"hints":["","Set \\"',
  '"checks":[{"name":"","traffic":"","expect":"established","reset","timeout","answered","unanswered","all":true,"reason":"","closedBy":"client","idleTimeout","loadBalancer","closedBefore":',
  '{"name":"","loadBalancer":"ilb","probe":"p80","member":"web01-nic1","expect":"up","down"},{"name":"","loadBalancer":"ilb","rule":"http","expect":"allMembers","even","none","members":["web02-nic1"]}],"solution":{',
  '"traffic":[{"name":"","from":"","to":"10.2.1.100:80","protocol":"Tcp","Udp","Icmp","connections":10,"startAt":0,"interval":1,"sourcePort":null,"http":"/","duration":300,"dataEvery":10}]',
  '"loadBalancers":[{"name":"plb","sku":"Basic","frontendIPConfigurations":[{"name":"fe-pub","publicIPAddress":"20.50.1.10"}],',
  '"probes":[{"name":"p80","protocol":"Http","Https","port":80,"requestPath":"/health","intervalInSeconds":5,"probeThreshold":1,"noHealthyBackendsBehavior":"AllProbedDown"}]',
  '"loadBalancingRules":[{"name":"http","frontendIPConfiguration":"fe","backendAddressPool":"pool","probe":"p80","protocol":"Tcp","frontendPort":80,"backendPort":80,"loadDistribution":"Default","SourceIP","SourceIPProtocol","enableFloatingIP":true,"idleTimeoutInMinutes":4,"enableTcpReset":false,"disableOutboundSnat":true}]}]',
  '"virtualMachines":[{"name":"web01","os":"windows","networkInterfaces":[{"name":"web01-nic1","subnet":"spoke/web","privateIPAddress":"10.2.1.4"}],"listeners":[{"name":"iis","protocol":"Tcp","address":"0.0.0.0","port":80,"http":{"/":200,"/health":200}}]}',
  '{"format":"hairpin-scenario","version":1,"title":"","description":"**seeds/00","seed":1,"vnets":[{"name":"hub","addressSpace":["10.1.0.0/16"],"subnets":[{"name":"GatewaySubnet","addressPrefix":"10.1.0.0/27"}]},{"name":"spoke","addressSpace":["10.2.0.0/16"],"subnets":[{"name":"web","addressPrefix":"10.2.1.0/24","networkSecurityGroup":"nsg-web","routeTable":"rt-web"}]}]',
  '"layout":{"client:onprem":{"x":40,"y":300},"gateway:onPremises":{"x":308,"y":300},"vnet:hub":{"x":240,"y":200,"width":240,"height":240},"subnet:hub/GatewaySubnet":{"x":256,"y":250,"width":208,"height":170},"vnet:spoke":{"x":540,"y":40,"width":1100,"height":620},"subnet:spoke/web":{"x":560,"y":90,"width":1060,"height":550},"lb:ilb":{"x":600,"y":150},"frontend:ilb/fe":{"x":600,"y":300},"probe:ilb/p80":{"x":1020,"y":150},"pool:ilb/pool":{"x":1020,"y":300},"vm:web01":{"x":1440,"y":160},"nic:web01-nic1":{"x":1220,"y":160},"internet:internet":{"x":260,"y":310}}',
].join('');

const D = 8;
const SEGMENT = 64;
const STEP = 8;

export function train(corpus: readonly string[], budget: number): string {
  // Worth of each 8-byte string: the number of documents holding it, when at least two do.
  const docsOf = new Map<string, number>();
  corpus.forEach((text) => {
    const seen = new Set<string>();
    for (let i = 0; i + D <= text.length; i++) seen.add(text.slice(i, i + D));
    for (const s of seen) docsOf.set(s, (docsOf.get(s) ?? 0) + 1);
  });
  const worth = new Map<string, number>();
  for (const [s, n] of docsOf) if (n >= 2) worth.set(s, n);
  // Whatever the skeleton already holds is covered.
  for (let i = 0; i + D <= SKELETON.length; i++) worth.delete(SKELETON.slice(i, i + D));

  const segments: string[] = [];
  for (const text of corpus) {
    for (let i = 0; i + SEGMENT <= text.length; i += STEP) segments.push(text.slice(i, i + SEGMENT));
  }
  const score = (seg: string) => {
    let total = 0;
    const seen = new Set<string>();
    for (let i = 0; i + D <= seg.length; i++) {
      const s = seg.slice(i, i + D);
      if (seen.has(s)) continue;
      seen.add(s);
      total += worth.get(s) ?? 0;
    }
    return total;
  };
  // Lazy greedy: scores only fall as segments are chosen, so a stale score is an upper bound.
  const heap = segments.map((seg, i) => ({ seg, score: score(seg), i }));
  heap.sort((a, b) => b.score - a.score || a.i - b.i);
  const chosen: string[] = [];
  const bytes = (t: string) => Buffer.byteLength(t, 'utf8');
  let size = bytes(SKELETON);
  while (heap.length > 0 && size < budget) {
    const top = heap[0] as { seg: string; score: number; i: number };
    const fresh = score(top.seg);
    const next = heap[1];
    if (next !== undefined && fresh < next.score) {
      top.score = fresh;
      // Re-insert in order (binary search on the sorted array).
      heap.shift();
      let lo = 0;
      let hi = heap.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const m = heap[mid] as { score: number; i: number };
        if (m.score > fresh || (m.score === fresh && m.i < top.i)) lo = mid + 1;
        else hi = mid;
      }
      heap.splice(lo, 0, top);
      continue;
    }
    if (fresh <= 0 || size + bytes(top.seg) > budget) break;
    heap.shift();
    chosen.push(top.seg);
    size += bytes(top.seg);
    for (let i = 0; i + D <= top.seg.length; i++) worth.delete(top.seg.slice(i, i + D));
  }
  // Best last: DEFLATE's nearest matches cost the fewest bits.
  let trained = SKELETON + chosen.reverse().join('');
  // DEFLATE's window is 32 KiB: the budget is in bytes, trimmed from the front (the least worth).
  while (bytes(trained) > budget) trained = trained.slice(1);
  return trained;
}

function corpusOf(docs: readonly Doc[]): string[] {
  const all = [...docs.map((d) => d.value), createDefaultScenario() as unknown as Record<string, unknown>];
  return all.flatMap((v) => [JSON.stringify(v), JSON.stringify(withoutLesson(v))]);
}

/** The link's length with the default base: codec 1 or 2 as shipped, or 2 with a candidate dictionary. */
function linkLength(value: unknown, codec: 1 | 2, dictionary?: Uint8Array): number {
  const payload =
    dictionary === undefined
      ? encodeSharePayload(value, codec)
      : `2.${encodeBase64Url(deflateSync(strToU8(JSON.stringify(value)), { level: 9, mem: 8, dictionary }))}`;
  return `${DEFAULT_LINK_BASE}#s=${payload}`.length;
}

function measure(docs: readonly Doc[], dictionary?: Uint8Array): void {
  const rows = docs.map((d) => ({
    file: d.file,
    json: JSON.stringify(d.value).length,
    c1: linkLength(d.value, 1),
    c2: linkLength(d.value, 2, dictionary),
    c1n: linkLength(withoutLesson(d.value), 1),
    c2n: linkLength(withoutLesson(d.value), 2, dictionary),
  }));
  rows.sort((a, b) => b.c1 - a.c1);
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(`| scenario | JSON | codec 1 | codec 2 | codec 1, no lesson | codec 2, no lesson |`);
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.file} | ${r.json} | ${r.c1} | ${r.c2} | ${r.c1n} | ${r.c2n} |`);
  const max = (k: 'c1' | 'c2' | 'c1n' | 'c2n') => Math.max(...rows.map((r) => r[k]));
  console.log(
    `| **max** | ${pad(Math.max(...rows.map((r) => r.json)), 0)} | ${max('c1')} | ${max('c2')} | ${max('c1n')} | ${max('c2n')} |`,
  );
}

const args = process.argv.slice(2);
const docs = library();
const budgetAt = args.indexOf('--train');
if (budgetAt !== -1) {
  const budget = Number(args[budgetAt + 1] ?? 16384);
  const dictionary = strToU8(train(corpusOf(docs), budget));
  console.log(`dictionary ${dictionary.length} bytes, gzip ${gzipSync(dictionary, { level: 9 }).length} bytes`);
  measure(docs, dictionary);
  // Leave one out: each scenario's link with a dictionary trained without it (a new scenario's view).
  if (args.includes('--loo')) {
    const out = docs.map((d) => {
      const rest = docs.filter((x) => x !== d);
      const dict = strToU8(train(corpusOf(rest), budget));
      return { file: d.file, c2: linkLength(d.value, 2, dict) };
    });
    console.log('leave-one-out max', Math.max(...out.map((o) => o.c2)), JSON.stringify(out));
  }
  if (args.includes('--write')) {
    if (CODEC2_DICTIONARY_TEXT.length > 0) {
      console.error(`${target} exists: the codec 2 dictionary is frozen. A new dictionary is a new codec version.`);
      process.exit(2);
    }
    writeFileSync(target, dictionarySource(dictionary));
  }
} else if (args.includes('--measure')) {
  const shipped = strToU8(CODEC2_DICTIONARY_TEXT);
  console.log(`codec 2 dictionary: ${shipped.length} bytes, gzip ${gzipSync(shipped, { level: 9 }).length} bytes\n`);
  measure(docs);
}

function dictionarySource(bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes);
  const lines: string[] = [];
  const quote = (t: string) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  for (let i = 0; i < text.length; i += 100) lines.push(`  ${quote(text.slice(i, i + 100))},`);
  return `/**
 * The preset DEFLATE dictionary of share-link codec 2, made by scripts/share-dictionary.ts from the
 * library and the format's vocabulary. FROZEN: links made with it must decode forever, so a
 * changed dictionary is a new codec version (shareLink.test.ts checks its SHA-256).
 */
export const CODEC2_DICTIONARY_TEXT = [
${lines.join('\n')}
].join('');
`;
}
