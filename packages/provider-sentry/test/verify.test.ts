import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { answerOf, handleWebhook, signHmac, SignatureError, WebhookRequest } from '@missive-integrations/core'
import { fixtureKit, hmacSigner, rejectionOf } from '@missive-integrations/core/testing'
import Sentry, { SIGNATURE } from '../src/index.ts'

const sentry = new Sentry()
const signature = (body: string | Uint8Array, secret: string) => signHmac(SIGNATURE, body, secret)
const verify = (request: WebhookRequest, secrets: readonly string[]) => sentry.verify(request, secrets)
const signRequest = hmacSigner(SIGNATURE)

// Computed independently of this code: printf '%s' "$BODY" | openssl dgst -sha256 -hmac client-secret
const SECRET = 'client-secret'
const BODY = '{"action":"created","data":{"issue":{"id":"1"}}}'
const EXPECTED = 'b4fba633488444ec6d0453d0af0b3f8df059212a5f4ab4c78d9cb74599d89f22'

function signed(header: string | undefined, body: string | Uint8Array = BODY): WebhookRequest {
  return new WebhookRequest({ headers: header === undefined ? {} : { 'Sentry-Hook-Signature': header }, body })
}

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')
const issueHeaders = { 'content-type': 'application/json', 'sentry-hook-resource': 'issue' }

describe('verify', () => {
  it('signs as Sentry does: the bare hex HMAC-SHA256 of the body under the Client Secret', () => {
    expect(signature(BODY, SECRET)).toBe(EXPECTED)
  })

  it('accepts the signature, in lower or upper case hex', () => {
    expect(() => verify(signed(EXPECTED), [SECRET])).not.toThrow()
    expect(() => verify(signed(EXPECTED.toUpperCase()), [SECRET])).not.toThrow()
  })

  it('accepts either secret while one is rotated', () => {
    expect(() => verify(signed(EXPECTED), ['the-new-client-secret', SECRET])).not.toThrow()
    expect(() => verify(signed(signature(BODY, 'the-new-client-secret')), ['the-new-client-secret', SECRET])).not.toThrow()
  })

  it('refuses a wrong signature without revealing the secret', async () => {
    const error = await rejectionOf((async () => verify(signed(EXPECTED.replace(/.$/, '0')), [SECRET]))())
    expect(error).toBeInstanceOf(SignatureError)
    expect(error.message).toMatch(/Sentry-Hook-Signature does not match/)
    expect(error.message).not.toContain(SECRET)
  })

  it('refuses a body changed after signing', () => {
    expect(() => verify(signed(EXPECTED, BODY.replace('"1"', '"2"')), [SECRET])).toThrow(SignatureError)
  })

  it('refuses a missing, prefixed or truncated signature, an empty body and a missing secret', () => {
    expect(() => verify(signed(undefined), [SECRET])).toThrow(/missing Sentry-Hook-Signature/)
    expect(() => verify(signed(`sha256=${EXPECTED}`), [SECRET])).toThrow(/malformed/)
    expect(() => verify(signed(EXPECTED.slice(1)), [SECRET])).toThrow(/malformed/)
    expect(() => verify(signed(EXPECTED, ''), [SECRET])).toThrow('Sentry-Hook-Signature cannot be checked: the body is empty')
    expect(() => verify(signed(EXPECTED), [])).toThrow('Sentry-Hook-Signature cannot be checked: no secret is configured')
  })

  it('checks the bytes as received, even when they are not valid UTF-8', () => {
    const body = Buffer.concat([Buffer.from('{"action":"created","data":{"comment":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')])
    expect(() => verify(new WebhookRequest({ headers: { 'Sentry-Hook-Signature': signature(body, SECRET) }, body }), [SECRET])).not.toThrow()
  })

  it('signs a fixture as the kit delivers it', () => {
    expect(signRequest({ body: BODY }, SECRET)).toEqual({ 'Sentry-Hook-Signature': EXPECTED })
  })

  it('is what the request path runs for an endpoint with secrets: 401 on a mismatch, and its header is never logged', async () => {
    const body = fixture('issue__created')
    const endpoint = () => ({ token: 't', secrets: ['new', 'old'] })
    const good = new WebhookRequest({ headers: { ...issueHeaders, 'sentry-hook-signature': signature(body, 'old') }, body })
    expect((await handleWebhook(sentry, good, endpoint)).outcome.kind).toBe('posts')
    const bad = new WebhookRequest({ headers: { ...issueHeaders, 'sentry-hook-signature': signature(body, 'other') }, body })
    const { outcome } = await handleWebhook(sentry, bad, endpoint)
    expect(outcome.kind === 'rejected' && outcome.error).toBeInstanceOf(SignatureError)
    expect(answerOf(outcome).status).toBe(401)
    expect(sentry.signatureHeaders).toEqual(['Sentry-Hook-Signature'])
  })

  it('refuses an unsigned fixture delivered to an endpoint with a secret', async () => {
    const kit = fixtureKit(sentry, new URL('../fixtures/', import.meta.url), { sign: signRequest })
    expect(await rejectionOf(kit.deliver('comment__created', { secrets: [SECRET], sign: false }))).toBeInstanceOf(SignatureError)
  })
})

describe('headers', () => {
  it('reads the event from Sentry-Hook-Resource and the action from the body', () => {
    const request = new WebhookRequest({ headers: { 'Sentry-Hook-Resource': 'metric_alert' } })
    expect(sentry.eventHeader).toBe('sentry-hook-resource')
    expect(sentry.actionField).toBe('action')
    expect(sentry.event({}, request)).toBe('metric_alert')
  })

  it('does not take Request-ID as a delivery id (a new one on every send): redeliveries are recognised by their body', async () => {
    expect(sentry.deliveryHeader).toBeUndefined()
    const body = fixture('issue__resolved')
    const keys = []
    for (const requestId of ['7f3c0b1de6a54a3e9d2c4b5a69788f10', '0b8e2d94c51f4e07a3b6c9d8e7f60a21']) {
      const request = new WebhookRequest({ headers: { ...issueHeaders, 'request-id': requestId }, body })
      const { outcome } = await handleWebhook(sentry, request, () => ({ token: 't' }))
      if (outcome.kind !== 'posts') throw new Error(`expected posts, got ${outcome.kind}`)
      keys.push(outcome.delivery.dedupeKey)
    }
    expect(keys[0]).toMatch(/^sentry:body:/)
    expect(keys[1]).toBe(keys[0])
  })
})
