import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../scenario';
import { runScenario } from '../../sim/simulate';
import { CSV_COLUMNS, connectionsToCsv, connectionsToJson, csvField, slugOf } from './exportTable';

const result = () => {
  const text = readFileSync(join(__dirname, '../../../public/library/nsg-blocks-data-port.json'), 'utf8');
  const scenario = loadScenarioText(text).scenario;
  if (scenario === null) throw new Error('unreadable');
  return runScenario(scenario);
};

/** A small RFC 4180 reader, to check that what we write reads back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('csvField', () => {
  it('quotes fields with commas, quotes or line breaks (RFC 4180 §2)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
  });
});

describe('connectionsToCsv', () => {
  it('writes a header and one row per connection that read back to the result', () => {
    const r = result();
    const rows = parseCsv(connectionsToCsv(r.connections));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(r.connections.length + 1);
    const at = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const first = rows[1] as string[];
    const c = r.connections[0];
    expect(first[at('connection')]).toBe('onprem-to-vip#0');
    expect(first[at('outcome')]).toBe(c?.outcome);
    expect(first[at('reasonCode')]).toBe('NSG_DENY');
    expect(first[at('reasonDetail')]).toBe(c?.reason?.detail);
    expect(first[at('reasonRule')]).toMatch(/deny-onprem-http/);
    expect(first[at('backend')]).toBe('web01-nic1');
  });

  it('gives JSON that parses back to the same connections', () => {
    const r = result();
    expect(JSON.parse(connectionsToJson(r.connections))).toEqual(r.connections);
  });
});

describe('slugOf', () => {
  it('makes a file name from a title', () => {
    expect(slugOf('An NSG rule blocks the data port')).toBe('an-nsg-rule-blocks-the-data-port');
    expect(slugOf('  ')).toBe('scenario');
    expect(slugOf(undefined, 'connections')).toBe('connections');
  });
});
