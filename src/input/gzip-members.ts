import { open } from 'node:fs/promises';
import { constants, crc32, inflateRawSync } from 'node:zlib';

/** The gzip member header's magic and method (deflate): 1f 8b 08. */
export function isMemberStart(buf: Buffer, i = 0): boolean {
  return buf.length >= i + 3 && buf[i] === 0x1f && buf[i + 1] === 0x8b && buf[i + 2] === 0x08;
}

/** The whole of `buf` is the start of a member header cut short (1f, or 1f 8b): a file cut there. */
export function isMemberStartCut(buf: Buffer): boolean {
  return buf.length > 0 && buf.length < 3 && buf[0] === 0x1f && (buf.length === 1 || buf[1] === 0x8b);
}

export type MemberResult =
  | { kind: 'complete'; output: Buffer; length: number }
  | { kind: 'incomplete' }
  | { kind: 'corrupt'; message: string };

/**
 * Decode the gzip member at the start of `buf` on its own, to find exactly where it ends
 * (inflateRaw reports the deflate bytes it used; the 8-byte trailer follows). `incomplete`
 * when the member runs past the end of `buf`.
 */
export function decodeMember(buf: Buffer): MemberResult {
  if (!isMemberStart(buf)) return { kind: 'corrupt', message: 'not a gzip member header' };
  if (buf.length < 10) return { kind: 'incomplete' };
  const flags = buf[3];
  let i = 10;
  if (flags & 4) {
    if (buf.length < i + 2) return { kind: 'incomplete' };
    i += 2 + buf.readUInt16LE(i);
  }
  for (const bit of [8, 16]) {
    if (flags & bit) {
      const z = buf.indexOf(0, i);
      if (z === -1) return { kind: 'incomplete' };
      i = z + 1;
    }
  }
  if (flags & 2) i += 2;
  if (i >= buf.length) return { kind: 'incomplete' };
  try {
    const r = inflateRawSync(buf.subarray(i), { info: true, finishFlush: constants.Z_SYNC_FLUSH }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    const end = i + r.engine.bytesWritten + 8;
    // All input used and no room for the trailer: the deflate stream did not end inside buf.
    if (end > buf.length) return { kind: 'incomplete' };
    // Damaged deflate data can still inflate, to garbage that runs on into the next members:
    // only the trailer's CRC and length say whether this really was the member.
    if (buf.readUInt32LE(end - 8) !== crc32(r.buffer) || buf.readUInt32LE(end - 4) !== r.buffer.length % 2 ** 32) {
      return { kind: 'corrupt', message: 'CRC or length check failed' };
    }
    return { kind: 'complete', output: r.buffer, length: end };
  } catch (err) {
    return { kind: 'corrupt', message: (err as Error).message };
  }
}

export async function readAt(path: string, pos: number, length: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, pos);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
