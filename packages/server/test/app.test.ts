import type { WebhookRequest } from '@missive-integrations/core'
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { IntegrationError } from '@missive-integrations/core'
import { Acme, KEY, MISSIVE_TOKEN, WEBHOOK_SECRET, legacy, sealed, sign, testApp } from './helpers/acme.js'

class TooManyPosts extends IntegrationError {
  readonly status = 422
  readonly code = 'too_many_posts'
}

const ITEM = JSON.stringify({ item: { id: 42, title: 'Hello' } })
const headers = (event: string, extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', 'x-acme-event': event, ...extra })

describe('POST /:provider', () => {
  it('404 for a provider that is not installed, including prototype names', async () => {
    const { app } = testApp()
    for (const name of ['nope', 'constructor', '__proto__', 'toString', 'hasOwnProperty', '%5F%5Fproto%5F%5F']) {
      const res = await app.inject({ method: 'POST', url: `/${name}?t=${sealed()}`, headers: headers('item.created'), payload: ITEM })
      expect(res.statusCode, name).toBe(404)
      expect(res.json()).toMatchObject({ error: 'unknown_provider' })
      expect(res.json().message).toContain('installed providers: acme')
    }
  })

  it('413 from Content-Length before reading the body', async () => {
    const { app, queue } = testApp({ bodyLimit: 1024 })
    const res = await app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: headers('item.created'), payload: 'x'.repeat(2048) })
    expect(res.statusCode).toBe(413)
    expect(res.json()).toEqual({ error: 'payload_too_large', message: 'request body is larger than the limit of 1024 bytes' })
    expect(queue.enqueued).toHaveLength(0)
  })

  it('413 for a chunked body over the cap, and stops reading it', async () => {
    const { app } = testApp({ bodyLimit: 64 * 1024 })
    await app.listen({ port: 0, host: '127.0.0.1' })
    try {
      const { port } = app.server.address() as AddressInfo
      // An endless chunked body (no Content-Length): the answer can only come if the server
      // counts bytes while streaming and stops at the cap.
      const { status, body, written } = await new Promise<{ status: number; body: string; written: number }>((resolve, reject) => {
        let written = 0
        let done = false
        const req = request({ host: '127.0.0.1', port, method: 'POST', path: `/acme?t=${sealed()}`, headers: headers('item.created') }, (res) => {
          done = true
          let text = ''
          res.on('data', (chunk) => (text += chunk))
          res.on('end', () => resolve({ status: res.statusCode!, body: text, written }))
        })
        req.on('error', (error) => (done ? undefined : reject(error)))
        const chunk = Buffer.alloc(4096, 0x61)
        const pump = () => {
          while (!done && written < 50 * 1024 * 1024) {
            written += chunk.length
            if (!req.write(chunk)) return void req.once('drain', pump)
          }
          if (!done) req.end()
        }
        pump()
      })
      expect(status).toBe(413)
      expect(JSON.parse(body).error).toBe('payload_too_large')
      expect(written).toBeLessThan(50 * 1024 * 1024)
    } finally {
      await app.close()
    }
  })

  it('415 naming Content-Encoding for a compressed body, without echoing its bytes', async () => {
    const { app } = testApp()
    const gzip = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xab, 0x56, 0xca])
    const res = await app.inject({
      method: 'POST',
      url: `/acme?t=${sealed()}`,
      headers: headers('item.created', { 'content-encoding': 'gzip' }),
      payload: gzip,
    })
    expect(res.statusCode).toBe(415)
    expect(res.json()).toEqual({
      error: 'unsupported_encoding',
      message: 'unsupported Content-Encoding "gzip"; send the body uncompressed (Content-Encoding: identity, or none)',
    })
    const unlabelled = await app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: headers('item.created'), payload: gzip })
    expect(unlabelled.statusCode).toBe(400)
    // eslint-disable-next-line no-control-regex
    expect(unlabelled.json().message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\ufffd]/)
  })

  it('415 for an unsupported content type', async () => {
    const { app } = testApp()
    const res = await app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: { 'content-type': 'image/png' }, payload: 'x' })
    expect(res.statusCode).toBe(415)
    expect(res.json()).toMatchObject({ error: 'unsupported_media_type' })
  })

  it.each([
    ['malformed JSON', '{"item":', 'is not valid JSON'],
    ['an array', '[1,2]', 'must be a JSON object, got an array'],
    ['absurd nesting', '['.repeat(5000) + ']'.repeat(5000), 'nests deeper than'],
    ['an empty body', '', 'is empty'],
  ])('400 for %s', async (_name, payload, message) => {
    const { app } = testApp()
    const res = await app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: headers('item.created'), payload })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toBe('invalid_body')
    expect(res.json().message).toContain(message)
  })

  it('accepts a form-encoded payload= body', async () => {
    const { app, queue } = testApp()
    const res = await app.inject({
      method: 'POST',
      url: `/acme?t=${sealed()}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-acme-event': 'item.created' },
      payload: `payload=${encodeURIComponent(ITEM)}`,
    })
    expect(res.statusCode).toBe(202)
    expect(queue.enqueued).toHaveLength(1)
  })

  describe('the order of the checks: cheap refusals first', () => {
    it('refuses a request without a valid token before its size, signature or body count', async () => {
      const { app } = testApp({ bodyLimit: 1024 })
      const huge = 'x'.repeat(4096)
      for (const url of ['/acme', `/acme?t=${sealed().slice(0, -5)}`]) {
        const res = await app.inject({ method: 'POST', url, headers: headers('item.created', { 'x-acme-signature': 'sha256=00' }), payload: huge })
        expect(res.statusCode, url).toBe(401)
        expect(['missing_token', 'invalid_token']).toContain(res.json().error)
        expect(res.headers.connection).toBe('close')
      }
    })

    it('checks the provider options from the token before the body', async () => {
      const { app } = testApp()
      const res = await app.inject({
        method: 'POST',
        url: `/acme?t=${sealed({ options: { limit: 'many' } })}`,
        headers: headers('item.created'),
        payload: '{"not json',
      })
      expect(res.statusCode).toBe(400)
      expect(res.json().error).toBe('invalid_options')
    })

    it('checks the signature before parsing: unsigned and malformed is a 401', async () => {
      const { app } = testApp()
      const res = await app.inject({
        method: 'POST',
        url: `/acme?t=${sealed({ secrets: [WEBHOOK_SECRET] })}`,
        headers: headers('item.created'),
        payload: '{"not json',
      })
      expect(res.statusCode).toBe(401)
      expect(res.json()).toEqual({
        error: 'invalid_signature',
        message: "missing x-acme-signature header: set the webhook's secret in Acme to the one this URL was minted with",
      })
    })

    it('keeps the connection of a request whose body was read', async () => {
      const { app } = testApp()
      const res = await app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: headers('item.created'), payload: ITEM })
      expect(res.statusCode).toBe(202)
      expect(res.headers.connection).not.toBe('close')
    })
  })

  describe('tokens', () => {
    it('401 without a token', async () => {
      const { app } = testApp()
      const res = await app.inject({ method: 'POST', url: '/acme', headers: headers('item.created'), payload: ITEM })
      expect(res.statusCode).toBe(401)
      expect(res.json().error).toBe('missing_token')
      expect(res.json().message).toContain('missive-integrations url acme')
    })

    it('401 for garbage, a tampered, a foreign-provider or a wrong-key sealed token', async () => {
      const { app } = testApp({
        providers: [
          new Acme(),
          new (class Other extends Acme {
            override get id() {
              return 'other'
            }
          })(),
        ],
      })
      const good = sealed()
      const tampered = good.slice(0, 10) + (good[10] === 'A' ? 'B' : 'A') + good.slice(11)
      const tokens = ['v1.garbage', 'v1.', 'not base64 !!', tampered, sealed({}, 'other'), sealed({}, 'acme', Buffer.alloc(32, 9))]
      for (const t of tokens) {
        const res = await app.inject({ method: 'POST', url: `/acme?t=${encodeURIComponent(t)}`, headers: headers('item.created'), payload: ITEM })
        expect(res.statusCode, t).toBe(401)
        expect(res.json().error).toBe('invalid_token')
      }
    })

    it('accepts a legacy token, with post options and provider options', async () => {
      const { app, queue } = testApp()
      const t = legacy({ token: MISSIVE_TOKEN, options: { organization: 'org-1', add_shared_labels: ['l1'] }, acme: { limit: '5' } })
      const res = await app.inject({ method: 'POST', url: `/acme?t=${encodeURIComponent(t)}`, headers: headers('item.created'), payload: ITEM })
      expect(res.statusCode).toBe(202)
      expect(queue.enqueued[0]!.token).toBe(MISSIVE_TOKEN)
      expect(queue.enqueued[0]!.posts[0]).toMatchObject({ organization: 'org-1', add_shared_labels: ['l1'] })
    })

    it('accepts a legacy token whose + arrived as a space (unencoded query)', async () => {
      const { app } = testApp()
      // `>>>` encodes to base64 with a "+" in it.
      const t = legacy({ token: MISSIVE_TOKEN, options: { team: '>>>?' } })
      expect(t).toContain('+')
      const res = await app.inject({ method: 'POST', url: `/acme?t=${t}`, headers: headers('item.created'), payload: ITEM })
      expect(res.statusCode).toBe(202)
    })

    it('refuses legacy tokens when they are turned off', async () => {
      const { app } = testApp({ legacyTokens: false })
      const res = await app.inject({ method: 'POST', url: `/acme?t=${legacy({ token: MISSIVE_TOKEN })}`, headers: headers('item.created'), payload: ITEM })
      expect(res.statusCode).toBe(401)
      expect(res.json().message).toContain('LEGACY_TOKENS=false')
    })

    it('400 naming the key for invalid provider options', async () => {
      const { app } = testApp()
      const res = await app.inject({
        method: 'POST',
        url: `/acme?t=${sealed({ options: { limit: 'many' } })}`,
        headers: headers('item.created'),
        payload: ITEM,
      })
      expect(res.statusCode).toBe(400)
      expect(res.json()).toMatchObject({ error: 'invalid_options' })
      expect(res.json().message).toContain('"limit"')
    })
  })

  describe('signatures', () => {
    it('401 on a bad or missing signature, 202 on a good one, with rotated secrets', async () => {
      const { app } = testApp()
      const url = `/acme?t=${sealed({ secrets: ['old-secret', WEBHOOK_SECRET] })}`
      const bad = await app.inject({ method: 'POST', url, headers: headers('item.created', { 'x-acme-signature': sign('wrong', ITEM) }), payload: ITEM })
      expect(bad.statusCode).toBe(401)
      expect(bad.json().error).toBe('invalid_signature')
      const missing = await app.inject({ method: 'POST', url, headers: headers('item.created'), payload: ITEM })
      expect(missing.statusCode).toBe(401)
      for (const secret of ['old-secret', WEBHOOK_SECRET]) {
        const good = await app.inject({
          method: 'POST',
          url,
          headers: headers('item.created', { 'x-acme-signature': sign(secret, ITEM), 'x-acme-delivery': secret }),
          payload: ITEM,
        })
        expect(good.statusCode).toBe(202)
      }
    })

    it('signs the raw bytes: a reformatted body fails', async () => {
      const { app } = testApp()
      const url = `/acme?t=${sealed({ secrets: [WEBHOOK_SECRET] })}`
      const reformatted = JSON.stringify(JSON.parse(ITEM), null, 2)
      const res = await app.inject({
        method: 'POST',
        url,
        headers: headers('item.created', { 'x-acme-signature': sign(WEBHOOK_SECRET, ITEM) }),
        payload: reformatted,
      })
      expect(res.statusCode).toBe(401)
    })
  })

  describe('processing', () => {
    it('422 naming the field for an invalid payload', async () => {
      const { app } = testApp()
      const res = await app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: headers('item.created'), payload: '{"item":{"id":1}}' })
      expect(res.statusCode).toBe(422)
      expect(res.json().error).toBe('invalid_payload')
      expect(res.json().message).toContain('"item.title"')
    })

    it('200 with the reason for a skipped or unknown event', async () => {
      const { app, queue } = testApp()
      const ping = await app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: headers('ping'), payload: '{}' })
      expect(ping.statusCode).toBe(200)
      expect(ping.json()).toEqual({ status: 'skipped', reason: 'ping only checks that the endpoint answers' })
      const unknown = await app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: headers('weird'), payload: '{}' })
      expect(unknown.statusCode).toBe(200)
      expect(unknown.json().status).toBe('skipped')
      expect(unknown.json().reason).toContain('unknown event "weird" for provider acme')
      expect(queue.enqueued).toHaveLength(0)
    })

    it("200 filtered with the reason for a delivery the endpoint's filters drop, logged, nothing queued", async () => {
      const { app, queue, lines } = testApp()
      const t = sealed({ options: { exclude_titles: 'hello' } })
      const res = await app.inject({ method: 'POST', url: `/acme?t=${t}`, headers: headers('item.created'), payload: ITEM })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ status: 'filtered', reason: 'title "Hello" is in exclude_titles (hello)' })
      expect(queue.enqueued).toHaveLength(0)
      expect(lines.map((line) => JSON.parse(line)).find((line) => line.msg === 'webhook')).toMatchObject({
        provider: 'acme',
        event: 'item.created',
        outcome: 'filtered',
        status: 200,
      })
      const other = JSON.stringify({ item: { id: 43, title: 'Other' } })
      expect((await app.inject({ method: 'POST', url: `/acme?t=${t}`, headers: headers('item.created'), payload: other })).statusCode).toBe(202)
    })

    it('400 naming the filter for a bad filter value in the token', async () => {
      const { app } = testApp()
      const res = await app.inject({
        method: 'POST',
        url: `/acme?t=${sealed({ options: { exclude_titles: 'a,,b' } })}`,
        headers: headers('item.created'),
        payload: ITEM,
      })
      expect(res.statusCode).toBe(400)
      expect(res.json()).toEqual({
        error: 'invalid_options',
        message: 'invalid options for provider acme: "exclude_titles" has an empty item in "a,,b"; it takes comma-separated, case-insensitive',
      })
    })

    it('a provider bug is a 422 and a log line, never a 500 or a crash', async () => {
      const { app, lines } = testApp()
      for (const event of ['boom', 'bad.result']) {
        const res = await app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: headers(event), payload: '{}' })
        expect(res.statusCode, event).toBe(422)
        expect(['provider_error', 'invalid_result']).toContain(res.json().error)
      }
      const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.outcome === 'error')
      expect(logged).toHaveLength(2)
      expect(logged[0]).toMatchObject({ level: 50, provider: 'acme', event: 'boom', status: 422 })
      expect(logged[0].err.message).toContain('kaboom')
      expect(logged[1]).toMatchObject({ provider: 'acme', event: 'bad.result' })
      // Still serving.
      const ok = await app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: headers('item.created'), payload: ITEM })
      expect(ok.statusCode).toBe(202)
    })

    it('202 with the count once the posts are committed', async () => {
      const { app, queue } = testApp()
      const res = await app.inject({ method: 'POST', url: `/acme?t=${sealed({ postOptions: { team: 'team-1' } })}`, headers: headers('multi'), payload: '{}' })
      expect(res.statusCode).toBe(202)
      expect(res.json()).toEqual({ status: 'queued', posts: 2 })
      expect(queue.enqueued).toHaveLength(1)
      const [delivery] = queue.enqueued
      expect(delivery).toMatchObject({ provider: 'acme', event: 'multi', token: MISSIVE_TOKEN })
      expect(delivery!.posts.map((p) => p.references)).toEqual([['<acme/a@missive-integrations>'], ['<acme/b@missive-integrations>']])
      expect(delivery!.posts[0]).toMatchObject({ team: 'team-1', username: 'Acme' })
    })

    it('200 duplicate for the same delivery id, not queued again', async () => {
      const { app, queue } = testApp()
      const send = (id: string, body = ITEM) =>
        app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: headers('item.created', { 'x-acme-delivery': id }), payload: body })
      expect((await send('d-1')).statusCode).toBe(202)
      const again = await send('d-1')
      expect(again.statusCode).toBe(200)
      expect(again.json()).toEqual({ status: 'duplicate' })
      expect((await send('d-2')).statusCode).toBe(202)
      expect(queue.enqueued.map((d) => d.dedupeKey)).toEqual([
        expect.stringMatching(/^acme:[0-9a-f]{16}:d-1$/),
        expect.stringMatching(/^acme:[0-9a-f]{16}:d-2$/),
      ])
    })

    it('answers a redelivery as a duplicate before parsing its body', async () => {
      const { app, queue } = testApp()
      const url = `/acme?t=${sealed()}`
      expect((await app.inject({ method: 'POST', url, headers: headers('item.created', { 'x-acme-delivery': 'd-1' }), payload: ITEM })).statusCode).toBe(202)
      const again = await app.inject({ method: 'POST', url, headers: headers('item.created', { 'x-acme-delivery': 'd-1' }), payload: '{"not json' })
      expect(again.statusCode).toBe(200)
      expect(again.json()).toEqual({ status: 'duplicate' })
      expect(queue.enqueued).toHaveLength(1)
    })

    it('scopes a delivery id to its endpoint: two teams receiving the same id both get their posts', async () => {
      const { app, queue } = testApp()
      const send = (token: string) =>
        app.inject({ method: 'POST', url: `/acme?t=${sealed({ token })}`, headers: headers('item.created', { 'x-acme-delivery': 'same-id' }), payload: ITEM })
      expect((await send('team-one-token')).statusCode).toBe(202)
      expect((await send('team-two-token')).statusCode).toBe(202)
      expect((await send('team-one-token')).json()).toEqual({ status: 'duplicate' })
      expect(queue.enqueued.map((d) => d.token)).toEqual(['team-one-token', 'team-two-token'])
    })

    it("passes the queue's own refusal through with its status (a delivery with too many posts)", async () => {
      const { app, queue } = testApp()
      queue.refuse = new TooManyPosts('this delivery has 501 posts; at most 500 are queued per webhook')
      const res = await app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: headers('multi'), payload: '{}' })
      expect(res.statusCode).toBe(422)
      expect(res.json()).toEqual({ error: 'too_many_posts', message: 'this delivery has 501 posts; at most 500 are queued per webhook' })
    })

    it('dedupes by a hash of provider, token and body when the sender gives no delivery id', async () => {
      const { app, queue } = testApp()
      const send = () => app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: headers('item.created'), payload: ITEM })
      expect((await send()).statusCode).toBe(202)
      expect((await send()).json()).toEqual({ status: 'duplicate' })
      expect(queue.enqueued[0]!.dedupeKey).toMatch(/^acme:body:[0-9a-f]{64}$/)
      expect(queue.enqueued[0]!.dedupeKey).not.toContain(MISSIVE_TOKEN)
    })

    it('503 when the queue cannot commit (the sender retries), logged', async () => {
      const { app, queue, lines } = testApp()
      queue.failEnqueue = true
      const res = await app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: headers('item.created'), payload: ITEM })
      expect(res.statusCode).toBe(503)
      expect(res.json().error).toBe('queue_unavailable')
      expect(lines.some((l) => l.includes('disk full'))).toBe(true)
    })

    it('hides the token parameter from the provider', async () => {
      let seen: Record<string, string> = {}
      const spy = new (class Spy extends Acme {
        override process(payload: Record<string, unknown>, request: WebhookRequest) {
          seen = { ...request.query }
          return super.process(payload, request, {})
        }
      })()
      const { app } = testApp({ providers: [spy] })
      await app.inject({ method: 'POST', url: `/acme?t=${sealed()}&x=1`, headers: headers('item.created'), payload: ITEM })
      expect(seen).toEqual({ x: '1' })
    })
  })

  it('never writes a Missive token, a sealed token or a webhook secret to a response or a log', async () => {
    const { app, lines } = testApp()
    const t = sealed({ secrets: [WEBHOOK_SECRET] })
    const lt = legacy({ token: MISSIVE_TOKEN })
    const bodies: string[] = []
    const requests = [
      { url: `/acme?t=${t}`, headers: headers('item.created', { 'x-acme-signature': sign(WEBHOOK_SECRET, ITEM) }), payload: ITEM },
      { url: `/acme?t=${t}`, headers: headers('item.created', { 'x-acme-signature': 'sha256=00' }), payload: ITEM },
      { url: `/acme?t=${t}`, headers: headers('boom', { authorization: `Bearer ${MISSIVE_TOKEN}` }), payload: '{}' },
      { url: `/acme?t=${t}`, headers: headers('item.created'), payload: '{"item":{}}' },
      { url: `/acme?t=${t}`, headers: { 'content-type': 'image/gif' }, payload: 'x' },
      { url: `/acme?t=${t}x`, headers: headers('item.created'), payload: ITEM },
      { url: `/acme?t=${encodeURIComponent(lt)}`, headers: headers('item.created'), payload: ITEM },
      { url: `/nope?t=${t}`, headers: headers('item.created'), payload: ITEM },
    ]
    for (const request of requests) {
      const res = await app.inject({ method: 'POST', ...request })
      bodies.push(res.body, JSON.stringify(res.headers))
    }
    const everything = [...bodies, ...lines].join('\n')
    expect(lines.length).toBeGreaterThan(5)
    for (const secret of [MISSIVE_TOKEN, WEBHOOK_SECRET, t, t.slice(3, 40), lt, KEY.toString('base64')]) {
      expect(everything).not.toContain(secret)
    }
  })
})

describe('other routes', () => {
  it('GET /integrations lists non-deprecated providers in the hosted shape; a deprecated one is still served', async () => {
    const deprecated = new (class Old extends Acme {
      override get id() {
        return 'old'
      }
      override get deprecated() {
        return true
      }
    })()
    const { app } = testApp({ providers: [new Acme(), deprecated] })
    const res = await app.inject({ method: 'GET', url: '/integrations' })
    expect(res.statusCode).toBe(200)
    expect(Object.keys(res.json())).toEqual(['acme'])
    expect(res.json().acme).toMatchObject({
      id: 'acme',
      name: 'Acme',
      schema: {
        options: [
          { key: 'limit', type: 'Number' },
          { key: 'account' },
          { key: 'exclude_titles', type: 'String' },
          { key: 'burst_limit' },
          { key: 'burst_window' },
        ],
      },
    })
    // A filter is listed as an option, with what it does and what it takes.
    expect(res.json().acme.schema.options[2]).toEqual({
      key: 'exclude_titles',
      type: 'String',
      label: 'Exclude titles',
      description: 'drop items with these titles (comma-separated, case-insensitive)',
    })
    // Acme is not hosted by Missive and this server serves no icon for it: no icon rather than a broken one (test/assets.test.ts).
    expect(res.json().acme).not.toHaveProperty('avatar')
    // Deprecated as the hosted service's Heroku: hidden from the list, its webhook URLs still answer.
    const posted = await app.inject({ method: 'POST', url: `/old?t=${sealed({}, 'old')}`, headers: headers('item.created'), payload: ITEM })
    expect(posted.statusCode).toBe(202)
  })

  it('GET /healthz, GET /readyz follows the queue, POST / answers Pong, GET / a page', async () => {
    const { app, queue } = testApp()
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' })
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200)
    queue.isReady = false
    const notReady = await app.inject({ method: 'GET', url: '/readyz' })
    expect(notReady.statusCode).toBe(503)
    expect(notReady.json().error).toBe('not_ready')
    const pong = await app.inject({ method: 'POST', url: '/', payload: '{}' })
    expect(pong.statusCode).toBe(200)
    expect(pong.body).toBe('Pong')
    const home = await app.inject({ method: 'GET', url: '/' })
    expect(home.headers['content-type']).toContain('text/html')
    expect(home.body).toContain('POST /acme')
  })

  it('unknown routes answer JSON 404', async () => {
    const { app } = testApp()
    const res = await app.inject({ method: 'GET', url: '/nope?t=secret' })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toEqual({ error: 'not_found', message: 'no route for GET /nope' })
  })

  it('GET /metrics counts webhooks by outcome and reports the queue depth', async () => {
    const { app, metrics } = testApp()
    await app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: headers('item.created'), payload: ITEM })
    await app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: headers('item.created'), payload: ITEM })
    await app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: headers('ping'), payload: '{}' })
    await app.inject({
      method: 'POST',
      url: `/acme?t=${sealed({ options: { exclude_titles: 'Hello' } })}`,
      headers: headers('item.created'),
      payload: JSON.stringify({ item: { id: 7, title: 'Hello' } }),
    })
    await app.inject({ method: 'POST', url: `/acme`, headers: headers('ping'), payload: '{}' })
    await app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: headers('boom'), payload: '{}' })
    await app.inject({ method: 'POST', url: `/acme?t=${sealed()}`, headers: headers('attacker-chosen-event'), payload: '{}' })
    metrics.observer.delivered?.({ provider: 'acme', event: 'item.created', attempts: 1, latencyMs: 120 })
    metrics.observer.retried?.({ provider: 'acme', event: 'item.created', attempts: 1, failure: '429', delayMs: 1000 })
    metrics.observer.deadLettered?.({ provider: 'acme', event: 'item.created', attempts: 5, reason: '422' })
    const res = await app.inject({ method: 'GET', url: '/metrics' })
    expect(res.headers['content-type']).toContain('text/plain')
    const text = res.body
    expect(text).toContain('webhooks_total{provider="acme",event="item.created",outcome="queued"} 1')
    expect(text).toContain('webhooks_total{provider="acme",event="item.created",outcome="duplicate"} 1')
    expect(text).toContain('webhooks_total{provider="acme",event="ping",outcome="skipped"} 1')
    expect(text).toContain('webhooks_total{provider="acme",event="item.created",outcome="filtered"} 1')
    expect(text).toContain('webhooks_total{provider="acme",event="ping",outcome="rejected"} 1')
    expect(text).toContain('webhooks_total{provider="acme",event="boom",outcome="error"} 1')
    expect(text).toContain('webhooks_total{provider="acme",event="other",outcome="skipped"} 1')
    expect(text).not.toContain('attacker-chosen-event')
    expect(text).toContain('posts_delivered_total{provider="acme"} 1')
    expect(text).toContain('posts_retried_total{provider="acme"} 1')
    expect(text).toContain('posts_dead_lettered_total{provider="acme"} 1')
    expect(text).toContain('delivery_latency_seconds_bucket{le="0.25",provider="acme"} 1')
    expect(text).toContain('queue_depth 1')
  })
})
