import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { SignatureError } from './errors.js'
import type { WebhookRequest } from './request.js'

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

/** How a sender signs its webhooks: an HMAC of the raw body, written into one header. */
export interface HmacScheme {
  /** The header carrying the signature (`X-Hub-Signature-256`). */
  header: string
  algorithm: 'sha1' | 'sha256' | 'sha512'
  /** How the digest is written: `hex` (GitHub, Sentry) or `base64` (Heroku, Shopify). */
  encoding: 'hex' | 'base64'
  /** Text before the digest, compared case-insensitively (`sha256=`); none by default. */
  prefix?: string
  /** The sender's name, for messages that say where to fix the secret (`GitHub`). */
  sender: string
}

const DIGEST_BYTES = { sha1: 20, sha256: 32, sha512: 64 } as const

/** A body's signature as the sender writes it into `scheme.header`: `sha256=` + hex, or base64. */
export function signHmac(scheme: HmacScheme, body: Uint8Array | string, secret: string): string {
  return `${scheme.prefix ?? ''}${createHmac(scheme.algorithm, secret).update(body).digest(scheme.encoding)}`
}

/** The headers a sender adds to a body it signs: the testing kit's `sign` for an HMAC scheme. */
export function hmacSigner(scheme: HmacScheme): (request: { body: string }, secret: string) => Record<string, string> {
  return (request, secret) => ({ [scheme.header]: signHmac(scheme, request.body, secret) })
}

/**
 * Check the signature in `scheme.header` against the HMAC of the raw body under each of the
 * endpoint's secrets (any matches, so a secret can be rotated without losing deliveries), in
 * constant time. Throws `SignatureError` saying what is wrong; its message never holds a secret.
 */
export function verifyHmac(request: WebhookRequest, secrets: readonly string[], scheme: HmacScheme): void {
  const { header, prefix = '' } = scheme
  const value = request.header(header)
  if (!value) {
    throw new SignatureError(`missing ${header} header: set the webhook's secret in ${scheme.sender} to the one this URL was minted with`)
  }
  const bytes = DIGEST_BYTES[scheme.algorithm]
  const digest = value.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase() ? value.slice(prefix.length) : undefined
  const signature = digest === undefined ? undefined : decodeDigest(digest, scheme.encoding, bytes)
  if (signature === undefined) {
    const expected = scheme.encoding === 'hex' ? `${bytes * 2} hex digits` : `the base64 of ${bytes} bytes`
    throw new SignatureError(`${header} is malformed: expected ${prefix ? `"${prefix}" followed by ` : ''}${expected}`)
  }
  // Senders never sign an empty body.
  if (secrets.length === 0 || request.rawBody.length === 0) {
    throw new SignatureError(`${header} cannot be checked: ${secrets.length === 0 ? 'no secret is configured' : 'the body is empty'}`)
  }
  if (!hmacMatches(scheme.algorithm, secrets, request.rawBody, signature)) {
    throw new SignatureError(
      `${header} does not match the body signed with ${secrets.length > 1 ? 'any of the endpoint secrets' : 'the endpoint secret'}: check the secret in the ${scheme.sender} webhook settings`,
    )
  }
}

function decodeDigest(text: string, encoding: 'hex' | 'base64', bytes: number): Buffer | undefined {
  if (encoding === 'hex') return text.length === bytes * 2 && /^[0-9a-f]+$/i.test(text) ? Buffer.from(text, 'hex') : undefined
  const decoded = Buffer.from(text, 'base64')
  return decoded.length === bytes ? decoded : undefined
}

/**
 * True when `given` equals any of the secrets, for senders that send the secret itself
 * (GitLab's `X-Gitlab-Token`). Both sides are hashed first, so the comparison takes the same
 * time whatever the length or the content of what was sent.
 */
export function secretMatches(secrets: readonly string[], given: string | undefined): boolean {
  if (given === undefined || given === '') return false
  const actual = createHash('sha256').update(given).digest()
  let matched = false
  for (const secret of secrets) {
    if (timingSafeEqual(createHash('sha256').update(secret).digest(), actual)) matched = true
  }
  return matched
}
