import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { handleWebhook, InvalidPayloadError, SignatureError, UnsupportedEventError, WebhookRequest } from '@missive-integrations/core'
import GitHub, { MAX_FOLLOW_UPS, signature, verify } from '../src/index.ts'
import { processPayload, rejectionOf } from '@missive-integrations/core/testing'

const github = new GitHub()

// GitHub's published test vector.
// @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
const SECRET = "It's a Secret to Everybody"
const BODY = 'Hello, World!'
const EXPECTED = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'

function signed(header: string | undefined, body: string | Uint8Array = BODY): WebhookRequest {
  return new WebhookRequest({ headers: header === undefined ? {} : { 'X-Hub-Signature-256': header }, body })
}

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>
}

const run = (event: string, payload: unknown) => processPayload(github, payload, { headers: { 'x-github-event': event, 'x-github-delivery': 'd-1' } })

describe('verify', () => {
  it('signs the published test vector', () => {
    expect(signature(BODY, SECRET)).toBe(EXPECTED)
  })

  it('accepts the published test vector', () => {
    expect(() => verify(signed(EXPECTED), [SECRET])).not.toThrow()
    expect(() => verify(signed(EXPECTED.toUpperCase().replace('SHA256=', 'sha256=')), [SECRET])).not.toThrow()
  })

  it('accepts a rotated secret when the second one matches', () => {
    expect(() => verify(signed(EXPECTED), ['the new secret', SECRET])).not.toThrow()
  })

  it('rejects a wrong signature without revealing the secret', async () => {
    const error = await rejectionOf((async () => verify(signed(EXPECTED.replace(/.$/, '0')), [SECRET]))())
    expect(error).toBeInstanceOf(SignatureError)
    expect((error as Error).message).toMatch(/X-Hub-Signature-256 does not match/)
    expect((error as Error).message).not.toContain(SECRET)
  })

  it('rejects a body that was changed after signing', () => {
    expect(() => verify(signed(EXPECTED, 'Hello, World?'), [SECRET])).toThrow(SignatureError)
  })

  it('rejects a missing or malformed signature, an empty body and a missing secret', () => {
    expect(() => verify(signed(undefined), [SECRET])).toThrow(/missing X-Hub-Signature-256/)
    expect(() => verify(signed('sha1=abc'), [SECRET])).toThrow(/malformed/)
    expect(() => verify(signed(`${EXPECTED}0`), [SECRET])).toThrow(/malformed/)
    expect(() => verify(signed(EXPECTED, ''), [SECRET])).toThrow('X-Hub-Signature-256 cannot be checked: the body is empty')
    expect(() => verify(signed(EXPECTED), [])).toThrow('X-Hub-Signature-256 cannot be checked: no secret is configured')
  })

  it('checks the bytes as received, even when they are not valid UTF-8', () => {
    const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])
    const request = new WebhookRequest({ headers: { 'X-Hub-Signature-256': signature(body, SECRET) }, body })
    expect(() => verify(request, [SECRET])).not.toThrow()
  })

  it('is what the request path runs for an endpoint with secrets, and its header is never logged', async () => {
    const body = JSON.stringify(fixture('push__new_branch'))
    const headers = { 'content-type': 'application/json', 'x-github-event': 'push' }
    const endpoint = () => ({ token: 't', secrets: ['new', 'old'] })
    const good = new WebhookRequest({ headers: { ...headers, 'x-hub-signature-256': signature(body, 'old') }, body })
    expect((await handleWebhook(github, good, endpoint)).outcome.kind).toBe('posts')
    const bad = new WebhookRequest({ headers: { ...headers, 'x-hub-signature-256': signature(body, 'other') }, body })
    const { outcome } = await handleWebhook(github, bad, endpoint)
    expect(outcome.kind === 'rejected' && outcome.error).toBeInstanceOf(SignatureError)
    expect(github.signatureHeaders).toEqual(['X-Hub-Signature-256'])
  })
})

describe('headers', () => {
  it('reads the event from X-GitHub-Event and the delivery id from X-GitHub-Delivery', () => {
    const request = new WebhookRequest({ headers: { 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' } })
    expect(github.eventHeader).toBe('x-github-event')
    expect(github.event({}, request)).toBe('push')
    expect(github.deliveryHeader).toBe('x-github-delivery')
    expect(github.deliveryId(request, {})).toBe('72d3162e-cc78-11e3-81ab-4c9367dc0958')
  })

  it('answers an unknown event 200 with the reason', async () => {
    expect(await run('not_an_event', { action: 'x' })).toMatchObject({
      kind: 'skipped',
      reason: expect.stringMatching(/^unknown event "not_an_event" for provider github/),
    })
    expect(() => github.process({}, new WebhookRequest({ headers: { 'x-github-event': 'not_an_event' } }), {})).toThrow(UnsupportedEventError)
  })
})

describe('invalid payloads', () => {
  it('names the missing field of an empty push', async () => {
    const error = await run('push', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidPayloadError)
    expect((error as InvalidPayloadError).field).toBe('ref')
  })

  it('names a null repository', async () => {
    const payload = { ...fixture('push__new_branch'), repository: null }
    const error = await run('push', payload).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidPayloadError)
    expect((error as InvalidPayloadError).field).toBe('repository')
  })

  it('names a null repository on an issue event', async () => {
    const error = await run('issues', { ...fixture('issues__opened'), repository: null }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidPayloadError)
    expect((error as Error).message).toMatch(/field "repository" must be an object/)
  })

  it('names a commit without a message', async () => {
    const payload = fixture('push__many_commits') as { commits: Record<string, unknown>[] }
    delete payload.commits[3]!.message
    const error = await run('push', payload).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidPayloadError)
    expect((error as InvalidPayloadError).field).toBe('commits[3].message')
  })
})

describe('hostile text', () => {
  const HOSTILE = '<https://evil.example|click> *urgent*'

  it('cannot inject a link through a commit message', async () => {
    const payload = fixture('push__many_commits') as { commits: Record<string, unknown>[] }
    payload.commits[0]!.message = HOSTILE
    const outcome = await run('push', payload)
    if (outcome.kind !== 'posts') throw new Error('expected posts')
    const text = outcome.posts[0]!.attachments![0]!.text!
    expect(text).not.toContain('<https://evil.example')
    expect(text).toContain('‹https://evil.example∣click› ∗urgent∗')
  })

  it('cannot inject a link through a pull request title, branch or label', async () => {
    const payload = fixture('pull_request__labeled') as Record<string, Record<string, unknown>>
    payload.pull_request!.title = HOSTILE
    payload.label!.name = HOSTILE
    const outcome = await run('pull_request', payload)
    if (outcome.kind !== 'posts') throw new Error('expected posts')
    const post = outcome.posts[0]!
    expect(post.attachments![0]!.text).toBe(
      '*Codertocat* added label `‹https://evil.example∣click› ∗urgent∗` to <https://github.com/Codertocat/Hello-World/pull/2|pull request #2>',
    )
    expect(post.notification.body).toBe(`Codertocat added label ${HOSTILE} to pull request #2`)
  })

  it('cannot inject a link through a branch name', async () => {
    const payload = { ...fixture('push__new_branch'), ref: 'refs/heads/x|<https://evil.example|y>' }
    const outcome = await run('push', payload)
    if (outcome.kind !== 'posts') throw new Error('expected posts')
    expect(outcome.posts[0]!.attachments![0]!.pretext).toContain(
      '<https://github.com/Codertocat/Hello-World/tree/x%7C%3Chttps%3A//evil.example%7Cy%3E|`x∣‹https://evil.example∣y›`>',
    )
  })
})

describe('conversation references', () => {
  it('posts once per linked conversation and commit, for distinct commits only', async () => {
    const payload = fixture('push__many_commits') as { commits: Record<string, unknown>[] }
    const uuid = '0f6a6b36-3c3c-4c4e-9a53-2f5f0e5e8d11'
    payload.commits[0]!.message = `See missive://mail.missiveapp.com/#inbox/conversations/${uuid} and https://mail.missiveapp.com/#team_inbox/abc/conversations/${uuid}`
    payload.commits[1]!.message = `Also https://mail.missiveapp.com/#inbox/conversations/${uuid}`
    payload.commits[1]!.distinct = false
    const outcome = await run('push', payload)
    if (outcome.kind !== 'posts') throw new Error('expected posts')
    expect(outcome.results.map((result) => result.conversation)).toEqual([undefined, uuid])
  })

  it(`posts at most ${MAX_FOLLOW_UPS} follow-ups per push and counts the rest on the push's post`, async () => {
    const payload = fixture('push__many_commits') as { commits: Record<string, unknown>[] }
    const uuid = uuidOf
    // One commit message with 50,000 conversation links, each counted once.
    payload.commits[0]!.message = Array.from({ length: 50_000 }, (_, n) => `https://mail.missiveapp.com/#inbox/conversations/${uuid(n)}`).join(' ')
    payload.commits[0]!.distinct = true
    const outcome = await run('push', payload)
    if (outcome.kind !== 'posts') throw new Error('expected posts')
    expect(outcome.results).toHaveLength(1 + MAX_FOLLOW_UPS)
    expect(outcome.results.slice(1).map((result) => result.conversation)).toEqual(Array.from({ length: MAX_FOLLOW_UPS }, (_, n) => uuid(n)))
    expect(outcome.results[0]!.attachments![0]!.footer).toBe('49980 more linked Missive conversations not notified (at most 20 per push)')
  })

  it('finds links in a long run of link starts without scanning it again from each one', async () => {
    const payload = fixture('push__many_commits') as { commits: Record<string, unknown>[] }
    payload.commits[0]!.message = `${'https://mail.missiveapp.com/#x'.repeat(20_000)} https://mail.missiveapp.com/#inbox/conversations/${uuidOf(7)}`
    const outcome = await run('push', payload)
    if (outcome.kind !== 'posts') throw new Error('expected posts')
    expect(outcome.results.map((result) => result.conversation)).toEqual([undefined, uuidOf(7)])
  })
})

function uuidOf(n: number): string {
  return `0f6a6b36-3c3c-4c4e-9a53-${n.toString(16).padStart(12, '0')}`
}
