import { describe, expect, it } from 'vitest'
import { InvalidResultError, isColor, skip, validateOutput } from '../src/index.ts'

const ctx = { provider: 'acme', event: 'deploy' }
const invalid = (output: unknown) => {
  try {
    validateOutput(output as never, ctx)
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidResultError)
    return (error as Error).message
  }
  throw new Error('expected an InvalidResultError')
}

describe('validateOutput', () => {
  it('treats nothing, an empty list and skip() as skips with reasons', () => {
    expect(validateOutput(undefined, ctx)).toEqual({ kind: 'skipped', reason: 'acme posts nothing for event "deploy"' })
    expect(validateOutput(null, ctx)).toEqual({ kind: 'skipped', reason: 'acme posts nothing for event "deploy"' })
    expect(validateOutput([], { provider: 'acme', event: undefined })).toEqual({ kind: 'skipped', reason: 'acme posts nothing for this event' })
    expect(validateOutput(skip('pending statuses are noise'), ctx)).toEqual({ kind: 'skipped', reason: 'pending statuses are noise' })
  })

  it('accepts one result or several and folds attachment into attachments', () => {
    expect(validateOutput({ references: ['1'], attachment: { text: 'a', fields: [{ title: 't', value: 'v', short: true }] } }, ctx)).toEqual({
      kind: 'posts',
      results: [{ references: ['1'], attachments: [{ text: 'a', fields: [{ title: 't', value: 'v', short: true }] }] }],
    })
    const out = validateOutput(
      [
        { references: ['1'], text: 'a' },
        { conversation: 'c', markdown: 'b' },
      ],
      ctx,
    )
    expect(out.kind === 'posts' && out.results.length).toBe(2)
  })

  it.each([
    ['not an object', 'nope', 'provider acme returned an invalid result for event "deploy": result must be an object, got string "nope"'],
    ['no thread', { text: 'x' }, 'result has neither references nor a conversation'],
    ['empty references', { references: [], text: 'x' }, 'result has neither references nor a conversation'],
    ['a non-string reference', { references: [1], text: 'x' }, 'result.references[0] must be a non-empty string, got number 1'],
    ['no content', { references: ['1'], subject: 's' }, 'result has no text, markdown or attachments'],
    ['empty text', { references: ['1'], text: '' }, 'result has no text, markdown or attachments'],
    ['attachments not objects', { references: ['1'], attachments: ['x'] }, 'result.attachments[0] must be an attachment object, got string "x"'],
    ['attachments not an array', { references: ['1'], attachments: { text: 'x' } }, 'result.attachments must be an array of attachment objects'],
    ['a bad color', { references: ['1'], text: 'x', color: 'red' }, 'result.color must be a hex color (#rgb or #rrggbb) or good, warning or danger, got "red"'],
    ['a bad attachment color', { references: ['1'], attachment: { text: 'x', color: '#12' } }, 'result.attachment.color must be a hex color'],
    ['a typo', { refrences: ['1'], text: 'x' }, 'result.refrences is not a result field'],
    ['a callback', { references: ['1'], text: 'x', callback: () => 1 }, 'result.callback is not a result field'],
    ['a function as text', { references: ['1'], text: () => 'x' }, 'result.text must be a string, got a function (results must be plain data, not callbacks)'],
    [
      'a bad field',
      { references: ['1'], attachment: { fields: [{ title: 'a', value: 2 }] } },
      'result.attachment.fields[0].value must be a string, got number 2',
    ],
    ['a bad timestamp', { references: ['1'], attachment: { text: 'x', timestamp: '2020' } }, 'result.attachment.timestamp must be a Unix time in seconds'],
    ['both attachment forms', { references: ['1'], attachment: { text: 'x' }, attachments: [] }, 'result has both attachment and attachments'],
    [
      'a non-boolean update flag',
      { references: ['1'], text: 'x', update_existing_conversation_subject: 'yes' },
      'update_existing_conversation_subject must be a boolean',
    ],
    ['a class instance', { references: ['1'], attachment: new Map() }, 'result.attachment must be an attachment object, got an instance of Map'],
  ])('rejects %s, naming the field', (_what, output, message) => {
    expect(invalid(output)).toContain(message)
  })

  it('names the index of the failing result in a list', () => {
    expect(invalid([{ references: ['1'], text: 'a' }, { text: 'b' }])).toContain('results[1] has neither references nor a conversation')
  })

  it('knows Missive colors', () => {
    for (const color of ['#fff', '#00FF00', 'good', 'warning', 'danger']) expect(isColor(color)).toBe(true)
    for (const color of ['fff', '#ffff', 'red', '', 1, null]) expect(isColor(color)).toBe(false)
  })
})
