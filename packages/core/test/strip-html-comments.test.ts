import { describe, expect, it } from 'vitest'
import { stripHtmlComments } from '../src/index.ts'

describe('stripHtmlComments', () => {
  it('returns text without comments unchanged (the same string)', () => {
    const body = 'Fixes #12.\n\nNo template here: a < b, <b>bold</b>, <!DOCTYPE html>.'
    expect(stripHtmlComments(body)).toBe(body)
    expect(stripHtmlComments('')).toBe('')
  })

  it('drops an inline comment and keeps the text around it', () => {
    expect(stripHtmlComments('Before <!-- hidden --> after')).toBe('Before  after')
    expect(stripHtmlComments('a<!--x-->b<!--y-->c')).toBe('abc')
  })

  it('drops a pull request template: multi-line comments alone on their lines take their line breaks', () => {
    const template = [
      '## Summary',
      '<!-- Describe your change.',
      '     Link the issue it fixes. -->',
      'Adds dark mode.',
      '',
      '## Checklist <!-- tick what applies -->',
      '- [x] tests',
      '<!-- thanks for contributing! -->',
    ].join('\n')
    expect(stripHtmlComments(template)).toBe('## Summary\nAdds dark mode.\n\n## Checklist \n- [x] tests\n')
  })

  it('drops an unterminated comment to the end of the text, as GitHub and GitLab hide it', () => {
    expect(stripHtmlComments('Keep this.\n<!-- never closed\nnor this')).toBe('Keep this.\n')
    expect(stripHtmlComments('<!--')).toBe('')
  })

  it("treats CommonMark's empty comments <!--> and <!---> as comments, not as the start of an unterminated one", () => {
    expect(stripHtmlComments('a <!--> b <!---> c')).toBe('a  b  c')
  })

  it('ends a comment at the first -->, as HTML does', () => {
    expect(stripHtmlComments('<!-- a --> shown <!-- b -->')).toBe(' shown ')
    expect(stripHtmlComments('x <!-- <!-- nested --> y -->')).toBe('x  y -->')
  })

  it('leaves comments inside fenced code blocks and code spans as written', () => {
    const body = ['Repro:', '```html', '<!-- a comment in the sample -->', '<p>hi</p>', '```', 'Use `<!-- x -->` to hide text. <!-- gone -->'].join('\n')
    expect(stripHtmlComments(body)).toBe(
      ['Repro:', '```html', '<!-- a comment in the sample -->', '<p>hi</p>', '```', 'Use `<!-- x -->` to hide text. '].join('\n'),
    )
    const tildes = '~~~\n<!-- kept -->\n~~~\n<!-- dropped -->\nend'
    expect(stripHtmlComments(tildes)).toBe('~~~\n<!-- kept -->\n~~~\nend')
  })

  it('keeps an unclosed code fence to the end of the text, comments and all', () => {
    expect(stripHtmlComments('<!-- x -->\n```\n<!-- kept -->')).toBe('```\n<!-- kept -->')
  })

  it('handles Windows line endings', () => {
    expect(stripHtmlComments('a\r\n<!-- x -->\r\nb')).toBe('a\r\nb')
    expect(stripHtmlComments('```\r\n<!-- kept -->\r\n```\r\n<!-- dropped -->\r\nend')).toBe('```\r\n<!-- kept -->\r\n```\r\nend')
  })
})
