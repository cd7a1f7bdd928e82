import { createHash } from 'node:crypto';
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
  shareDictionary,
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
    expect(link.startsWith('https://example.org/hairpin/#s=2.')).toBe(true);
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
    expect(createShareLink({ a: 1 }, 'http://h/#old').startsWith('http://h/#s=2.')).toBe(true);
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
          'this link was made by a newer Hairpin (link codec 9; this version reads up to 2): update Hairpin to open it',
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

describe('link codecs', () => {
  // Made by codec 1 before codec 2 existed (the code of commit 4758d04~1): old links open forever.
  const CODEC1_LINK =
    'http://localhost:5173/#s=1.Iz1I3Iryq1LzFJLzU1KTFQwVgJGfrfCoYYrC4T15h9cnH96RcngluKICBZU5lqAqLsjPBlVcWILMCH-QlacmIfQhBxwosSAFHLaEijDCwBBoCFrRiD2JIuvRBYY_SCM82YK9oQ9xEu4kDHISeiqGGpuZCbKZ0iSNkVAgPoTEu4UZUAsw6o2MgEqBJWxpSWlRqltmKqjwigZFaXm-UmwtAA';
  const CODEC1_DOCUMENT = {
    format: 'hairpin-scenario',
    version: 1,
    title: 'Frozen codec 1 link — ünïcødé',
    seed: 7,
    vnets: [{ name: 'spoke', addressSpace: ['10.2.0.0/16'], subnets: [{ name: 'web', addressPrefix: '10.2.1.0/24' }] }],
    virtualMachines: [
      {
        name: 'web01',
        os: 'windows',
        networkInterfaces: [{ name: 'web01-nic1', subnet: 'spoke/web', privateIPAddress: '10.2.1.4' }],
        listeners: [{ name: 'iis', protocol: 'Tcp', address: '0.0.0.0', port: 80, http: { '/': 200 } }],
      },
    ],
    layout: { 'vm:web01': { x: 860, y: 220 } },
    futureField: [1, 'two'],
  };

  it('codec 1 links made before codec 2 still decode to the same document', () => {
    expect(decode(CODEC1_LINK)).toEqual(CODEC1_DOCUMENT);
    // And codec 1 still encodes it byte for byte as it did then.
    expect(`http://localhost:5173/#s=${encodeSharePayload(CODEC1_DOCUMENT, 1)}`).toBe(CODEC1_LINK);
  });

  it('new links use codec 2, and both codecs round-trip any JSON document', () => {
    expect(encodeSharePayload(createDefaultScenario()).startsWith('2.')).toBe(true);
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(1 as const, 2 as const), (value, codec) => {
        const text = decodeSharePayload(encodeSharePayload(value, codec));
        expect(text.ok && JSON.parse(text.value)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('a codec-2 payload does not decode as codec 1: the version picks the dictionary', () => {
    const payload = encodeSharePayload(createDefaultScenario(), 2);
    const asCodec1 = decodeSharePayload(`1${payload.slice(1)}`);
    expect(asCodec1.ok && asCodec1.value === JSON.stringify(createDefaultScenario())).toBe(false);
  });

  it("keep each codec's dictionary frozen: a changed dictionary must be a new codec version", () => {
    const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    expect(sha256(shareDictionary(1))).toBe('201d321dd209783d6bf3602b671c3105094a01c1cd9e9517a234b0b6f32ee545');
    expect(shareDictionary(2).length).toBe(16343);
    expect(sha256(shareDictionary(2))).toBe('2c4734ec28898aa9f381f98b63e64a8372381cd4714d3c5a79c1681526a86679');
  });
});
