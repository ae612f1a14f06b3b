import { hmacSigner, signHmac, verifyHmac, type HmacScheme, type WebhookRequest } from '@missive-integrations/core'

/** How GitHub signs deliveries: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`. */
export const SIGNATURE: HmacScheme = { header: 'X-Hub-Signature-256', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=', sender: 'GitHub' }

/** The header GitHub signs deliveries in. */
export const SIGNATURE_HEADER = SIGNATURE.header

/**
 * Check a delivery's `X-Hub-Signature-256` against the endpoint's secrets (any of them matches,
 * so a secret can be rotated without losing deliveries). Constant-time, over the raw body bytes.
 * Throws `SignatureError`; its message never contains a secret.
 * @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export function verify(request: WebhookRequest, secrets: readonly string[]): void {
  verifyHmac(request, secrets, SIGNATURE)
}

/**
 * Sign a body as GitHub does: `sha256=` + hex HMAC-SHA256.
 * @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export function signature(body: string | Uint8Array, secret: string): string {
  return signHmac(SIGNATURE, body, secret)
}

/** The testing kit's signer: the headers GitHub would add to this body. */
export const signRequest = hmacSigner(SIGNATURE)
