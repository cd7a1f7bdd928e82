/**
 * Parse-and-validate and share-link encode/decode (with the link's length), for the default
 * scenario, a generated 1,000-element one and every library scenario (public/library/index.json,
 * labelled `library:<file without .json>`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDefaultScenario, loadScenarioText } from '../src/scenario/index';
import { decodeSharePayload, encodeSharePayload } from '../src/scenario/shareLink';
import type { Scenario } from '../src/scenario/types';
import { generateScenario } from './generate';
import { type Figure, round, timePerCall } from './measure';
import { root } from './preview';

function library(): { label: string; scenario: Scenario; note: string }[] {
  const dir = join(root, 'public', 'library');
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { file: string; title: string }[];
  return index.map(({ file, title }) => ({
    label: `library:${file.replace(/\.json$/, '')}`,
    scenario: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Scenario,
    note: title,
  }));
}

export function run(quick: boolean): Figure[] {
  const figures: Figure[] = [];
  const large = generateScenario(1000);
  const cases = [
    { label: 'default', scenario: createDefaultScenario(), note: 'the seeds/003 lab' },
    { label: '1000-element', scenario: large.scenario, note: `${large.elements} elements` },
    ...library(),
  ];
  for (const { label, scenario, note } of cases) {
    // Each library scenario gets a tenth of the time: there are twenty of them.
    const budget = (quick ? 20 : 500) / (label.startsWith('library:') ? 10 : 1);
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
