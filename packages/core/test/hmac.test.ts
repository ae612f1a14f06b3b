import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { SignatureError, WebhookRequest, hmacMatches, secretMatches, signHmac, verifyHmac, type HmacScheme } from '../src/index.ts'

const body = Buffer.from('{"zen":"Keep it logically awesome."}')
const digest = (secret: string, data: Uint8Array | string = body) => createHmac('sha256', secret).update(data).digest()

describe('hmacMatches', () => {
  it('matches the raw digest under any of the secrets, and nothing else', () => {
    expect(hmacMatches('sha256', ['s1'], body, digest('s1'))).toBe(true)
    expect(hmacMatches('sha256', ['old', 's1'], body, digest('s1'))).toBe(true)
    expect(hmacMatches('sha256', ['old', 'new'], body, digest('s1'))).toBe(false)
    expect(hmacMatches('sha256', [], body, digest('s1'))).toBe(false)
    expect(hmacMatches('sha256', ['s1'], Buffer.concat([body, Buffer.from(' ')]), digest('s1'))).toBe(false)
  })

  it('refuses a signature of another length without throwing', () => {
    expect(hmacMatches('sha256', ['s1'], body, digest('s1').subarray(0, 16))).toBe(false)
    expect(hmacMatches('sha256', ['s1'], body, Buffer.alloc(0))).toBe(false)
  })

  it('compares hex and base64 digests as the sender writes them', () => {
    const base64 = Buffer.from(createHmac('sha256', 'k').update('nonce').digest('base64'))
    expect(hmacMatches('sha256', ['k'], 'nonce', base64, 'base64')).toBe(true)
    expect(hmacMatches('sha256', ['k'], 'nonce', Buffer.from(`${base64}x`), 'base64')).toBe(false)
    const hex = Buffer.from(digest('k').toString('hex'))
    expect(hmacMatches('sha256', ['k'], body, hex, 'hex')).toBe(true)
  })

  it('signs the bytes as received: a body that is not valid UTF-8 still matches', () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])
    expect(hmacMatches('sha256', ['s'], bytes, digest('s', bytes))).toBe(true)
    expect(hmacMatches('sha256', ['s'], bytes.toString('utf8'), digest('s', bytes))).toBe(false)
  })
})

describe('verifyHmac and signHmac', () => {
  // GitHub's published test vector.
  // @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
  const GITHUB: HmacScheme = { header: 'X-Hub-Signature-256', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=', sender: 'GitHub' }
  const HEROKU: HmacScheme = { header: 'Heroku-Webhook-Hmac-SHA256', algorithm: 'sha256', encoding: 'base64', sender: 'Heroku' }
  const SECRET = "It's a Secret to Everybody"
  const EXPECTED = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'
  const signed = (scheme: HmacScheme, value: string | undefined, payload = 'Hello, World!') =>
    new WebhookRequest({ headers: value === undefined ? {} : { [scheme.header]: value }, body: payload })

  it('signs and verifies hex with a prefix, any case of hex and prefix', () => {
    expect(signHmac(GITHUB, 'Hello, World!', SECRET)).toBe(EXPECTED)
    expect(() => verifyHmac(signed(GITHUB, EXPECTED), [SECRET], GITHUB)).not.toThrow()
    expect(() => verifyHmac(signed(GITHUB, EXPECTED.toUpperCase()), ['other', SECRET], GITHUB)).not.toThrow()
  })

  it('signs and verifies base64 without a prefix', () => {
    const value = signHmac(HEROKU, 'Hello, World!', SECRET)
    expect(value).toBe(Buffer.from(EXPECTED.slice(7), 'hex').toString('base64'))
    expect(() => verifyHmac(signed(HEROKU, value), [SECRET], HEROKU)).not.toThrow()
    expect(() => verifyHmac(signed(HEROKU, value, 'Hello, World?'), [SECRET], HEROKU)).toThrow(
      'Heroku-Webhook-Hmac-SHA256 does not match the body signed with the endpoint secret: check the secret in the Heroku webhook settings',
    )
  })

  it.each([
    [undefined, "missing X-Hub-Signature-256 header: set the webhook's secret in GitHub to the one this URL was minted with"],
    ['sha1=abc', 'X-Hub-Signature-256 is malformed: expected "sha256=" followed by 64 hex digits'],
    [`${EXPECTED}0`, 'X-Hub-Signature-256 is malformed: expected "sha256=" followed by 64 hex digits'],
    [EXPECTED.replace(/.$/, 'g'), 'X-Hub-Signature-256 is malformed: expected "sha256=" followed by 64 hex digits'],
    [
      EXPECTED.replace(/.$/, '0'),
      'X-Hub-Signature-256 does not match the body signed with any of the endpoint secrets: check the secret in the GitHub webhook settings',
    ],
  ])('refuses %s with a SignatureError that teaches', (value, message) => {
    const check = () => verifyHmac(signed(GITHUB, value), ['new', SECRET], GITHUB)
    expect(check).toThrow(SignatureError)
    expect(check).toThrow(message)
  })

  it('refuses an empty body, no secret, and a base64 digest of the wrong length', () => {
    expect(() => verifyHmac(signed(GITHUB, EXPECTED, ''), [SECRET], GITHUB)).toThrow('X-Hub-Signature-256 cannot be checked: the body is empty')
    expect(() => verifyHmac(signed(GITHUB, EXPECTED), [], GITHUB)).toThrow('X-Hub-Signature-256 cannot be checked: no secret is configured')
    expect(() => verifyHmac(signed(HEROKU, 'c2hvcnQ='), [SECRET], HEROKU)).toThrow('Heroku-Webhook-Hmac-SHA256 is malformed: expected the base64 of 32 bytes')
  })
})

describe('secretMatches', () => {
  it('compares a secret sent as is (GitLab) with each of the endpoint secrets', () => {
    expect(secretMatches(['old', 'glpat-secret'], 'glpat-secret')).toBe(true)
    expect(secretMatches(['glpat-secret'], 'glpat-secreT')).toBe(false)
    expect(secretMatches(['glpat-secret'], 'glpat-secret-and-more')).toBe(false)
    expect(secretMatches(['glpat-secret'], undefined)).toBe(false)
    expect(secretMatches(['glpat-secret'], '')).toBe(false)
    expect(secretMatches([], 'x')).toBe(false)
  })
})
