import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { hmacMatches } from '../src/index.ts'

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
