/** Parse-and-validate and share-link encode/decode, for the default scenario and a 1,000-element one. */
import { createDefaultScenario, loadScenarioText } from '../src/scenario/index';
import { decodeSharePayload, encodeSharePayload } from '../src/scenario/shareLink';
import { generateScenario } from './generate';
import { type Figure, round, timePerCall } from './measure';

export function run(quick: boolean): Figure[] {
  const budget = quick ? 20 : 500;
  const figures: Figure[] = [];
  const large = generateScenario(1000);
  const cases = [
    { label: 'default', scenario: createDefaultScenario(), note: 'the seeds/003 lab' },
    { label: '1000-element', scenario: large.scenario, note: `${large.elements} elements` },
  ];
  for (const { label, scenario, note } of cases) {
    const text = JSON.stringify(scenario);
    const load = timePerCall(() => {
      const outcome = loadScenarioText(text);
      if (outcome.scenario === null || outcome.errors.length > 0) throw new Error(`${label} scenario is invalid`);
    }, budget);
    figures.push({ name: `scenario.parseAndValidate.${label}`, value: round(load.medianMs), unit: 'ms', note });
    let payload = '';
    const encode = timePerCall(() => {
      payload = encodeSharePayload(scenario);
    }, budget);
    const decode = timePerCall(() => {
      if (!decodeSharePayload(payload).ok) throw new Error('decode failed');
    }, budget);
    figures.push({ name: `shareLink.encode.${label}`, value: round(encode.medianMs), unit: 'ms' });
    figures.push({ name: `shareLink.decode.${label}`, value: round(decode.medianMs), unit: 'ms' });
    figures.push({
      name: `shareLink.length.${label}`,
      value: payload.length + '#s='.length,
      unit: 'characters',
      note: 'fragment only, without the base URL',
    });
    figures.push({ name: `scenario.jsonSize.${label}`, value: text.length, unit: 'bytes' });
  }
  return figures;
}
