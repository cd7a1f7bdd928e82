/**
 * Share links (docs/architecture.md "Share links"): `<base>#s=<codec version>.<payload>`, the
 * payload being the scenario *as written* (not after defaults or repairs), deflated and
 * base64url-encoded. The fragment never reaches a server.
 *
 * Codec 1: JSON text → UTF-8 → raw DEFLATE (RFC 1951, level 9) with a preset dictionary of the
 * words a scenario repeats → base64url without padding (RFC 4648 §5). Codec 2: the same with a
 * 16 KB dictionary trained on the library and the format's vocabulary (shareDictionary.ts, made by
 * scripts/share-dictionary.ts), about half as long. Codec 3 (what new links use): codec 2's
 * dictionary, unchanged, and the CRC-32 (ISO 3309, as in RFC 1952) of the document's UTF-8 bytes
 * in front of the DEFLATE data, big-endian. Raw DEFLATE has no checksum of its own, so a link
 * damaged in copying could open as a *different* document; a codec-3 link opens as exactly the
 * document it was made from or is refused. The checksum is of the document, not of the compressed
 * data, so a later codec with a new dictionary keeps the same framing.
 *
 * A codec's dictionary must never change: a new dictionary is a new codec version, and old links
 * keep decoding (shareLink.test.ts guards both dictionaries' hashes and decodes frozen codec-1
 * and codec-2 links, which open as "not verified").
 *
 * Decoding never inflates more than `MAX_DECODED_BYTES` (plus one piece): DEFLATE expands up to
 * 1,032:1, so a 1 MB link could otherwise ask for a gigabyte of memory and seconds of work
 * before its size is known.
 */
import { deflateSync, Inflate, strFromU8, strToU8 } from 'fflate';
import { err, ok, type Result } from '../shared/result';
import { parseJson } from './parseJson';
import { CODEC2_DICTIONARY_TEXT } from './shareDictionary';
import type { Diagnostic } from './types';

/** The codec new links are made with; every older one still decodes. */
export const SHARE_CODEC_VERSION = 3;
export type ShareCodec = 1 | 2 | 3;
export const DEFAULT_LINK_BASE = 'http://localhost:5173/';
/**
 * A decoded document larger than this (1 MiB of UTF-8) is refused, and decoding stops as soon as
 * the output passes it; the app makes no link for a larger document. A 1,000-element scenario is
 * about 55 KB of JSON, so the cap leaves room for some 18,000 elements, while refusing a bomb costs
 * the page one inflate of 1 MiB (an 8 MiB cap made the refusal a 350 ms task on the main thread).
 */
export const MAX_DECODED_BYTES = 1024 * 1024;
/** The bytes of the CRC-32 in front of a codec-3 payload's DEFLATE data. */
const CHECKSUM_BYTES = 4;

/** The bytes of a codec's preset dictionary (for the hash guard in the tests). */
export const shareDictionary = (codec: ShareCodec): Uint8Array => dictionaryOf(codec);

// Frozen with codec 1. DEFLATE finds matches best near the end of the dictionary, so the most
// frequent words come last.
const CODEC1_DICTIONARY = strToU8(
  [
    '"outboundRules":[{"allocatedOutboundPorts":"frontendIPConfigurations":["inboundNatRules":[{',
    '"routeTables":[{"routes":[{"nextHopType":"VirtualAppliance","nextHopIpAddress":"',
    '"events":[{"at":"action":"stopVm","removePoolMember","setSecurityRule","lesson":{"goal":"steps":["hints":["checks":[{"expect":"established","all":true}',
    '"firewall":{"enabled":true,"defaultInboundAction":"Allow","rules":[{"action":"Block","localPorts":"remoteAddresses":"168.63.129.16"',
    '"loopbackInterfaces":[{"ipAddress":"weakHostSend":true,"weakHostReceive":true,"routes":[{"interface":"nextHop":"',
    '"networkSecurityGroups":[{"securityRules":[{"priority":"direction":"Inbound","access":"Deny","Allow","sourceAddressPrefix":"*","sourcePortRange":"*","destinationAddressPrefix":"*","destinationPortRange":"',
    '"clients":[{"os":"windows","ipAddress":"location":"onPremises","internet","count":',
    '"traffic":[{"from":"to":"connections":"startAt":"interval":"http":"/"',
    '"loadBalancers":[{"sku":"Standard","frontendIPConfigurations":[{"privateIPAddress":"subnet":"backendAddressPools":[{"networkInterfaces":["probes":[{"protocol":"Tcp","port":80,"intervalInSeconds":5,"probeThreshold":1,"requestPath":"/health"',
    '"loadBalancingRules":[{"frontendIPConfiguration":"backendAddressPool":"probe":"frontendPort":80,"backendPort":80,"loadDistribution":"Default","enableFloatingIP":true,"idleTimeoutInMinutes":4,"enableTcpReset":false',
    '"virtualMachines":[{"os":"linux","powerState":"running","networkInterfaces":[{"subnet":"privateIPAddress":"10.2.1.","listeners":[{"protocol":"Tcp","address":"0.0.0.0","port":80,"http":{"/":200}}]',
    '{"format":"hairpin-scenario","version":1,"title":"description":"seed":1,"vnets":[{"name":"addressSpace":["10.0.0.0/16"],"subnets":[{"name":"addressPrefix":"10.0.1.0/24"}]}],',
    '"layout":{"vm:"nic:"lb:"frontend:"pool:"probe:"client:"subnet:"vnet:":{"x":,"y":,"width":,"height":}},',
  ].join(''),
);

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Each character code's base64url value, or -1 (a table: a link may be megabytes long). */
const BASE64URL_INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) BASE64URL_INDEX[BASE64URL.charCodeAt(i)] = i;

export function encodeBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] as number;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    out += BASE64URL[b0 >> 2];
    out += BASE64URL[((b0 & 3) << 4) | ((b1 ?? 0) >> 4)];
    if (b1 !== undefined) out += BASE64URL[((b1 & 15) << 2) | ((b2 ?? 0) >> 6)];
    if (b2 !== undefined) out += BASE64URL[b2 & 63];
  }
  return out;
}

/** Null when the text holds a character outside base64url or has an impossible length. */
export function decodeBase64Url(text: string): Uint8Array | null {
  const lazy = lazyBase64Url(text);
  if (lazy === null) return null;
  const bytes = lazy.upTo(lazy.length);
  return lazy.valid() ? bytes : null;
}

/**
 * Bytes decoded on demand: `upTo(n)` decodes the text as far as the first `n` bytes and returns
 * the buffer (the bytes past those decoded so far are zero). Decoding a link this way costs what
 * the inflater reads, not what the link holds: a 1.4 MB bomb is refused after a few KB.
 */
export interface ByteSource {
  readonly length: number;
  upTo(end: number): Uint8Array;
}

/** A base64url text (RFC 4648 §5, no padding) as a `ByteSource`; null when its length is impossible. */
function lazyBase64Url(text: string): (ByteSource & { readonly valid: () => boolean }) | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let i = 0;
  let o = 0;
  let bits = 0;
  let held = 0;
  let bad = false;
  const upTo = (end: number): Uint8Array => {
    while (o < end && i < text.length) {
      const code = text.charCodeAt(i++);
      const v = code < 128 ? (BASE64URL_INDEX[code] as number) : -1;
      if (v < 0) bad = true;
      bits = ((bits << 6) | (v & 63)) & 0xffffff;
      held += 6;
      if (held >= 8) {
        held -= 8;
        out[o++] = (bits >> held) & 0xff;
      }
    }
    return out;
  };
  return {
    length: out.length,
    upTo,
    valid: () => !bad,
  };
}

let codec2Dictionary: Uint8Array | undefined;
/** Each codec's preset dictionary (codec 2's is built on first use; codec 3 reuses it unchanged). */
function dictionaryOf(codec: ShareCodec): Uint8Array {
  if (codec === 1) return CODEC1_DICTIONARY;
  codec2Dictionary ??= strToU8(CODEC2_DICTIONARY_TEXT);
  return codec2Dictionary;
}

let crcTable: Uint32Array | undefined;
/** CRC-32 of ISO 3309 as RFC 1952 §8 computes it (reflected polynomial 0xEDB88320), as gzip and zlib do. */
export function crc32(bytes: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const b of bytes) crc = (crcTable[(crc ^ b) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The `<codec>.<payload>` part of a link for a document as written, without the checks of
 * `createShareLink` (`codec`: for tests and measures; links are made with the current one).
 */
export function encodeSharePayload(document: unknown, codec: ShareCodec = SHARE_CODEC_VERSION): string {
  return encodeText(JSON.stringify(document) ?? 'null', codec);
}

function encodeText(text: string, codec: ShareCodec): string {
  const bytes = strToU8(text);
  const compressed = deflateSync(bytes, { level: 9, mem: 8, dictionary: dictionaryOf(codec) });
  if (codec < 3) return `${codec}.${encodeBase64Url(compressed)}`;
  const framed = new Uint8Array(CHECKSUM_BYTES + compressed.length);
  new DataView(framed.buffer).setUint32(0, crc32(bytes));
  framed.set(compressed, CHECKSUM_BYTES);
  return `${codec}.${encodeBase64Url(framed)}`;
}

/**
 * The share link of a document as written, or why there is none: the app makes no link it would
 * refuse to open. The JSON text the link would carry goes through the checks a decoded link
 * faces (its size, then `parseJson`, so any limit parseJson sets holds for making links too).
 */
export function createShareLink(document: unknown, base: string = DEFAULT_LINK_BASE): Result<string, Diagnostic> {
  const text = JSON.stringify(document) as string | undefined;
  if (text === undefined) return err({ path: 'link', message: 'there is no document to share' });
  // UTF-8 is at most 3 bytes per UTF-16 code unit: count exactly only when it could matter.
  const size = text.length * 3 <= MAX_DECODED_BYTES ? text.length : strToU8(text).length;
  if (size > MAX_DECODED_BYTES) {
    return err({
      path: 'link',
      message: `the scenario is too large for a share link: its JSON is ${(size / 1048576).toFixed(1)} MB, and a link may carry at most ${megabytes(MAX_DECODED_BYTES)} MB. Save it as a file instead`,
    });
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    return err({
      path: 'link',
      message: `the scenario cannot be shared as a link, because the link would be refused when opened: ${parsed.error.message}`,
    });
  }
  const hash = base.indexOf('#');
  return ok(`${hash === -1 ? base : base.slice(0, hash)}#s=${encodeText(text, SHARE_CODEC_VERSION)}`);
}

const megabytes = (bytes: number) => Number((bytes / 1048576).toFixed(1));

export interface LinkOptions {
  /** `&view=1`: the read-only viewer. */
  view: boolean;
  /** `&lesson=challenge`: the lesson with its solution hidden. */
  challenge: boolean;
}

/** True when the text looks like a share link (URL with `#s=`, a `#s=` fragment, or a bare payload). */
export function looksLikeShareLink(text: string): boolean {
  const t = text.trim();
  return /#s=/.test(t) || /^s=/.test(t) || /^\d+\.[A-Za-z0-9_-]*$/.test(t);
}

/** Splits a link, a fragment or a bare payload into its payload and options. */
export function parseLinkFragment(text: string): Result<{ payload: string } & LinkOptions, Diagnostic> {
  let t = text.trim();
  const hash = t.indexOf('#');
  if (hash !== -1) t = t.slice(hash + 1);
  const params = new Map<string, string>();
  if (/^\d+\./.test(t)) {
    params.set('s', t);
  } else {
    for (const part of t.split('&')) {
      const eq = part.indexOf('=');
      if (eq > 0) params.set(part.slice(0, eq), part.slice(eq + 1));
    }
  }
  const payload = params.get('s');
  if (payload === undefined || payload === '') {
    return err({ path: 'link', message: 'this link holds no scenario: expected "#s=<version>.<data>"' });
  }
  return ok({ payload, view: params.get('view') === '1', challenge: params.get('lesson') === 'challenge' });
}

/** What a link decoded to: the document's JSON text, and whether its checksum vouched for it. */
export interface DecodedLink {
  readonly text: string;
  /** True for a codec-3 link whose CRC-32 matched; false for codecs 1 and 2, which carry none. */
  readonly verified: boolean;
}

/** Decodes a `<codec>.<payload>` string into the JSON text of the document it carries. */
export function decodeSharePayload(payload: string): Result<DecodedLink, Diagnostic> {
  const dot = payload.indexOf('.');
  const versionText = dot === -1 ? '' : payload.slice(0, dot);
  if (!/^\d+$/.test(versionText)) {
    return err({
      path: 'link',
      message: 'this is not a Hairpin share link: it must start with "<version>." (e.g. "1.")',
    });
  }
  const version = Number(versionText);
  if (version > SHARE_CODEC_VERSION) {
    return err({
      path: 'link',
      message: `this link was made by a newer Hairpin (link codec ${version}; this version reads up to ${SHARE_CODEC_VERSION}): update Hairpin to open it`,
    });
  }
  if (version < 1) return err({ path: 'link', message: `unknown link codec ${version}` });
  const codec = version as ShareCodec;
  const data = payload.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]*$/.test(data)) {
    return err({ path: 'link', message: 'the link is corrupted: its data has characters a share link never contains' });
  }
  // The characters were checked above, so only the length can make the data impossible.
  const bytes = lazyBase64Url(data);
  const checked = codec >= 3;
  const skip = checked ? CHECKSUM_BYTES : 0;
  if (bytes === null || bytes.length <= skip) {
    return err({
      path: 'link',
      message: 'the link is truncated: its data stops part-way (was it cut short when copied?)',
    });
  }
  const compressed: ByteSource = {
    length: bytes.length - skip,
    upTo: (end) => bytes.upTo(skip + end).subarray(skip),
  };
  const inflated = inflateBounded(compressed, dictionaryOf(codec), MAX_DECODED_BYTES);
  if (inflated.outcome !== 'ok') {
    return err({
      path: 'link',
      message:
        inflated.outcome === 'tooLarge'
          ? `the link expands to more than ${megabytes(MAX_DECODED_BYTES)} MB, the most a link may carry; refused`
          : 'the link is truncated or corrupted: its data does not decompress (was it cut short when copied?)',
    });
  }
  if (checked && new DataView(bytes.upTo(CHECKSUM_BYTES).buffer).getUint32(0) !== crc32(inflated.bytes)) {
    return err({
      path: 'link',
      message: 'the link is corrupted: its checksum does not match its data (was it changed when copied?)',
    });
  }
  let text: string;
  try {
    text = strFromU8(inflated.bytes);
  } catch {
    return err({ path: 'link', message: 'the link is corrupted: its data is not UTF-8 text' });
  }
  if (text.length === 0) {
    return err({ path: 'link', message: 'the link is truncated: its data is empty' });
  }
  return ok({ text, verified: checked });
}

/**
 * Input bytes inflated at a time. DEFLATE expands at most 1,032:1 (a 258-byte match in two bits),
 * so one piece yields at most about 1 MiB, and decoding stops within a piece of the cap.
 */
const INFLATE_PIECE = 1024;
/**
 * Output kept while inflating. Past it, inflating only counts (so refusing a link holds no more
 * than this and a piece), and a document that turns out to fit the cap is inflated again.
 */
const KEEP_BYTES = 1024 * 1024;

/** What `inflateBounded` did; `inflated` counts every byte it produced, kept or not. */
export type BoundedInflate =
  | { readonly outcome: 'ok'; readonly bytes: Uint8Array; readonly inflated: number }
  | { readonly outcome: 'tooLarge' | 'corrupt'; readonly inflated: number };

/**
 * Raw DEFLATE (RFC 1951) with a preset dictionary, fed to fflate's streaming `Inflate` a piece at
 * a time and abandoned once the output passes `cap` bytes: time and memory are bounded by `cap`
 * plus one piece's output, however far the data would expand. (`inflateSync` cannot be bounded:
 * it grows its buffer to the whole output, and with a fixed `out` buffer it drops the bytes past
 * the end but still decodes to the end of the data.)
 */
export function inflateBounded(data: Uint8Array | ByteSource, dictionary: Uint8Array, cap: number): BoundedInflate {
  const first = inflatePieces(data, dictionary, cap, Math.min(cap, KEEP_BYTES));
  if (first.outcome !== 'counted') return first;
  const second = inflatePieces(data, dictionary, cap, cap);
  const inflated = first.inflated + second.inflated;
  return second.outcome === 'ok' ? { ...second, inflated } : { outcome: 'corrupt', inflated };
}

function inflatePieces(
  data: Uint8Array | ByteSource,
  dictionary: Uint8Array,
  cap: number,
  keep: number,
): BoundedInflate | { readonly outcome: 'counted'; readonly inflated: number } {
  let kept: Uint8Array[] | null = [];
  let inflated = 0;
  const inflate = new Inflate({ dictionary }, (chunk) => {
    inflated += chunk.length;
    if (inflated > keep) kept = null;
    else kept?.push(chunk);
  });
  try {
    for (let at = 0; at < data.length && inflated <= cap; at += INFLATE_PIECE) {
      const end = Math.min(at + INFLATE_PIECE, data.length);
      const bytes = data instanceof Uint8Array ? data : data.upTo(end);
      inflate.push(bytes.subarray(at, end), end === data.length);
    }
  } catch {
    return { outcome: 'corrupt', inflated };
  }
  if (inflated > cap) return { outcome: 'tooLarge', inflated };
  const chunks = kept as Uint8Array[] | null;
  if (chunks === null) return { outcome: 'counted', inflated };
  const bytes = new Uint8Array(inflated);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return { outcome: 'ok', bytes, inflated };
}
