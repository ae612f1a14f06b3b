import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  Integration,
  NonceMemory,
  bold,
  fixtureNames,
  loadFixture,
  readDelivery,
  redact,
  rich,
  senderRequest,
  stripInvisible,
  toMissivePost,
} from '../src/index.ts'

const RLO = '\u202e'
const ZWSP = '\u200b'

describe('stripInvisible', () => {
  it('drops bidirectional overrides, isolates, zero-width spaces and BOMs, and keeps joiners', () => {
    expect(stripInvisible(`invoice${RLO}fdp.exe`)).toBe('invoicefdp.exe')
    expect(stripInvisible(`a${ZWSP}d\u2066m\u2069i\ufeffn\u200e\u200f\u061c`)).toBe('admin')
    // Emoji sequences and Persian need the zero-width joiner and non-joiner.
    expect(stripInvisible('👩\u200d💻 می\u200cخواهم')).toBe('👩\u200d💻 می\u200cخواهم')
    const plain = 'nothing to strip'
    expect(stripInvisible(plain)).toBe(plain)
  })

  it('is applied to user text in rich text, in both renderings', () => {
    const text = rich`${bold(`ad${ZWSP}min`)} renamed ${`txt${RLO}exe.sh`}`
    expect(text.text).toBe('*admin* renamed txtexe.sh')
    expect(text.plain).toBe('admin renamed txtexe.sh')
  })

  it('is applied to every text of a post, however the provider built it', () => {
    const post = toMissivePost(
      { id: 'x', name: 'X', avatar: 'a', icon: 'i' },
      {
        references: ['r'],
        subject: `Pay ${RLO}gnp.exe`,
        notification: `n${ZWSP}`,
        text: `t${ZWSP}`,
        markdown: `m${RLO}`,
        attachments: [{ title: `t${ZWSP}`, text: 'clean', fields: [{ title: `f${RLO}`, value: `v${ZWSP}` }] }],
      },
    )
    expect(post).toMatchObject({
      conversation_subject: 'Pay gnp.exe',
      notification: { title: 'Pay gnp.exe', body: 'n' },
      text: 't',
      markdown: 'm',
      attachments: [{ title: 't', text: 'clean', fields: [{ title: 'f', value: 'v' }] }],
    })
  })
})

describe('redact', () => {
  it('replaces every occurrence of each secret', () => {
    expect(redact('token abc, again abc; key xyz', 'abc', undefined, '', 'xyz')).toBe('token [redacted], again [redacted]; key [redacted]')
  })
})

describe('NonceMemory', () => {
  it('refuses a nonce seen within the window, and forgets it after', () => {
    const memory = new NonceMemory(1000)
    expect(memory.remember('n1', 0)).toBe(true)
    expect(memory.remember('n1', 999)).toBe(false)
    expect(memory.remember('n2', 500)).toBe(true)
    expect(memory.remember('n1', 1000)).toBe(true)
    expect(memory.size).toBe(2)
  })

  it('holds at most maxEntries, forgetting the oldest first', () => {
    const memory = new NonceMemory(60_000, 3)
    for (const nonce of ['a', 'b', 'c', 'd']) expect(memory.remember(nonce, 0)).toBe(true)
    expect(memory.size).toBe(3)
    expect(memory.remember('a', 1)).toBe(true)
    expect(memory.remember('d', 1)).toBe(false)
  })
})

describe('fixtures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fixtures-'))
  writeFileSync(join(dir, 'push__x.json'), '{"ref":"refs/heads/main"}')
  writeFileSync(join(dir, 'push__x.headers.json'), '{"X-GitHub-Event":"push","X-Count":3}')
  writeFileSync(join(dir, 'ping__y.json'), '{}')
  writeFileSync(join(dir, 'loose.json'), '{}')

  it('lists names, loads a fixture with its headers, and reads a payload file that is not named like one', () => {
    expect(fixtureNames(dir)).toEqual(['loose', 'ping__y', 'push__x'])
    expect(fixtureNames(join(dir, 'missing'))).toEqual([])
    expect(loadFixture(dir, 'push__x')).toMatchObject({ event: 'push', scenario: 'x', headers: { 'X-GitHub-Event': 'push', 'X-Count': '3' } })
    expect(() => loadFixture(dir, 'loose')).toThrow('fixture "loose" is not named <event>__<scenario>.json')
    expect(() => loadFixture(dir, 'push__z')).toThrow(/no fixture push__z.json .*there are: loose.json, ping__y.json, push__x.json/)
    expect(readDelivery(join(dir, 'loose.json'))).toEqual({ body: '{}', headers: {} })
  })

  it('builds the request a sender makes: JSON by default, the event in the event header, form-encoded on demand', () => {
    const forge = new (class Forge extends Integration {
      override get eventHeader() {
        return 'X-Forge-Event'
      }
    })()
    const request = senderRequest(forge, { body: '{"a":1}', headers: { 'x-forge-event': 'old', 'X-Other': 'y' }, event: 'push' })
    expect(request.headers).toEqual({ 'content-type': 'application/json', 'x-forge-event': 'push', 'x-other': 'y' })
    expect(request.path).toBe('/forge')
    const form = senderRequest(forge, { body: '{"a":1}', headers: { 'Content-Type': 'text/plain' }, form: true })
    expect(form.contentType).toBe('application/x-www-form-urlencoded')
    expect(form.bodyText).toBe('payload=%7B%22a%22%3A1%7D')
  })
})
