import { describe, expect, it } from 'vitest'
import { bold, code, codeLink, escapeText, join, lines, link, rich, RichText, safeUrl } from '../src/index.ts'

describe('rich text', () => {
  it('renders a sentence once as post text and as a plain notification', () => {
    const sentence = rich`${bold('Ada')} pushed ${codeLink('https://github.com/a/b/commit/abc', 'abc1234')} to ${link('https://github.com/a/b', 'a/b')}`
    expect(sentence.text).toBe('*Ada* pushed <https://github.com/a/b/commit/abc|`abc1234`> to <https://github.com/a/b|a/b>')
    expect(sentence.plain).toBe('Ada pushed abc1234 to a/b')
  })

  it('renders a bare link as <url> and the url in the notification', () => {
    expect(link('https://rollbar.com/a/b/items/1')).toMatchObject({ text: '<https://rollbar.com/a/b/items/1>', plain: 'https://rollbar.com/a/b/items/1' })
  })

  it.each([
    ['a link', '<https://evil.example|click>', '‹https://evil.example∣click›'],
    ['a bare link', '<https://evil.example>', '‹https://evil.example›'],
    ['bold', '*urgent*', '∗urgent∗'],
    ['code', '`rm -rf`', 'ˋrm -rfˋ'],
    ['a label break', 'a|b', 'a∣b'],
  ])('escapes %s in user content', (_what, hostile, escaped) => {
    const sentence = rich`Title: ${hostile}`
    expect(sentence.text).toBe(`Title: ${escaped}`)
    expect(sentence.plain).toBe(`Title: ${hostile}`)
    expect(sentence.text).not.toMatch(/<https?:|\*urgent\*|`/)
  })

  it('escapes hostile labels inside links, bold and code', () => {
    const hostile = 'x> <https://evil.example|pwn'
    expect(link('https://ok.example', hostile).text).toBe('<https://ok.example|x› ‹https://evil.example∣pwn>')
    expect(bold('*a*').text).toBe('*∗a∗*')
    expect(code('`a`').text).toBe('`ˋaˋ`')
  })

  it('percent-encodes characters that would end a link and refuses unsafe schemes', () => {
    expect(safeUrl('https://x.example/a|b>c d')).toBe('https://x.example/a%7Cb%3Ec%20d')
    expect(safeUrl('javascript:alert(1)')).toBeUndefined()
    expect(safeUrl('data:text/html,hi')).toBeUndefined()
    expect(safeUrl('not a url')).toBeUndefined()
  })

  it('takes plain http(s) links without parsing them, exactly as parsing them would', () => {
    // The URL parser, as safeUrl uses it for everything else.
    const parsed = (url: string) => {
      try {
        const { protocol } = new URL(url.trim())
        return ['http:', 'https:', 'mailto:', 'missive:'].includes(protocol) ? url.trim().replace(/[|<>\s"]/g, encodeURIComponent) : undefined
      } catch {
        return undefined
      }
    }
    const urls = [
      'https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246?w=1',
      'http://localhost',
      'https://a.b-c.example/x?y=1&z=%zz#frag',
      'https://1.2.3.999/x',
      'https://1.2.3.4/x',
      'https://0x7f.1/x',
      'https://xn--zz.example/x',
      'https://example.xn--zz',
      'https://host.example:99999/x',
      'https://user:pw@host.example/x',
      'https://host.example\\evil',
      'https://-a.example/ü/ñ',
      ' https://padded.example/x ',
      'https://a..b/x',
      'HTTPS://UPPER.EXAMPLE/X',
    ]
    for (const url of urls) expect(safeUrl(url), url).toBe(parsed(url))
    expect(link('javascript:alert(1)', 'click').text).toBe('click')
    expect(link('javascript:alert(1)').text).toBe('javascript:alert(1)')
    expect(link('missive://mail.missiveapp.com/#inbox/conversations/1', 'conv').text).toBe('<missive://mail.missiveapp.com/#inbox/conversations/1|conv>')
  })

  it('joins parts, leaving out empty ones', () => {
    const joined = join(['a*', null, '', bold('b'), undefined], ', ')
    expect(joined.text).toBe('a∗, *b*')
    expect(joined.plain).toBe('a*, b')
    expect(lines('one', undefined, rich`two ${'<x>'}`).text).toBe('one\ntwo ‹x›')
  })

  it('keeps trusted markup as given and nests rich text without escaping it twice', () => {
    const inner = rich`${bold('x')}`
    expect(rich`[${inner}]`.text).toBe('[*x*]')
    expect(RichText.markup('*a*', 'a').concat(' and ', '*b*').text).toBe('*a* and ∗b∗')
    expect(escapeText('plain text, nothing to do')).toBe('plain text, nothing to do')
  })

  it('renders numbers and drops null, undefined and false', () => {
    expect(rich`${3} of ${null}${undefined}${false}x`.text).toBe('3 of x')
  })
})
