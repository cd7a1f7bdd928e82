import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codec3Payload, deflatedZeros } from '../../bench/bomb';
import { createDefaultScenario } from './defaultScenario';
import { loadScenarioLink } from './index';
import {
  crc32,
  createShareLink,
  decodeBase64Url,
  decodeSharePayload,
  encodeBase64Url,
  encodeSharePayload,
  inflateBounded,
  MAX_DECODED_BYTES,
  parseLinkFragment,
  SHARE_CODEC_VERSION,
  shareDictionary,
} from './shareLink';

const decode = (link: string): unknown => {
  const fragment = parseLinkFragment(link);
  if (!fragment.ok) throw new Error(fragment.error.message);
  const decoded = decodeSharePayload(fragment.value.payload);
  if (!decoded.ok) throw new Error(decoded.error.message);
  return JSON.parse(decoded.value.text);
};

/** The link `createShareLink` makes, or the reason it gave (so a refusal fails the test readably). */
const linkOf = (document: unknown, base?: string): string => {
  const made = createShareLink(document, base);
  return made.ok ? made.value : `refused: ${made.error.message}`;
};

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The largest library scenario, as written. */
const libraryScenario = (() => {
  const dir = join(__dirname, '../../public/library');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'index.json');
  const texts = files.map((f) => readFileSync(join(dir, f), 'utf8'));
  texts.sort((a, b) => b.length - a.length);
  return JSON.parse(texts[0] as string) as unknown;
})();

describe('share links', () => {
  it('carry the scenario as written through a round trip, unknown fields included', () => {
    const scenario = { ...createDefaultScenario(), futureField: { nested: [1, 'two'] }, title: 'Ünïcødé ✓ 🚀' };
    const link = linkOf(scenario, 'https://example.org/hairpin/');
    expect(link.startsWith('https://example.org/hairpin/#s=3.')).toBe(true);
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
    expect(linkOf({ a: 1 }, 'http://h/#old').startsWith('http://h/#s=3.')).toBe(true);
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
          'this link was made by a newer Hairpin (link codec 9; this version reads up to 3): update Hairpin to open it',
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
        expect(decode(linkOf(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
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

  // Made by codec 2 before codec 3 existed (the code of commit 0cb7a6d): it opens, unverified.
  const CODEC2_LINK =
    'http://localhost:5173/#s=2.I33ziltRfhWw1ATNlCYDmzrAuMwGTyMd3pN3eH3y4R0ph1fCKwhzLJtYaLmnhOxkSPedSChDQeTuRYLFO3yaFG07BayaBdUKoJWupcBZb-B-51TQHrloUJSW5wPLNgA';
  const CODEC2_DOCUMENT = {
    ...CODEC1_DOCUMENT,
    title: 'Frozen codec 2 link — ünïcødé',
    virtualMachines: [
      {
        name: 'web01',
        os: 'linux',
        networkInterfaces: [{ name: 'web01-nic1', subnet: 'spoke/web', privateIPAddress: '10.2.1.4' }],
        listeners: [{ name: 'nginx', protocol: 'Tcp', address: '0.0.0.0', port: 80, http: { '/': 200 } }],
      },
    ],
  };

  it('codec 1 links made before codec 2 still decode to the same document, unverified', () => {
    expect(decode(CODEC1_LINK)).toEqual(CODEC1_DOCUMENT);
    // And codec 1 still encodes it byte for byte as it did then.
    expect(`http://localhost:5173/#s=${encodeSharePayload(CODEC1_DOCUMENT, 1)}`).toBe(CODEC1_LINK);
    // It opens as the current format version, with the result it had (src/scenario/migrate.test.ts).
    const opened = loadScenarioLink(CODEC1_LINK);
    expect({ errors: opened.errors, verified: opened.verified, version: opened.scenario?.version }).toEqual({
      errors: [],
      verified: false,
      version: 2,
    });
    expect(opened.scenario?.virtualMachines?.[0]?.networkInterfaces[0]?.ipConfigurations).toEqual([
      { name: 'ipconfig1', subnet: 'spoke/web', privateIPAddress: '10.2.1.4' },
    ]);
  });

  it('codec 2 links made before codec 3 still decode to the same document, unverified', () => {
    const decoded = decodeSharePayload(CODEC2_LINK.slice(CODEC2_LINK.indexOf('#s=') + 3));
    expect(decoded.ok && { document: JSON.parse(decoded.value.text), verified: decoded.value.verified }).toEqual({
      document: CODEC2_DOCUMENT,
      verified: false,
    });
    expect(`http://localhost:5173/#s=${encodeSharePayload(CODEC2_DOCUMENT, 2)}`).toBe(CODEC2_LINK);
    const opened = loadScenarioLink(CODEC2_LINK);
    expect({ errors: opened.errors, verified: opened.verified }).toEqual({ errors: [], verified: false });
  });

  it('new links use codec 3, verified, and every codec round-trips any JSON document', () => {
    expect(SHARE_CODEC_VERSION).toBe(3);
    expect(encodeSharePayload(createDefaultScenario()).startsWith('3.')).toBe(true);
    expect(loadScenarioLink(linkOf(createDefaultScenario())).verified).toBe(true);
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(1 as const, 2 as const, 3 as const), (value, codec) => {
        const decoded = decodeSharePayload(encodeSharePayload(value, codec));
        expect(decoded.ok && { value: JSON.parse(decoded.value.text), verified: decoded.value.verified }).toEqual({
          value: JSON.parse(JSON.stringify(value)),
          verified: codec === 3,
        });
      }),
    );
  });

  it('a codec-2 payload does not decode as codec 1: the version picks the dictionary', () => {
    const payload = encodeSharePayload(createDefaultScenario(), 2);
    const asCodec1 = decodeSharePayload(`1${payload.slice(1)}`);
    expect(asCodec1.ok && asCodec1.value.text === JSON.stringify(createDefaultScenario())).toBe(false);
  });

  it("keep each codec's dictionary frozen: a changed dictionary must be a new codec version", () => {
    const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    expect(sha256(shareDictionary(1))).toBe('201d321dd209783d6bf3602b671c3105094a01c1cd9e9517a234b0b6f32ee545');
    expect(shareDictionary(2).length).toBe(16343);
    expect(sha256(shareDictionary(2))).toBe('2c4734ec28898aa9f381f98b63e64a8372381cd4714d3c5a79c1681526a86679');
    // Codec 3 changed the framing (a checksum), not the dictionary: it is codec 2's.
    expect(sha256(shareDictionary(3))).toBe('2c4734ec28898aa9f381f98b63e64a8372381cd4714d3c5a79c1681526a86679');
  });
});

describe('checksums (codec 3)', () => {
  it('are the CRC-32 of RFC 1952, as zlib computes it', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(crc32(bytes)).toBe(zlibCrc32(bytes));
      }),
    );
  });

  it('refuse a link whose checksum does not match its data', () => {
    const bytes = decodeBase64Url(encodeSharePayload(createDefaultScenario()).slice(2)) as Uint8Array;
    bytes[0] = (bytes[0] as number) ^ 1;
    expect(decodeSharePayload(`3.${encodeBase64Url(bytes)}`)).toEqual({
      ok: false,
      error: {
        path: 'link',
        message: 'the link is corrupted: its checksum does not match its data (was it changed when copied?)',
      },
    });
  });

  it('every single-character change of a library link opens the same document or is refused', () => {
    const link = linkOf(libraryScenario);
    const original = JSON.stringify(libraryScenario);
    const start = link.indexOf('#s=') + 3;
    let refused = 0;
    let same = 0;
    for (let at = start; at < link.length; at++) {
      // Four replacements for every character, spread over the alphabet (and over the codec digit).
      for (const step of [1, 17, 32, 63]) {
        const c = BASE64URL[(BASE64URL.indexOf(link[at] as string) + step) % 64] as string;
        const decoded = decodeSharePayload(link.slice(start, at) + c + link.slice(at + 1));
        if (!decoded.ok) refused++;
        else {
          expect(decoded.value.text).toBe(original);
          same++;
        }
      }
    }
    expect(refused + same).toBe((link.length - start) * 4);
    expect(refused).toBeGreaterThan(same);
  });
});

describe('decompression bombs', () => {
  it('inflate no further than the cap and a piece: a 100 MiB bomb is refused after about 9 MiB', async () => {
    const bomb = await deflatedZeros(100);
    expect(bomb.length).toBeLessThan(200_000);
    const inflated = inflateBounded(bomb, shareDictionary(3), MAX_DECODED_BYTES);
    expect(inflated.outcome).toBe('tooLarge');
    expect(inflated.inflated).toBeGreaterThan(MAX_DECODED_BYTES);
    expect(inflated.inflated).toBeLessThan(MAX_DECODED_BYTES + 1_100_000);
    const opened = loadScenarioLink(`#s=${codec3Payload(bomb)}`);
    expect(opened.scenario).toBeNull();
    expect(opened.errors).toEqual([
      { path: 'link', message: 'the link expands to more than 1 MB, the most a link may carry; refused' },
    ]);
  });

  it('keep a document of exactly the cap, and refuse one byte more (also past the bytes kept while counting)', () => {
    for (const size of [1000, 3 * 1024 * 1024]) {
      const data = new Uint8Array(size).fill(0x61);
      const deflated = new Uint8Array(deflateRawSync(data, { dictionary: Buffer.from(shareDictionary(3)) }));
      const exact = inflateBounded(deflated, shareDictionary(3), size);
      expect(exact.outcome === 'ok' && Buffer.from(exact.bytes).equals(data)).toBe(true);
      expect(inflateBounded(deflated, shareDictionary(3), size - 1).outcome).toBe('tooLarge');
    }
  });

  it('the app makes no link for a document it would refuse to open', () => {
    const large = { ...createDefaultScenario(), description: 'x'.repeat(MAX_DECODED_BYTES) };
    expect(createShareLink(large)).toEqual({
      ok: false,
      error: {
        path: 'link',
        message:
          'the scenario is too large for a share link: its JSON is 1.0 MB, and a link may carry at most 1 MB. Save it as a file instead',
      },
    });
    // Just under the cap, it is made and opens.
    const fits = { description: 'x'.repeat(MAX_DECODED_BYTES - 100) };
    const made = createShareLink(fits);
    expect(made.ok && decode(made.value)).toEqual(fits);
  });
});

describe('any link text (property)', () => {
  const documents = [createDefaultScenario(), libraryScenario];
  const links = documents.map((d) => linkOf(d));
  const opened = links.map((l) => loadScenarioLink(l).scenario);

  /** Never throws; a refusal says why, under `link`. */
  const refusedUnderLink = (outcome: ReturnType<typeof loadScenarioLink>) => {
    if (outcome.scenario !== null) return false;
    expect(outcome.errors.length).toBeGreaterThan(0);
    for (const e of outcome.errors) expect(e.path.startsWith('link')).toBe(true);
    return true;
  };

  it('arbitrary text is refused with a reason under link', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        expect(refusedUnderLink(loadScenarioLink(text))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('arbitrary base64url payloads behind any codec prefix are refused with a reason under link', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.nat({ max: 5 }).map(String), fc.stringMatching(/^\d{1,12}$/)),
        fc.string({ unit: fc.constantFrom(...BASE64URL), maxLength: 600 }),
        (codec, data) => {
          expect(refusedUnderLink(loadScenarioLink(`#s=${codec}.${data}`))).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a changed link of the current codec opens as exactly its document or is refused', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: links.length - 1 }),
        fc.array(
          fc.record({
            // Mostly substitutions: a shifted or cut DEFLATE stream rarely decodes at all.
            how: fc.constantFrom(
              'substitute',
              'substitute',
              'substitute',
              'substitute',
              'delete',
              'insert',
              'truncate',
            ),
            // Unbiased: fast-check otherwise favours the ends, the codec digit and the last character.
            at: fc.noBias(fc.nat({ max: 1_000_000 })),
            c: fc.constantFrom(...BASE64URL, '.', '%', '=', ' '),
          }),
          { minLength: 1, maxLength: 2 },
        ),
        (which, edits) => {
          let link = links[which] as string;
          const start = link.indexOf('#s=') + 3;
          for (const { how, at, c } of edits) {
            const i = start + (at % (link.length - start));
            if (how === 'substitute') link = link.slice(0, i) + c + link.slice(i + 1);
            else if (how === 'delete') link = link.slice(0, i) + link.slice(i + 1);
            else if (how === 'insert') link = link.slice(0, i) + c + link.slice(i);
            else link = link.slice(0, i);
          }
          const outcome = loadScenarioLink(link);
          if (!refusedUnderLink(outcome)) {
            expect(outcome.scenario).toEqual(opened[which]);
            expect(outcome.verified).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
