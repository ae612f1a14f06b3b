import { describe, expect, it } from 'vitest'
import {
  IntegrationError,
  PayloadTooLargeError,
  WebhookRequest,
  answerOf,
  handleWebhook,
  type DeliveryStore,
  type Endpoint,
  type WebhookDelivery,
  type WebhookOutcome,
} from '../src/index.ts'
import { Acme, signAcme } from './acme.ts'

const acme = new Acme()
const DEPLOY = JSON.stringify({ kind: 'deploy', app: 'web', env: 'prod', user: 'Ada', url: 'https://acme.example/d/1', message: 'ship' })
const SECRET = 's3cret'

class TokenError extends IntegrationError {
  readonly status = 401
  readonly code = 'invalid_token'
}

/** A store that records what reaches it. */
class Store implements DeliveryStore {
  readonly committed: WebhookDelivery[] = []
  readonly asked: string[] = []
  fail: unknown
  async seen(key: string) {
    this.asked.push(key)
    return this.committed.some((delivery) => delivery.dedupeKey === key)
  }
  async enqueue(delivery: WebhookDelivery) {
    if (this.fail !== undefined) throw this.fail
    if (this.committed.some((d) => d.dedupeKey === delivery.dedupeKey)) return { status: 'duplicate' as const }
    this.committed.push(delivery)
    return { status: 'queued' as const, queued: delivery.posts.length }
  }
}

interface Sent {
  body?: string
  headers?: Record<string, string>
  endpoint?: Partial<Endpoint> | Error
  store?: Store
  bodyLimit?: number
}

/** Hand the pipeline a request whose body is read lazily, and record whether it was. */
async function send({ body = DEPLOY, headers = {}, endpoint = {}, store, bodyLimit }: Sent = {}) {
  let read = false
  const request = new WebhookRequest({
    url: '/acme',
    headers: { 'content-type': 'application/json', ...headers },
    body: async (limit) => {
      read = true
      if (Buffer.byteLength(body) > limit) throw new PayloadTooLargeError(limit)
      return Buffer.from(body)
    },
  })
  const resolve = () => {
    if (endpoint instanceof Error) throw endpoint
    return { token: 'missive-token', options: { channel: 'ops' }, ...endpoint }
  }
  const handled = await handleWebhook(acme, request, resolve, { ...(store ? { store } : {}), ...(bodyLimit ? { bodyLimit } : {}) })
  return { ...handled, read, answer: answerOf(handled.outcome) }
}

const code = (outcome: WebhookOutcome) => (outcome.kind === 'rejected' || outcome.kind === 'error' ? outcome.error.code : outcome.kind)

describe('handleWebhook, in the order a bad request is cheapest to refuse', () => {
  it('1. resolves the endpoint before reading the body: a bad token costs no body', async () => {
    const { outcome, read, answer } = await send({ body: 'not even json', endpoint: new TokenError('no such token') })
    expect(code(outcome)).toBe('invalid_token')
    expect(answer).toEqual({ status: 401, body: { error: 'invalid_token', message: 'no such token' } })
    expect(read).toBe(false)
  })

  it('1. checks the provider options from the token before the body', async () => {
    const { outcome, read, answer } = await send({ endpoint: { options: {} } })
    expect(code(outcome)).toBe('invalid_options')
    expect(answer.status).toBe(400)
    expect(read).toBe(false)
  })

  it('2. refuses a body over the limit (413)', async () => {
    const { answer } = await send({ bodyLimit: 10 })
    expect(answer).toEqual({ status: 413, body: { error: 'payload_too_large', message: 'request body is larger than the limit of 10 bytes' } })
  })

  it('2. refuses a body given as bytes over the limit too', async () => {
    const request = new WebhookRequest({ url: '/acme', body: DEPLOY })
    const { outcome } = await handleWebhook(acme, request, () => ({ token: 't', options: { channel: 'c' } }), { bodyLimit: 10 })
    expect(answerOf(outcome).status).toBe(413)
  })

  it('3. checks the signature over the raw bytes before parsing: unsigned and malformed is a 401', async () => {
    const { outcome, answer, event } = await send({ body: '{"kind":', endpoint: { secrets: [SECRET] } })
    expect(code(outcome)).toBe('invalid_signature')
    expect(answer.status).toBe(401)
    expect(answer.body.message).toBe("missing X-Acme-Signature header: set the webhook's secret in Acme to the one this URL was minted with")
    expect(event).toBeUndefined()
  })

  it('4. answers a redelivery by its delivery header before parsing it', async () => {
    const store = new Store()
    const headers = { 'x-acme-delivery': 'd-1', 'x-acme-signature': signAcme(DEPLOY, SECRET) }
    const first = await send({ headers, endpoint: { secrets: [SECRET] }, store })
    expect(first.answer).toEqual({ status: 202, body: { status: 'queued', posts: 1 } })
    // The same delivery id with a body that would not even parse: answered without parsing it.
    const again = await send({
      body: '{"kind":',
      headers: { ...headers, 'x-acme-signature': signAcme('{"kind":', SECRET) },
      endpoint: { secrets: [SECRET] },
      store,
    })
    expect(again.answer).toEqual({ status: 200, body: { status: 'duplicate' } })
    expect(store.committed).toHaveLength(1)
    expect(store.asked).toEqual([store.committed[0]!.dedupeKey, store.committed[0]!.dedupeKey])
  })

  it('4. scopes a delivery id to the endpoint: another team with the same id is not a duplicate', async () => {
    const store = new Store()
    const headers = { 'x-acme-delivery': 'd-1' }
    expect((await send({ headers, store })).answer.status).toBe(202)
    expect((await send({ headers, store, endpoint: { token: 'other-team' } })).answer.status).toBe(202)
    expect((await send({ headers, store })).answer.body).toEqual({ status: 'duplicate' })
    const [one, two] = store.committed.map((delivery) => delivery.dedupeKey)
    expect(one).toMatch(/^acme:[0-9a-f]{16}:d-1$/)
    expect(two).not.toBe(one)
    expect(one).not.toContain('missive-token')
  })

  it('4. dedupes by a hash of provider, token and body when there is no delivery id', async () => {
    const store = new Store()
    expect((await send({ store })).answer.status).toBe(202)
    expect((await send({ store })).answer.body).toEqual({ status: 'duplicate' })
    expect(store.committed[0]!.dedupeKey).toMatch(/^acme:body:[0-9a-f]{64}$/)
    expect(store.asked).toEqual([])
  })

  it('5. refuses a compressed body (415 naming Content-Encoding) and a body that is not JSON (400), echoing no binary', async () => {
    const gzip = await send({ body: '\u001f\u008b\u0008\u0000binary', headers: { 'content-encoding': 'gzip' } })
    expect(gzip.answer).toEqual({
      status: 415,
      body: { error: 'unsupported_encoding', message: 'unsupported Content-Encoding "gzip"; send the body uncompressed (Content-Encoding: identity, or none)' },
    })
    const binary = await send({ body: '\u001f\u008b\u0008\u0000binary' })
    expect(binary.answer.status).toBe(400)
    expect(binary.answer.body.message).toMatch(/^body is not valid JSON: /)
    // eslint-disable-next-line no-control-regex
    expect(binary.answer.body.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/)
    expect((await send({ headers: { 'content-type': 'image/png' } })).answer.status).toBe(415)
  })

  it('6. processes: a skip, an unknown event and an invalid payload, with the event read once', async () => {
    const ping = await send({ body: '{"kind":"ping"}' })
    expect(ping).toMatchObject({ event: 'ping', answer: { status: 200, body: { status: 'skipped', reason: 'ping is a connectivity check' } } })
    const unknown = await send({ body: '{"kind":"launch"}' })
    expect(unknown).toMatchObject({ event: 'launch', answer: { status: 200, body: { status: 'skipped' } } })
    const invalid = await send({ body: '{"kind":"deploy"}' })
    expect(invalid).toMatchObject({
      event: 'deploy',
      answer: { status: 422, body: { error: 'invalid_payload', message: 'invalid acme payload for event "deploy": field "user" must be a string' } },
    })
  })

  it('6. turns a provider bug into a 422 error outcome, never a throw', async () => {
    const buggy = new (class Buggy extends Acme {
      override get handlers() {
        return { deploy: () => ({ references: ['x'], text: 5 }) as never }
      }
    })()
    const request = new WebhookRequest({ body: DEPLOY })
    const { outcome, event } = await handleWebhook(buggy, request, () => ({ token: 't', options: { channel: 'c' } }))
    expect(event).toBe('deploy')
    expect(outcome.kind).toBe('error')
    expect(answerOf(outcome)).toMatchObject({ status: 422, body: { error: 'invalid_result' } })
  })

  it('7. commits to the store (202), passes its own refusals through and answers 503 when it cannot commit', async () => {
    const store = new Store()
    const queued = await send({ store })
    expect(queued.outcome).toEqual({ kind: 'queued', queued: 1 })
    expect(store.committed[0]).toMatchObject({
      provider: 'acme',
      event: 'deploy',
      token: 'missive-token',
      posts: [{ references: ['<acme/web/prod@missive-integrations>'] }],
    })
    store.fail = new (class TooMany extends IntegrationError {
      readonly status = 422
      readonly code = 'too_many_posts'
    })('too many posts')
    expect((await send({ store, body: DEPLOY.replace('ship', 'ship2') })).answer).toEqual({
      status: 422,
      body: { error: 'too_many_posts', message: 'too many posts' },
    })
    store.fail = new Error('disk full')
    const unavailable = await send({ store, body: DEPLOY.replace('ship', 'ship3') })
    expect(unavailable.outcome.kind).toBe('error')
    expect(unavailable.answer).toEqual({
      status: 503,
      body: { error: 'queue_unavailable', message: 'the delivery queue could not commit this webhook; nothing was queued, please retry' },
    })
  })

  it('without a store, the outcome is the delivery that would be committed', async () => {
    const { outcome, answer } = await send()
    expect(outcome.kind).toBe('posts')
    expect(outcome.kind === 'posts' && outcome.delivery).toMatchObject({ provider: 'acme', event: 'deploy', token: 'missive-token' })
    expect(answer).toEqual({ status: 202, body: { status: 'queued', posts: 1 } })
  })

  it('turns a resolver that throws something unexpected into an error outcome', async () => {
    const { outcome } = await send({ endpoint: new TypeError('resolver bug') })
    expect(outcome.kind).toBe('error')
    expect(answerOf(outcome).status).toBe(422)
  })
})
