import { describe, expect, it } from 'vitest'
import { SEALED_PREFIX, TokenError, decodeLegacyToken, openSealedToken, resolveEndpoint, sealToken } from '../src/tokens.js'

const KEY = Buffer.alloc(32, 1)
const TOKEN = 'missive-api-token-0123456789'
const endpoint = {
  token: TOKEN,
  options: { account: 'acme', project: 'web' },
  postOptions: { organization: 'org-1', add_shared_labels: ['bugs'] },
  secrets: ['webhook-secret-one', 'webhook-secret-two'],
}

describe('sealed tokens', () => {
  it('round-trips an endpoint', () => {
    const t = sealToken('rollbar', endpoint, KEY)
    expect(t.startsWith(SEALED_PREFIX)).toBe(true)
    expect(t.slice(SEALED_PREFIX.length)).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(openSealedToken('rollbar', t, KEY)).toEqual({ format: 'sealed', ...endpoint })
  })

  it('uses a fresh IV: the same endpoint seals differently every time', () => {
    expect(sealToken('rollbar', endpoint, KEY)).not.toBe(sealToken('rollbar', endpoint, KEY))
  })

  it('rejects a change to any byte', () => {
    const t = sealToken('github', { token: TOKEN }, KEY)
    const bytes = Buffer.from(t.slice(SEALED_PREFIX.length), 'base64url')
    for (let i = 0; i < bytes.length; i++) {
      const changed = Buffer.from(bytes)
      changed[i] = changed[i]! ^ 0x01
      expect(() => openSealedToken('github', SEALED_PREFIX + changed.toString('base64url'), KEY), `byte ${i}`).toThrow(TokenError)
    }
    expect(() => openSealedToken('github', t.slice(0, -2), KEY)).toThrow(TokenError)
    expect(() => openSealedToken('github', `${t}AA`, KEY)).toThrow(TokenError)
  })

  it('rejects another key and another provider', () => {
    const t = sealToken('github', { token: TOKEN }, KEY)
    expect(() => openSealedToken('github', t, Buffer.alloc(32, 2))).toThrow(/another SECRET_KEY/)
    expect(() => openSealedToken('rollbar', t, KEY)).toThrow(/minted for another provider/)
  })

  it('does not let the Missive token be read from the URL', () => {
    const t = sealToken('github', endpoint, KEY)
    const decoded = Buffer.from(t.slice(SEALED_PREFIX.length), 'base64url')
    for (const text of [t, decoded.toString('utf8'), decoded.toString('latin1'), decoded.toString('hex')]) {
      expect(text).not.toContain(TOKEN)
      expect(text).not.toContain('organization')
      expect(text).not.toContain('webhook-secret')
    }
  })
})

describe('legacy tokens', () => {
  const legacy = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64')

  it("decodes the hosted service's format", () => {
    const t = legacy({ token: TOKEN, options: { organization: 'org-1' }, rollbar: { account: 'acme' } })
    expect(decodeLegacyToken('rollbar', t)).toEqual({
      format: 'legacy',
      token: TOKEN,
      postOptions: { organization: 'org-1' },
      options: { account: 'acme' },
      secrets: [],
    })
    // Base64url and unpadded forms work too.
    expect(decodeLegacyToken('rollbar', Buffer.from(JSON.stringify({ token: TOKEN })).toString('base64url')).token).toBe(TOKEN)
  })

  it.each([
    ['not base64', '%%%'],
    ['not JSON', Buffer.from('hello').toString('base64')],
    ['not an object', Buffer.from('[1]').toString('base64')],
    ['no token', Buffer.from('{"options":{}}').toString('base64')],
    ['bad options', Buffer.from('{"token":"x","options":[1]}').toString('base64')],
    ['bad provider options', Buffer.from('{"token":"x","github":"y"}').toString('base64')],
  ])('rejects %s', (_name, t) => {
    expect(() => decodeLegacyToken('github', t)).toThrow(TokenError)
  })

  it('is refused when legacy tokens are off, and a missing token is its own error', () => {
    expect(() => resolveEndpoint('github', legacy({ token: TOKEN }), { key: KEY, legacyTokens: false })).toThrow(/LEGACY_TOKENS=false/)
    expect(() => resolveEndpoint('github', undefined, { key: KEY, legacyTokens: true })).toThrow(
      expect.objectContaining({ code: 'missing_token', status: 401 }),
    )
    expect(resolveEndpoint('github', legacy({ token: TOKEN }), { key: KEY, legacyTokens: true }).token).toBe(TOKEN)
  })
})
