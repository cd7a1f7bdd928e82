import { describe, expect, it } from 'vitest';
import { PALETTE_ENTRIES } from '../scenario/kinds';
import { KIND_INFO, PALETTE, PALETTE_GROUPS } from './kinds';

describe('the UI part of the kind registry', () => {
  it('lists every palette entry of the registry once, in a group', () => {
    const listed = PALETTE_GROUPS.flatMap((g) => g.entries);
    expect([...listed].sort()).toEqual(Object.keys(PALETTE_ENTRIES).sort());
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('names kinds as the editor does, capitalised', () => {
    expect(KIND_INFO.frontend.label).toBe('Frontend IP');
    expect(KIND_INFO.nsg.label).toBe('Network security group');
    expect(KIND_INFO.gateway.label).toBe('VNet gateway');
    expect(KIND_INFO.internet.label).toBe('Internet');
    expect(PALETTE.flatMap((g) => g.items.map((i) => i.label))).toContain('Reverse proxy');
  });
});
