import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Acme, MISSIVE_TOKEN, WEBHOOK_SECRET, legacy, sealed, sign, testApp } from './helpers/acme.js'

// Property-based fuzzing of the whole request path against the real app: whatever a sender (or
// an attacker) sends, the answer is a 2xx/4xx with a JSON body, never a 5xx, never a crash.
const { app, lines } = testApp({ bodyLimit: 64 * 1024, providers: [new Acme()] })

const printable = fc.string({ unit: fc.constantFrom(...'abcXYZ019 -_.:;/=+?&%$#@!~*\'"(){}[]<>'.split('')), maxLength: 40 })
const event = fc.oneof(fc.constantFrom('item.created', 'multi', 'ping', 'boom', 'bad.result', 'other'), printable)
const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/x-www-form-urlencoded',
    'text/plain',
    'application/vnd.x+json',
    'image/png',
    'multipart/form-data; boundary=x',
  ),
  printable,
)
const jsonBody = fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify(value))
const itemBody = fc
  .record({ item: fc.record({ id: fc.oneof(fc.integer(), fc.string(), fc.constant(null)), title: fc.oneof(fc.string(), fc.integer()) }, { requiredKeys: [] }) })
  .map((v) => JSON.stringify(v))
const body = fc.oneof(
  jsonBody,
  itemBody,
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.integer({ min: 1, max: 3000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  itemBody.map((json) => `payload=${encodeURIComponent(json)}`),
  fc.string({ maxLength: 80 }).map((s) => `payload=${s}`),
)
const token = fc.oneof(
  fc.constant(undefined),
  fc.constant(sealed()),
  fc.constant(sealed({ secrets: [WEBHOOK_SECRET] })),
  fc.record({ limit: fc.oneof(fc.string(), fc.integer(), fc.boolean()) }).map((options) => sealed({ options })),
  fc.tuple(fc.nat(200), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
    const t = sealed()
    const at = 3 + (i % (t.length - 3))
    return t.slice(0, at) + String.fromCharCode(t.charCodeAt(at) ^ x) + t.slice(at + 1)
  }),
  fc.jsonValue({ maxDepth: 3 }).map((value) => legacy(value)),
  fc.record({ token: fc.string(), options: fc.jsonValue({ maxDepth: 2 }), acme: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: ['token'] }).map(legacy),
  fc.string({ maxLength: 100 }),
)
const path = fc.oneof(
  fc.constant('acme'),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'ACME', 'acme%00', '..%2F'),
  printable.filter((s) => !['', '.', '..'].includes(s)).map(encodeURIComponent),
)

describe('fuzzing the request path', () => {
  it('never answers 5xx and always answers JSON', async () => {
    let runs = 0
    await fc.assert(
      fc.asyncProperty(
        path,
        event,
        contentType,
        body,
        token,
        fc.boolean(),
        fc.option(printable),
        async (provider, name, type, payload, t, signIt, delivery) => {
          runs++
          const headers: Record<string, string> = { 'content-type': type, 'x-acme-event': name }
          if (signIt) headers['x-acme-signature'] = sign(WEBHOOK_SECRET, payload)
          if (delivery !== null) headers['x-acme-delivery'] = delivery
          const query = t === undefined ? '' : `?t=${encodeURIComponent(t)}`
          const res = await app.inject({ method: 'POST', url: `/${provider}${query}`, headers, payload })
          expect(res.statusCode).toBeLessThan(500)
          const answer = res.json()
          if (res.statusCode >= 400) {
            expect(typeof answer.error).toBe('string')
            expect(typeof answer.message).toBe('string')
          } else {
            expect(['queued', 'skipped', 'duplicate']).toContain(answer.status)
          }
          expect(res.body).not.toContain(MISSIVE_TOKEN)
        },
      ),
      { numRuns: 1000, interruptAfterTimeLimit: 15_000 },
    )
    expect(runs).toBeGreaterThan(100)
    expect(lines.join('\n')).not.toContain(MISSIVE_TOKEN)
    console.log(`fuzz: ${runs} requests`)
  })

  it('survives arbitrary header values', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('content-type', 'x-acme-event', 'x-acme-delivery', 'x-acme-signature', 'content-encoding', 'accept'), printable),
        body,
        async (headers, payload) => {
          const res = await app.inject({ method: 'POST', url: `/acme?t=${encodeURIComponent(sealed({ secrets: [WEBHOOK_SECRET] }))}`, headers, payload })
          expect(res.statusCode).toBeLessThan(500)
        },
      ),
      { numRuns: 500, interruptAfterTimeLimit: 10_000 },
    )
  })

  it('keeps the order of the checks: a bad token beats everything, then a bad signature, then a redelivery', async () => {
    const order = testApp({ bodyLimit: 1024, providers: [new Acme()] })
    const signedUrl = `/acme?t=${encodeURIComponent(sealed({ secrets: [WEBHOOK_SECRET] }))}`
    const plainUrl = `/acme?t=${encodeURIComponent(sealed())}`
    // A delivery the queue has: any later request with its id is a duplicate, whatever its body.
    const first = await order.app.inject({
      method: 'POST',
      url: plainUrl,
      headers: { 'content-type': 'application/json', 'x-acme-event': 'multi', 'x-acme-delivery': 'known' },
      payload: '{}',
    })
    expect(first.statusCode).toBe(202)
    const badToken = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 60 }).filter((t) => !t.startsWith('v1.')),
      fc.constant(sealed().slice(0, -5)),
    )
    const anyBody = fc.oneof(
      body,
      fc.constant('x'.repeat(4096)),
      fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
    )
    await fc.assert(
      fc.asyncProperty(badToken, anyBody, contentType, event, fc.option(printable), async (t, payload, type, name, signature) => {
        const headers: Record<string, string> = { 'content-type': type, 'x-acme-event': name, 'x-acme-delivery': 'known' }
        if (signature !== null) headers['x-acme-signature'] = signature
        const noToken = await order.app.inject({ method: 'POST', url: t === undefined ? '/acme' : `/acme?t=${encodeURIComponent(t)}`, headers, payload })
        expect(noToken.statusCode).toBe(401)
        expect(['missing_token', 'invalid_token']).toContain(noToken.json().error)
        const unsigned = await order.app.inject({ method: 'POST', url: signedUrl, headers, payload })
        expect(unsigned.statusCode, unsigned.body).toBe(Buffer.byteLength(payload) > 1024 ? 413 : 401)
        const again = await order.app.inject({ method: 'POST', url: plainUrl, headers, payload })
        expect(again.statusCode).toBe(Buffer.byteLength(payload) > 1024 ? 413 : 200)
        if (again.statusCode === 200) expect(again.json()).toEqual({ status: 'duplicate' })
      }),
      { numRuns: 300, interruptAfterTimeLimit: 10_000 },
    )
    expect(order.queue.enqueued).toHaveLength(1)
  })
})
