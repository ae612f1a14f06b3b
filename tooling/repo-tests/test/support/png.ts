// What a provider icon must be: a real PNG (signature and IHDR), square, between 32 and 512
// pixels, small enough to serve on every post.
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const MAX_BYTES = 64 * 1024

/** Width and height from a PNG's IHDR, or undefined when the bytes are not a PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

/** Why these bytes are not a usable provider icon; empty when they are. */
export function iconProblems(bytes: Buffer): string[] {
  const size = pngSize(bytes)
  if (size === undefined) return ['not a PNG (no PNG signature and IHDR chunk)']
  const problems: string[] = []
  if (size.width !== size.height) problems.push(`not square: ${size.width}×${size.height}`)
  if (size.width < 32 || size.width > 512) problems.push(`${size.width}×${size.height}: use 64×64 to 256×256`)
  if (bytes.length > MAX_BYTES) problems.push(`${bytes.length} bytes: keep it under ${MAX_BYTES}`)
  return problems
}
