import { secretMatches, SignatureError, type WebhookRequest } from '@missive-integrations/core'

/**
 * GitLab does not sign its deliveries: it sends the webhook's secret token itself in this
 * header, so it must never be logged (the provider declares it in `signatureHeaders`).
 * @see https://docs.gitlab.com/user/project/integrations/webhooks/#create-a-webhook
 */
export const TOKEN_HEADER = 'X-Gitlab-Token'

/**
 * Check a delivery's `X-Gitlab-Token` against the endpoint's secrets (any of them matches, so a
 * secret can be rotated without losing deliveries), in constant time. Throws `SignatureError`;
 * its message never contains a secret or the token that was sent.
 */
export function verify(request: WebhookRequest, secrets: readonly string[]): void {
  const token = request.header(TOKEN_HEADER)
  if (token === undefined || token === '') {
    throw new SignatureError(`missing ${TOKEN_HEADER} header: set the webhook's Secret token in GitLab to the secret this URL was minted with`)
  }
  if (!secretMatches(secrets, token)) {
    const which = secrets.length > 1 ? 'any of the endpoint secrets' : 'the endpoint secret'
    throw new SignatureError(`${TOKEN_HEADER} does not match ${which}: check the Secret token in the GitLab webhook settings`)
  }
}

/** The testing kit's signer: GitLab "signs" by sending the secret token as it is. */
export function signRequest(_request: { body: string }, secret: string): Record<string, string> {
  return { [TOKEN_HEADER]: secret }
}
