import { createHmac } from 'node:crypto'
import { SignatureError, hmacMatches, type NonceMemory, type WebhookRequest } from '@missive-integrations/core'

/** The headers Canny signs every webhook with. @see https://developers.canny.io/api-reference#webhook_signature */
export const SIGNATURE_HEADER = 'canny-signature'
export const NONCE_HEADER = 'canny-nonce'
export const TIMESTAMP_HEADER = 'canny-timestamp'

/** How far `canny-timestamp` may be from now, either way, before a request counts as replayed. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000

// Canny documents the timestamp in milliseconds; a value this small can only be seconds
// (1e11 ms is 1973, 1e11 s is the year 5138), so both units are accepted.
const SECONDS_BELOW = 1e11

/**
 * Canny's signature of a nonce: base64(HMAC-SHA256(API key, nonce)). Canny signs the nonce only,
 * not the body, so the body is not authenticated: the timestamp check limits replays.
 * @see https://developers.canny.io/api-reference#webhook_signature
 */
export function sign(nonce: string, apiKey: string): string {
  return createHmac('sha256', apiKey).update(nonce, 'utf8').digest('base64')
}

/**
 * Check a request's `canny-signature` against each API key (several while one is rotated),
 * reject timestamps more than 5 minutes from `now` and, given the nonces already accepted, a
 * nonce sent again; throws `SignatureError` saying what failed.
 * @see https://developers.canny.io/api-reference#webhook_signature
 */
export function verify(request: WebhookRequest, apiKeys: readonly string[], now: number = Date.now(), nonces?: NonceMemory): void {
  const signature = request.header(SIGNATURE_HEADER)
  const nonce = request.header(NONCE_HEADER)
  const timestamp = request.header(TIMESTAMP_HEADER)
  const missing = [
    [SIGNATURE_HEADER, signature],
    [NONCE_HEADER, nonce],
    [TIMESTAMP_HEADER, timestamp],
  ].filter(([, value]) => !value)
  if (missing.length > 0) {
    throw new SignatureError(`missing ${missing.map(([name]) => name).join(', ')} header: Canny signs every webhook, so this request did not come from Canny`)
  }

  const sentAt = timestampMs(timestamp!)
  if (sentAt === undefined) throw new SignatureError(`${TIMESTAMP_HEADER} must be a Unix time in milliseconds, got ${JSON.stringify(timestamp)}`)
  const skew = now - sentAt
  if (Math.abs(skew) > MAX_CLOCK_SKEW_MS) {
    const when = skew > 0 ? `${Math.round(skew / 1000)} s old` : `${Math.round(-skew / 1000)} s in the future`
    throw new SignatureError(`${TIMESTAMP_HEADER} is ${when}, more than ${MAX_CLOCK_SKEW_MS / 60_000} minutes from now: refusing a replayed or delayed request`)
  }

  if (!hmacMatches('sha256', apiKeys, nonce!, Buffer.from(signature!, 'utf8'), 'base64')) {
    throw new SignatureError(`${SIGNATURE_HEADER} does not match the endpoint's Canny API key${apiKeys.length > 1 ? 's' : ''}`)
  }
  // Only a verified nonce is remembered: a forger cannot fill the memory with nonces of its own.
  if (nonces && !nonces.remember(nonce!, now)) {
    throw new SignatureError(`${NONCE_HEADER} was already used: Canny sends a new nonce with every request, so this one is replayed`)
  }
}

function timestampMs(value: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(value.trim())) return undefined
  const n = Number(value)
  if (!Number.isFinite(n)) return undefined
  return n < SECONDS_BELOW ? n * 1000 : n
}
