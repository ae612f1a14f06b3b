import { describe, expect, it } from 'vitest'
import { answerOf, handleWebhook, SignatureError, WebhookRequest } from '@missive-integrations/core'
import { fixtureKit, rejectionOf } from '@missive-integrations/core/testing'
import GitLab, { signRequest, TOKEN_HEADER, verify } from '../src/index.ts'

const gitlab = new GitLab()
const kit = fixtureKit(gitlab, new URL('../fixtures/', import.meta.url), { sign: signRequest })
const SECRET = 'a-webhook-secret-token'

function withToken(token: string | undefined, body: string | Uint8Array = '{}'): WebhookRequest {
  return new WebhookRequest({ headers: token === undefined ? {} : { 'X-Gitlab-Token': token }, body })
}

describe('X-Gitlab-Token', () => {
  it('accepts the secret itself (GitLab does not sign), and any of several while one is rotated', () => {
    expect(() => verify(withToken(SECRET), [SECRET])).not.toThrow()
    expect(() => verify(withToken('old-secret'), ['new-secret', 'old-secret'])).not.toThrow()
  })

  it('refuses a wrong, longer, shorter, empty or missing token without revealing either', async () => {
    for (const token of ['wrong', `${SECRET}x`, SECRET.slice(0, -1), ' ']) {
      const error = await rejectionOf((async () => verify(withToken(token), [SECRET]))())
      expect(error).toBeInstanceOf(SignatureError)
      expect(error.message).toBe('X-Gitlab-Token does not match the endpoint secret: check the Secret token in the GitLab webhook settings')
      expect(error.message).not.toContain(SECRET)
    }
    expect(() => verify(withToken('wrong'), ['a', 'b'])).toThrow('X-Gitlab-Token does not match any of the endpoint secrets')
    expect(() => verify(withToken(undefined), [SECRET])).toThrow(
      "missing X-Gitlab-Token header: set the webhook's Secret token in GitLab to the secret this URL was minted with",
    )
    expect(() => verify(withToken(''), [SECRET])).toThrow(/missing X-Gitlab-Token/)
  })

  it('does not depend on the body: any bytes, even invalid UTF-8, pass with the right token', () => {
    const body = Buffer.concat([Buffer.from('{"object_kind":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])
    expect(() => verify(withToken(SECRET, body), [SECRET])).not.toThrow()
  })

  it('is checked on the request path for an endpoint with secrets (401), and the header is never logged', async () => {
    await kit.expectPosts('tag_push_hook__created', [TAG_POST], { secrets: ['new', 'old'], headers: { [TOKEN_HEADER]: 'old' } })
    const error = await rejectionOf(kit.deliver('tag_push_hook__created', { secrets: [SECRET], sign: false, headers: { [TOKEN_HEADER]: 'guess' } }))
    expect(error).toBeInstanceOf(SignatureError)
    expect((error as SignatureError).status).toBe(401)
    const unsigned = await rejectionOf(kit.deliver('tag_push_hook__created', { secrets: [SECRET], sign: false }))
    expect(unsigned.message).toMatch(/missing X-Gitlab-Token/)
    expect(gitlab.signatureHeaders).toEqual(['X-Gitlab-Token'])
  })

  it('is not needed by an endpoint without a secret', async () => {
    await kit.expectPosts('tag_push_hook__created', [TAG_POST])
  })

  it('answers a refused token 401 with the reason, and names the event', async () => {
    const request = new WebhookRequest({
      headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Tag Push Hook', 'x-gitlab-token': 'nope' },
      body: '{}',
    })
    const { event, outcome } = await handleWebhook(gitlab, request, () => ({ token: 't', secrets: [SECRET] }))
    expect(event).toBe('tag_push_hook')
    expect(answerOf(outcome)).toMatchObject({ status: 401, body: { error: 'invalid_signature' } })
  })
})

const TAG_POST = {
  references: ['1534233'],
  subject: '[my-awesome-project]',
  notification: 'Ada Lovelace pushed tag xyz',
  attachments: [{ text: '*Ada Lovelace* pushed tag <https://gitlab.com/ada/my-awesome-project/-/tree/xyz|`xyz`>', color: '#6b4fbb' }],
}
