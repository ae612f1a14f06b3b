import { createHmac } from 'node:crypto'
import { SignatureError, hmacMatches, type WebhookRequest } from '@missive-integrations/core'

/** The header GitHub signs deliveries in: `sha256=<hex HMAC of the raw body>`. */
export const SIGNATURE_HEADER = 'X-Hub-Signature-256'

/**
 * Check a delivery's `X-Hub-Signature-256` against the endpoint's secrets (any of them matches,
 * so a secret can be rotated without losing deliveries). Constant-time, over the raw body bytes.
 * Throws `SignatureError`; its message never contains a secret.
 * @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export function verify(request: WebhookRequest, secrets: readonly string[]): void {
  const signature = request.header(SIGNATURE_HEADER)
  if (!signature) {
    throw new SignatureError(`missing ${SIGNATURE_HEADER} header: set the webhook's secret in GitHub to the one this URL was minted with`)
  }
  if (!/^sha256=[0-9a-f]{64}$/i.test(signature)) {
    throw new SignatureError(`${SIGNATURE_HEADER} is malformed: expected "sha256=" followed by 64 hex digits`)
  }
  // GitHub never signs an empty body.
  if (secrets.length === 0 || request.rawBody.length === 0) {
    throw new SignatureError(`${SIGNATURE_HEADER} cannot be checked: ${secrets.length === 0 ? 'no secret is configured' : 'the body is empty'}`)
  }
  if (!hmacMatches('sha256', secrets, request.rawBody, Buffer.from(signature.slice('sha256='.length), 'hex'))) {
    throw new SignatureError(`${SIGNATURE_HEADER} does not match the body signed with ${secrets.length > 1 ? 'any of the endpoint secrets' : 'the endpoint secret'}: check the secret in the GitHub webhook settings`)
  }
}

/**
 * Sign a body as GitHub does: `sha256=` + hex HMAC-SHA256. Synchronous, so it fits the testing
 * kit's `sign` option (`fixtureKit(github, fixtures, { sign: signRequest })`).
 * @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export function signature(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

/** The testing kit's signer: the headers GitHub would add to this body. */
export function signRequest(request: { body: string }, secret: string): Record<string, string> {
  return { [SIGNATURE_HEADER]: signature(request.body, secret) }
}
