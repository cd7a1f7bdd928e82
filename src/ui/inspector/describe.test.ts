import { describe, expect, it } from 'vitest';
import { createDefaultScenario } from '../../scenario';
import { describeElement, formatValue } from './describe';

const lab = createDefaultScenario();
const field = (id: string, label: string) => describeElement(lab, id)?.fields.find((f) => f.label === label)?.value;

describe('describeElement', () => {
  it('names the kind and the element', () => {
    expect(describeElement(lab, 'vm:web01')).toMatchObject({ kindLabel: 'Virtual machine', name: 'web01' });
    expect(describeElement(lab, 'rule:ilb/http')).toMatchObject({ kindLabel: 'Load-balancing rule', name: 'ilb/http' });
  });

  it('shows the fields as written, with ARM names, and lists by the names of their items', () => {
    expect(field('vm:web01', 'os')).toBe('windows');
    expect(field('vm:web01', 'networkInterfaces')).toBe('web01-nic1');
    expect(field('frontend:ilb/fe', 'privateIPAddress')).toBe('10.2.1.100');
    expect(field('frontend:ilb/fe', 'load balancer')).toBe('ilb');
    expect(field('nic:web01-nic1', 'virtual machine')).toBe('web01');
    expect(field('rule:ilb/http', 'frontendPort')).toBe('80');
    expect(field('subnet:spoke/web', 'addressPrefix')).toBe('10.2.1.0/24');
  });

  it('returns null for an id the document does not hold', () => {
    expect(describeElement(lab, 'vm:nobody')).toBeNull();
    expect(describeElement(lab, 'pool:ilb/none')).toBeNull();
    expect(describeElement(lab, 'nonsense')).toBeNull();
  });
});

describe('formatValue', () => {
  it('keeps a table cell short', () => {
    expect(formatValue({ '/': 200, '/health': 500 })).toBe('/: 200, /health: 500');
    expect(formatValue([])).toBe('none');
    expect(formatValue(['a', 'b'])).toBe('a, b');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(false)).toBe('false');
  });
});
