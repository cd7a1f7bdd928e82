import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createDefaultScenario } from '../scenario/defaultScenario';
import { encodeSharePayload } from '../scenario/shareLink';
import { parseArgs } from './args';
import { simInProcess } from './inProcess';

const run = promisify(execFile);

const sim = (args: string[], files: Record<string, string> = {}) => simInProcess(args, files);

const valid = JSON.stringify(createDefaultScenario());
const broken = JSON.stringify({
  ...createDefaultScenario(),
  loadBalancers: [
    {
      name: 'ilb',
      frontendIPConfigurations: [{ name: 'fe', privateIPAddress: '10.2.1.100', subnet: 'spoke/web' }],
      backendAddressPools: [
        { name: 'pool', loadBalancerBackendAddresses: [{ networkInterfaceIPConfiguration: 'web01-nic1/ipconfig1' }] },
      ],
      probes: [{ name: 'p80', port: 0 }],
    },
  ],
});

describe('sim --check', () => {
  it('accepts a valid scenario: exit 0 and valid: true', async () => {
    const { status, stdout } = await sim(['s.json', '--check', '--json'], { 's.json': valid });
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ valid: true, errors: [], warnings: [] });
  });

  it('lists every bad field with its path and exits 2', async () => {
    const { status, stdout } = await sim(['broken.json', '--check', '--json'], { 'broken.json': broken });
    expect(status).toBe(2);
    const report = JSON.parse(stdout);
    expect(report.valid).toBe(false);
    expect(report.errors).toContainEqual({
      path: 'loadBalancers[0].probes[0].port',
      message: 'must be a whole number 1–65535, got 0',
    });
  });

  it('prints the reasons on stderr without --json', async () => {
    const { status, stdout, stderr } = await sim(['broken.json', '--check'], { 'broken.json': broken });
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('error   loadBalancers[0].probes[0].port: must be a whole number 1–65535, got 0');
  });

  it('reports broken JSON with its line and column, exit 2', async () => {
    const { status, stdout } = await sim(['b.json', '--check', '--json'], {
      'b.json': '{\n  "format": "hairpin-scenario",\n  "version": 1,,\n}',
    });
    expect(status).toBe(2);
    expect(JSON.parse(stdout).errors[0]).toEqual({
      path: '(document)',
      message: 'not valid JSON at line 3, column 16: unexpected ",\\n}", expected a string in double quotes',
    });
  });

  it('reports a missing file and a missing input, exit 2', async () => {
    const missing = await sim(['nope.json', '--check', '--json']);
    expect(missing.status).toBe(2);
    expect(JSON.parse(missing.stdout).errors[0]).toEqual({ path: 'nope.json', message: 'cannot read: no such file' });
    const none = await sim(['--check']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/missing: give a scenario file/);
  });
});

describe('sim --link', () => {
  it('round-trips a valid scenario through its link unchanged, unknown fields included', async () => {
    const scenario = { ...createDefaultScenario(), x_custom: { keep: ['me', 1] } };
    const { status, stdout } = await sim(['s.json', '--link', '--base', 'https://example.org/'], {
      's.json': JSON.stringify(scenario),
    });
    expect(status).toBe(0);
    expect(stdout.startsWith('https://example.org/#s=3.')).toBe(true);
    const back = await sim([stdout, '--check', '--json']);
    expect(back.status).toBe(0);
    expect(JSON.parse(back.stdout).warnings).toEqual([
      { path: 'x_custom', message: 'unknown field: kept as written, but Hairpin does not use it' },
    ]);
    // The link decodes to exactly the document, unknown field included.
    const relinked = await sim([stdout, '--link', '--base', 'https://example.org/']);
    expect(relinked.stdout).toBe(stdout);
  });

  it('refuses to link an invalid scenario', async () => {
    const { status } = await sim(['broken.json', '--link'], { 'broken.json': broken });
    expect(status).toBe(2);
  });

  it('says a truncated link is truncated, exit 2', async () => {
    const link = `http://localhost:5173/#s=${encodeSharePayload(createDefaultScenario())}`;
    const { status, stderr } = await sim([link.slice(0, -9), '--check']);
    expect(status).toBe(2);
    expect(stderr).toMatch(/^sim: link: the link is truncated/);
  });

  it('warns on one line that a link of an older codec could not be verified, and reads it', async () => {
    const old = await sim([`#s=${encodeSharePayload(createDefaultScenario(), 2)}`, '--check']);
    expect(old.status).toBe(0);
    expect(old.stderr).toBe(
      'sim: warning: This link was made by an older Hairpin and could not be verified: check that it shows what you expected.',
    );
    const current = await sim([`#s=${encodeSharePayload(createDefaultScenario())}`, '--check']);
    expect(current.stderr).toBe('');
  });

  it('makes no link for a scenario too large to open from one, exit 2', async () => {
    const large = JSON.stringify({ ...createDefaultScenario(), description: 'x'.repeat(1024 * 1024) });
    const { status, stdout, stderr } = await sim(['large.json', '--link'], { 'large.json': large });
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^sim: link: the scenario is too large for a share link: its JSON is 1\.0 MB, and a link may carry at most 1 MB/,
    );
  });
});

describe('argument errors', () => {
  it.each([
    [['--seed', 'x'], '--seed needs a whole number 0–4294967295, got "x"'],
    [['--until', '-1'], '--until needs a time in seconds ≥ 0, got "-1"'],
    [['--frobnicate'], 'unknown option --frobnicate'],
    [['a.json', 'b.json'], 'one input only: got "a.json" and "b.json"'],
    [['a.json', '--base', 'http://x/'], '--base only goes with --link'],
  ])('%j → %s', (args, message) => {
    expect(parseArgs(args)).toEqual({ error: message });
  });
});

describe('the real command', () => {
  it('resolves a relative path against the directory it was typed in, and never cuts a large output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hairpin-cli-'));
    // Thousands of bad probes: a report far larger than a 64 KiB pipe buffer.
    const probes = Array.from({ length: 3000 }, (_, i) => ({ name: `p${i}`, port: 0 }));
    const scenario = createDefaultScenario();
    const lb = scenario.loadBalancers?.[0];
    if (lb) lb.probes = probes;
    writeFileSync(join(dir, 'big.json'), JSON.stringify(scenario));
    const root = join(import.meta.dirname, '..', '..');
    const result = await run(
      'npm',
      ['run', '--silent', '--prefix', root, 'sim', '--', 'big.json', '--check', '--json'],
      {
        cwd: dir,
        env: { ...process.env, INIT_CWD: dir },
        maxBuffer: 64 * 1024 * 1024,
      },
    ).catch((e: { code: number; stdout: string }) => e);
    expect('code' in result ? result.code : 0).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(result.stdout.length).toBeGreaterThan(200_000);
    expect(report.errors.filter((e: { path: string }) => /probes\[\d+\]\.port$/.test(e.path))).toHaveLength(3000);
  }, 60_000);
});

describe('sim (simulation)', () => {
  it('prints exactly the result document with --json: the the ILB hairpin write-up baseline is established', async () => {
    const { status, stdout } = await sim(['s.json', '--json'], { 's.json': valid });
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.format).toBe('hairpin-result');
    expect(result.connections.map((c: { outcome: string }) => c.outcome)).toEqual([
      'established',
      'established',
      'established',
    ]);
    expect(result.connections[0].http).toEqual({ path: '/', status: 200 });
    expect(result.probes[0].healthStatus).toEqual({ state: 'up', reasonCode: 'Up_Probe_Success' });
  });

  it('echoes --seed and stops at --until', async () => {
    const { stdout } = await sim(['s.json', '--json', '--seed', '42', '--until', '0.5'], { 's.json': valid });
    const result = JSON.parse(stdout);
    expect(result.seed).toBe(42);
    expect(result.simulatedSeconds).toBe(0.5);
  });

  it('adds the packet events only with --trace', async () => {
    const plain = JSON.parse((await sim(['s.json', '--json'], { 's.json': valid })).stdout);
    const traced = JSON.parse((await sim(['s.json', '--json', '--trace'], { 's.json': valid })).stdout);
    expect(plain.events).toBeUndefined();
    expect(traced.events.length).toBeGreaterThan(10);
  });

  it('prints a readable table of connections and probes without --json', async () => {
    const { status, stdout } = await sim(['s.json'], { 's.json': valid });
    expect(status).toBe(0);
    expect(stdout).toMatch(/onprem-to-vip#0\s+192\.168\.2\.1:\d+ → 10\.2\.1\.100:80\s+established \(HTTP 200\)/);
    expect(stdout).toMatch(/ilb\/p80\s+web01-nic1\s+up\s+Up_Probe_Success/);
  });

  it('names the reason of a failed connection: the hairpin on Windows', async () => {
    const hairpin = createDefaultScenario();
    hairpin.traffic = [{ name: 'web01-to-vip', from: 'web01', to: '10.2.1.100:80' }];
    const { status, stdout } = await sim(['h.json', '--json'], { 'h.json': JSON.stringify(hairpin) });
    expect(status).toBe(0);
    const [connection] = JSON.parse(stdout).connections;
    expect(connection.outcome).toBe('timeout');
    expect(connection.reason.code).toBe('TCP_SYNACK_MISMATCH');
    expect(connection.reason.at).toBe('vm:web01');
  });

  it('is deterministic: the same scenario and seed print the same bytes', async () => {
    const a = await sim(['s.json', '--json', '--trace'], { 's.json': valid });
    const b = await sim(['s.json', '--json', '--trace'], { 's.json': valid });
    expect(a.stdout).toBe(b.stdout);
  });
});
