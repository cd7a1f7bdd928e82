/**
 * Share links (spec/scenario-format.md "Share links"): `<base>#s=<codec version>.<payload>`, the
 * payload being the scenario *as written* (not after defaults or repairs), deflated and
 * base64url-encoded. The fragment never reaches a server.
 *
 * Codec 1: JSON text → UTF-8 → raw DEFLATE (level 9) with a preset dictionary of the words a
 * scenario repeats → base64url without padding. Codec 2 (what new links use): the same with a
 * 16 KB dictionary trained on the library and the format's vocabulary (shareDictionary.ts, made
 * by scripts/share-dictionary.ts), about half as long. A codec's dictionary must never change: a
 * new dictionary is a new codec version, and old links keep decoding (shareLink.test.ts guards
 * both dictionaries' hashes and decodes a frozen codec-1 link).
 */
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';
import { err, ok, type Result } from '../shared/result';
import { CODEC2_DICTIONARY_TEXT } from './shareDictionary';
import type { Diagnostic } from './types';

/** The codec new links are made with; every older one still decodes. */
export const SHARE_CODEC_VERSION = 2;
export type ShareCodec = 1 | 2;
export const DEFAULT_LINK_BASE = 'http://localhost:5173/';
/** A decoded document larger than this is refused: a link is not a way to ship megabytes. */
export const MAX_DECODED_BYTES = 8 * 1024 * 1024;

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
const BASE64URL_INDEX = new Map([...BASE64URL].map((c, i) => [c, i]));

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
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const c = [0, 1, 2, 3].map((k) => (i + k < text.length ? BASE64URL_INDEX.get(text[i + k] as string) : 0));
    if (c.some((v) => v === undefined)) return null;
    const [c0, c1, c2, c3] = c as [number, number, number, number];
    out[o++] = (c0 << 2) | (c1 >> 4);
    if (i + 2 < text.length) out[o++] = ((c1 & 15) << 4) | (c2 >> 2);
    if (i + 3 < text.length) out[o++] = ((c2 & 3) << 6) | c3;
  }
  return out.subarray(0, o);
}

let codec2Dictionary: Uint8Array | undefined;
/** Each codec's preset dictionary (codec 2's is built on first use). */
function dictionaryOf(codec: ShareCodec): Uint8Array {
  if (codec === 1) return CODEC1_DICTIONARY;
  codec2Dictionary ??= strToU8(CODEC2_DICTIONARY_TEXT);
  return codec2Dictionary;
}

/** The `<codec>.<payload>` part of a link for a document as written (`codec`: for tests and measures). */
export function encodeSharePayload(document: unknown, codec: ShareCodec = SHARE_CODEC_VERSION): string {
  const bytes = strToU8(JSON.stringify(document));
  const compressed = deflateSync(bytes, { level: 9, mem: 8, dictionary: dictionaryOf(codec) });
  return `${codec}.${encodeBase64Url(compressed)}`;
}

export function createShareLink(document: unknown, base: string = DEFAULT_LINK_BASE): string {
  const hash = base.indexOf('#');
  return `${hash === -1 ? base : base.slice(0, hash)}#s=${encodeSharePayload(document)}`;
}

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

/** Decodes a `<codec>.<payload>` string into the JSON text of the document it carries. */
export function decodeSharePayload(payload: string): Result<string, Diagnostic> {
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
  const data = payload.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]*$/.test(data)) {
    return err({ path: 'link', message: 'the link is corrupted: its data has characters a share link never contains' });
  }
  const bytes = decodeBase64Url(data);
  if (bytes === null || bytes.length === 0) {
    return err({
      path: 'link',
      message: 'the link is truncated: its data stops part-way (was it cut short when copied?)',
    });
  }
  let text: string;
  try {
    const inflated = inflateSync(bytes, { dictionary: dictionaryOf(version as ShareCodec) });
    if (inflated.length > MAX_DECODED_BYTES) {
      return err({ path: 'link', message: `the link expands to more than ${MAX_DECODED_BYTES / 1048576} MB; refused` });
    }
    text = strFromU8(inflated);
  } catch {
    return err({
      path: 'link',
      message: 'the link is truncated or corrupted: its data does not decompress (was it cut short when copied?)',
    });
  }
  if (text.length === 0) {
    return err({ path: 'link', message: 'the link is truncated: its data is empty' });
  }
  return ok(text);
}
