import { hmacSigner, signHmac, verifyHmac, type HmacScheme, type WebhookRequest } from '@missive-integrations/core'

/**
 * How Sentry signs deliveries: `Sentry-Hook-Signature: <hex HMAC-SHA256 of the raw body>`, keyed
 * with the integration's Client Secret; no prefix, and the timestamp header is not signed.
 * @see https://docs.sentry.io/organization/integrations/integration-platform/webhooks/#sentry-hook-signature
 */
export const SIGNATURE: HmacScheme = { header: 'Sentry-Hook-Signature', algorithm: 'sha256', encoding: 'hex', sender: 'Sentry' }

/** The header Sentry signs deliveries in. */
export const SIGNATURE_HEADER = SIGNATURE.header

/**
 * Check a delivery's `Sentry-Hook-Signature` against the endpoint's secrets (any of them matches,
 * so a Client Secret can be rotated without losing deliveries). Constant-time, over the raw body
 * bytes. Throws `SignatureError`; its message never contains a secret.
 */
export function verify(request: WebhookRequest, secrets: readonly string[]): void {
  verifyHmac(request, secrets, SIGNATURE)
}

/** Sign a body as Sentry does: the hex HMAC-SHA256 under the Client Secret. */
export function signature(body: string | Uint8Array, secret: string): string {
  return signHmac(SIGNATURE, body, secret)
}

/** The testing kit's signer: the header Sentry would add to this body. */
export const signRequest = hmacSigner(SIGNATURE)
