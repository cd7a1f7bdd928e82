/**
 * Decompression bombs for the tests and the robustness benchmark: raw DEFLATE (RFC 1951) of
 * `mebibytes` MiB of zeros with codec 3's dictionary, streamed through zlib from one reused 1 MiB
 * buffer (about 1,000:1, never held whole), and the codec-3 payload that frames it.
 */
import { createDeflateRaw } from 'node:zlib';
import { encodeBase64Url, shareDictionary } from '../src/scenario/shareLink';

export async function deflatedZeros(mebibytes: number): Promise<Uint8Array> {
  const deflate = createDeflateRaw({ level: 9, dictionary: Buffer.from(shareDictionary(3)) });
  const parts: Buffer[] = [];
  deflate.on('data', (part: Buffer) => parts.push(part));
  const ended = new Promise((resolve) => deflate.on('end', resolve));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < mebibytes; i++) {
    if (!deflate.write(zeros)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await ended;
  return new Uint8Array(Buffer.concat(parts));
}

/** A codec-3 payload around raw DEFLATE data (a bomb is refused before its checksum is read). */
export function codec3Payload(deflated: Uint8Array, checksum = 0): string {
  const framed = new Uint8Array(4 + deflated.length);
  new DataView(framed.buffer).setUint32(0, checksum);
  framed.set(deflated, 4);
  return `3.${encodeBase64Url(framed)}`;
}
