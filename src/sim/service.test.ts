/**
 * The worker service: validation inside, the same result as `runScenario`, and determinism
 * through comlink over `worker_threads` (the project's style: "same scenario and seed → identical result, in
 * Node and through the worker service").
 */
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
// @ts-expect-error comlink ships no declaration for the .mjs path (its types sit in node-adapter.d.ts).
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioValue, type Scenario } from '../scenario/index';
import { labHairpinTwoBackends, labNginxProxy } from './fixtures/seed003';
import type { SimService } from './service';
import { createSimService } from './service';
import { runScenario, runScenarioBulk } from './simulate';

/** The validation warnings the service echoes in its results. */
const warningsOf = (s: Scenario) => loadScenarioValue(s).warnings;

describe('createSimService', () => {
  const service = createSimService();
  it('validates inside and answers invalid input with its errors', () => {
    const result = service.run('{"format":"hairpin-scenario","version":1,"vnets":"nope"}');
    expect(result).toMatchObject({ valid: false });
    expect('errors' in result && result.errors.length).toBeGreaterThan(0);
    expect(service.run('not json')).toMatchObject({ valid: false });
  });
  it('gives runScenario’s result for text and for a value, and the bulk result with mode bulk', () => {
    const s = labNginxProxy('windows');
    const direct = JSON.stringify(runScenario(s, { seed: 7, warnings: warningsOf(s) }));
    expect(JSON.stringify(service.run(JSON.stringify(s), { seed: 7 }))).toBe(direct);
    expect(JSON.stringify(service.run(s, { seed: 7 }))).toBe(direct);
    expect(service.run(s, { mode: 'bulk' })).toEqual(runScenarioBulk(s, { warnings: warningsOf(s) }));
  });
});

describe('the service through comlink over worker_threads', () => {
  let worker: Worker;
  let remote: Comlink.Remote<SimService>;
  beforeAll(() => {
    worker = new Worker(new URL('./testing/simServiceWorker.mjs', import.meta.url));
    remote = Comlink.wrap<SimService>(nodeEndpoint(worker));
  });
  afterAll(async () => {
    remote[Comlink.releaseProxy]();
    await worker.terminate();
  });
  it('returns the direct result byte for byte, packet events included', async () => {
    for (const s of [labHairpinTwoBackends('linux', 6), labNginxProxy('linux')]) {
      const direct = JSON.stringify(runScenario(s, { trace: true, warnings: warningsOf(s) }));
      expect(JSON.stringify(await remote.run(JSON.stringify(s), { trace: true }))).toBe(direct);
    }
  }, 30_000);
  it('returns the same bulk result and the same validation errors', async () => {
    const s = labHairpinTwoBackends('windows', 50);
    const direct = JSON.stringify(runScenarioBulk(s, { warnings: warningsOf(s) }));
    expect(JSON.stringify(await remote.run(s, { mode: 'bulk' }))).toBe(direct);
    expect(await remote.run('{}')).toEqual(createSimService().run('{}'));
  }, 30_000);
});
