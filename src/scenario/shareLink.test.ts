import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDefaultScenario } from './defaultScenario';
import { loadScenarioLink } from './index';
import {
  createShareLink,
  decodeBase64Url,
  decodeSharePayload,
  encodeBase64Url,
  encodeSharePayload,
  parseLinkFragment,
} from './shareLink';

const decode = (link: string): unknown => {
  const fragment = parseLinkFragment(link);
  if (!fragment.ok) throw new Error(fragment.error.message);
  const text = decodeSharePayload(fragment.value.payload);
  if (!text.ok) throw new Error(text.error.message);
  return JSON.parse(text.value);
};

describe('share links', () => {
  it('carry the scenario as written through a round trip, unknown fields included', () => {
    const scenario = { ...createDefaultScenario(), futureField: { nested: [1, 'two'] }, title: 'Ünïcødé ✓ 🚀' };
    const link = createShareLink(scenario, 'https://example.org/hairpin/');
    expect(link.startsWith('https://example.org/hairpin/#s=1.')).toBe(true);
    expect(decode(link)).toEqual(scenario);
  });

  it('accept a full URL, a #s= fragment and a bare payload, with view and challenge options', () => {
    const payload = encodeSharePayload(createDefaultScenario());
    for (const form of [`http://localhost:5173/#s=${payload}`, `#s=${payload}`, payload]) {
      expect(decode(form)).toEqual(createDefaultScenario());
    }
    const options = parseLinkFragment(`http://x/#s=${payload}&view=1&lesson=challenge`);
    expect(options.ok && { view: options.value.view, challenge: options.value.challenge }).toEqual({
      view: true,
      challenge: true,
    });
  });

  it('replace any fragment of the base URL', () => {
    expect(createShareLink({ a: 1 }, 'http://h/#old').startsWith('http://h/#s=1.')).toBe(true);
  });

  it('compress the default scenario well below its JSON size', () => {
    const json = JSON.stringify(createDefaultScenario());
    expect(encodeSharePayload(createDefaultScenario()).length).toBeLessThan(json.length / 2);
  });

  it('say a truncated link is truncated', () => {
    const payload = encodeSharePayload(createDefaultScenario());
    for (const cut of [payload.length - 1, payload.length - 7, Math.floor(payload.length / 2), 3]) {
      const result = decodeSharePayload(payload.slice(0, cut));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).toMatch(/truncated/);
    }
  });

  it('say a corrupted link is corrupted', () => {
    const payload = encodeSharePayload(createDefaultScenario());
    expect(decodeSharePayload(`${payload.slice(0, 20)}!!${payload.slice(22)}`)).toEqual({
      ok: false,
      error: { path: 'link', message: 'the link is corrupted: its data has characters a share link never contains' },
    });
  });

  it('refuse a link from a newer codec with a clear message', () => {
    expect(decodeSharePayload('9.abcd')).toEqual({
      ok: false,
      error: {
        path: 'link',
        message:
          'this link was made by a newer Hairpin (link codec 9; this version reads up to 1): update Hairpin to open it',
      },
    });
  });

  it('refuse a link with no scenario in it', () => {
    expect(parseLinkFragment('http://localhost:5173/#view=1').ok).toBe(false);
  });

  it('base64url round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(decodeBase64Url(encodeBase64Url(bytes))).toEqual(bytes);
      }),
    );
  });

  it('round-trip any JSON document (deep equal)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(decode(createShareLink(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('never throw while decoding arbitrary text, and never load a scenario from garbage', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const outcome = loadScenarioLink(text);
        expect(outcome.errors.length + (outcome.scenario === null ? 0 : 1)).toBeGreaterThan(0);
      }),
    );
  });

  it('never throw on mutated real payloads (flipped, dropped and inserted characters)', () => {
    const payload = encodeSharePayload(createDefaultScenario());
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(
        fc.nat({ max: payload.length - 1 }),
        fc.nat({ max: alphabet.length - 1 }),
        fc.constantFrom('replace', 'delete', 'insert'),
        (at, letter, how) => {
          const c = alphabet[letter] as string;
          const mutated =
            how === 'replace'
              ? payload.slice(0, at) + c + payload.slice(at + 1)
              : how === 'delete'
                ? payload.slice(0, at) + payload.slice(at + 1)
                : payload.slice(0, at) + c + payload.slice(at);
          const outcome = loadScenarioLink(`#s=${mutated}`);
          expect(outcome.scenario !== null || outcome.errors.length > 0).toBe(true);
        },
      ),
    );
  });
});
