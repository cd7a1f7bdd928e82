import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LessonCheck, loadScenarioText, type Scenario } from '../../scenario';
import { runScenario } from '../../sim/simulate';
import { describeCheck, observedFor } from './checks';
import { applySolution } from './solution';

const scenario = (file: string): Scenario => {
  const outcome = loadScenarioText(readFileSync(join(__dirname, '../../../public/library', file), 'utf8'));
  if (outcome.scenario === null) throw new Error(file);
  return outcome.scenario;
};

describe('describeCheck', () => {
  it('says what a traffic check and a probe check ask', () => {
    const [traffic, probe] = scenario('nsg-blocks-data-port.json').lesson?.checks ?? [];
    expect(describeCheck(traffic as LessonCheck)).toBe('every connection of onprem-to-vip is established');
    expect(describeCheck(probe as LessonCheck)).toBe('web01-nic1 is probed up by ilb/p80');
    expect(describeCheck({ name: 'one', traffic: 't', expect: 'reset' })).toBe('at least one connection of t is reset');
  });

  it('says what the extended traffic checks and a distribution check ask', () => {
    expect(
      describeCheck({
        name: 'r',
        traffic: 't',
        expect: 'established',
        all: true,
        closedBy: 'reset',
        closedBefore: 300,
      }),
    ).toBe('every connection of t is established, closed by reset before 300 s');
    expect(describeCheck({ name: 'r', traffic: 't', expect: 'timeout', reason: 'NSG_DENY' })).toBe(
      'at least one connection of t is timeout with NSG_DENY',
    );
    expect(describeCheck({ name: 'd', loadBalancer: 'ilb', rule: 'http', expect: 'even', tolerance: 0.25 })).toBe(
      'ilb/http — every member of the pool: an even share each (±25 %)',
    );
    expect(
      describeCheck({
        name: 'd',
        loadBalancer: 'ilb',
        rule: 'http',
        expect: 'none',
        members: ['a', 'b'],
        traffic: 't',
      }),
    ).toBe('ilb/http (t) — a, b: none gets a connection');
  });

  it('names the fields of a kind of check it does not know', () => {
    const check = { name: 'x', distribution: 'ilb/http', atMost: 0.6 } as unknown as LessonCheck;
    expect(describeCheck(check)).toBe('distribution: ilb/http · atMost: 0.6');
  });
});

describe('observedFor', () => {
  it('tallies the outcomes and names the first failure’s reason, before the fix', () => {
    const s = scenario('nsg-blocks-data-port.json');
    const result = runScenario(s);
    const [traffic, probe] = s.lesson?.checks ?? [];
    expect(observedFor(traffic as LessonCheck, result)).toBe('3 connections: 3 timeout — NSG_DENY at nsg:nsg-web');
    expect(observedFor(probe as LessonCheck, result)).toBe('health status up (Up_Probe_Success)');
  });

  it('has no reason to give once every connection is established', () => {
    const s = scenario('nsg-blocks-data-port.json');
    const applied = applySolution(s);
    if (!applied.ok) throw new Error(applied.reason);
    const [traffic] = s.lesson?.checks ?? [];
    expect(observedFor(traffic as LessonCheck, runScenario(applied.scenario))).toBe('3 connections: 3 established');
  });

  it('says when nothing ran for the check', () => {
    const result = runScenario(scenario('nsg-blocks-data-port.json'));
    expect(observedFor({ name: 'n', traffic: 'nothing', expect: 'established' }, result)).toBe(
      'no connection of nothing ran',
    );
    expect(observedFor({ name: 'n', loadBalancer: 'ilb', probe: 'p9', member: 'x', expect: 'up' }, result)).toBe(
      'no probe ilb/p9 of x ran',
    );
  });
});
