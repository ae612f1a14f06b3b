import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * True when `signature` is the HMAC of `data` under any of `secrets` (several while one is
 * rotated). Compares in constant time after a length check (a signature's length is no secret).
 * `encoding` is how the sender writes its digest: compared as raw bytes by default, or as the
 * bytes of its hex or base64 text (then `signature` is that text's bytes).
 * Sign the raw body bytes, never a re-encoded string: a body that is not valid UTF-8 would no
 * longer match.
 */
export function hmacMatches(
  algorithm: 'sha1' | 'sha256' | 'sha512',
  secrets: readonly string[],
  data: Uint8Array | string,
  signature: Uint8Array,
  encoding?: 'hex' | 'base64',
): boolean {
  let matched = false
  for (const secret of secrets) {
    const hmac = createHmac(algorithm, secret).update(data)
    const expected = encoding ? Buffer.from(hmac.digest(encoding), 'utf8') : hmac.digest()
    // Every secret is tried, so the time taken does not tell which one matched.
    if (expected.length === signature.length && timingSafeEqual(expected, signature)) matched = true
  }
  return matched
}
