import { describe, expect, it } from 'vitest'
import {
  BURST_OPTIONS,
  Integration,
  InvalidOptionsError,
  InvalidPayloadError,
  isIntegration,
  handleWebhook,
  ProviderError,
  readPayload,
  resolveOptions,
  SignatureError,
  truncate,
  firstLine,
  pluralize,
  capitalize,
  ordinal,
  WebhookRequest,
  type Payload,
  type ProcessOutput,
} from '../src/index.ts'

class StatusPage extends Integration {
  override get schema() {
    return {
      options: [
        { key: 'page', type: 'String' as const, required: true },
        { key: 'step', type: 'Number' as const, default: 5 },
        { key: 'quiet', type: 'Boolean' as const },
      ],
    }
  }
  override process(payload: Payload): ProcessOutput | Promise<ProcessOutput> {
    // A provider bug: reads a field that is not there.
    if (payload.crash) return (payload as unknown as { a: { b: ProcessOutput } }).a.b
    if (payload.async) return Promise.resolve([{ references: ['x'], text: 'later' }])
    return { references: ['1'], text: 'ok' }
  }
}

const request = (body: object) => new WebhookRequest({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
/** The outcome of the server's path for a hand-written integration, without a queue. */
const outcomeOf = async (body: object, endpoint: { options?: Record<string, unknown>; secrets?: string[] }) =>
  (await handleWebhook(new StatusPage(), request(body), () => ({ token: 't', ...endpoint }))).outcome

describe('Integration', () => {
  it('defaults id, name, avatar, icon, schema and deprecated like the hosted service', () => {
    const provider = new StatusPage()
    // No icon: the hosted service has none for statuspage, and a broken image is worse than none.
    // Its own options, then the burst-digest options core adds to every provider.
    expect(provider.toJSON()).toEqual({ id: 'statuspage', name: 'StatusPage', schema: { options: [...provider.schema.options, ...BURST_OPTIONS] } })
    expect(BURST_OPTIONS.map((spec) => [spec.key, spec.default])).toEqual([
      ['burst_limit', 3],
      ['burst_window', 60],
    ])
    expect(provider.deprecated).toBe(false)
    expect(provider.verify).toBeUndefined()
    expect(isIntegration(provider)).toBe(true)
    expect(isIntegration({ process() {} })).toBe(false)
    // A look-alike from another copy of core passes; a plain object missing the contract does not.
    const lookAlike = { id: 'x', name: 'X', schema: { options: [] }, process() {}, event() {}, deliveryId() {}, toJSON() {} }
    expect(isIntegration(lookAlike)).toBe(true)
    expect(isIntegration({ ...lookAlike, schema: undefined })).toBe(false)
    expect(isIntegration({ ...lookAlike, toJSON: undefined })).toBe(false)
    expect(isIntegration(null)).toBe(false)
  })

  it('processes synchronously or not, one result or several', async () => {
    const outcome = await outcomeOf({ async: true }, { options: { page: 'p' } })
    expect(outcome.kind === 'posts' && outcome.posts.map((post) => post.text)).toEqual(['later'])
  })

  it('wraps a provider bug in ProviderError (422) naming the provider', async () => {
    const outcome = await outcomeOf({ crash: true }, { options: { page: 'p' } })
    const error = outcome.kind === 'error' ? outcome.error : undefined
    expect(error).toBeInstanceOf(ProviderError)
    expect(error!.status).toBe(422)
    expect(error!.message).toMatch(/^provider statuspage failed to process this delivery: Cannot read properties of undefined/)
  })

  it('refuses a secret for a provider that does not sign', async () => {
    const outcome = await outcomeOf({}, { options: { page: 'p' }, secrets: ['s'] })
    expect(outcome.kind === 'rejected' && outcome.error).toBeInstanceOf(SignatureError)
  })
})

describe('resolveOptions', () => {
  const provider = new StatusPage()
  it('types values and applies defaults', () => {
    expect(resolveOptions(provider, { page: 'status', step: '10', quiet: 'true' })).toEqual({ page: 'status', step: 10, quiet: true })
    expect(resolveOptions(provider, { page: 'status', extra: 1 })).toEqual({ page: 'status', step: 5 })
  })
  it.each([
    [{}, 'invalid options for provider statuspage: "page" is required (a string)'],
    [{ page: 'p', step: 'many' }, 'invalid options for provider statuspage: "step" must be a number, got "many"'],
    [{ page: 'p', quiet: 'maybe' }, 'invalid options for provider statuspage: "quiet" must be true or false, got "maybe"'],
  ])('rejects %j naming the key', (options, message) => {
    expect(() => resolveOptions(provider, options)).toThrow(new InvalidOptionsError('statuspage', 'x', 'y').constructor as never)
    expect(() => resolveOptions(provider, options)).toThrow(message)
  })
  it('rejects unknown keys when strict', () => {
    expect(() => resolveOptions(provider, { page: 'p', acount: 'x' }, { strict: true })).toThrow(
      '"acount" is not an option of this provider; known options: page, step, quiet',
    )
  })
})

describe('readPayload', () => {
  const p = readPayload({ repository: { id: 1, name: 'r', owner: null }, commits: [{ id: 'a' }, 3], n: 'x' }, 'github', 'push')
  it('reads typed fields and nested objects', () => {
    expect(p.object('repository').number('id')).toBe(1)
    expect(p.string('repository.name')).toBe('r')
    expect(p.id('repository.id')).toBe('1')
    expect(p.optionalObject('repository.owner')).toBeUndefined()
    expect(p.optionalString('missing')).toBeUndefined()
    expect(p.optionalArray('missing')).toEqual([])
  })
  it.each([
    [() => p.number('n'), 'invalid github payload for event "push": field "n" must be a number'],
    [() => p.object('repository').string('full_name'), 'field "repository.full_name" must be a string'],
    [() => p.object('repository').object('owner'), 'field "repository.owner" must be an object'],
    [() => p.objects('commits'), 'field "commits[1]" must be an object'],
    [() => readPayload({}, 'github', 'push').object('repository'), 'field "repository" must be an object'],
    [() => readPayload([], 'github', 'push'), 'field "(body)" must be a JSON object'],
  ])('raises InvalidPayloadError naming the path (%#)', (read, message) => {
    expect(read).toThrow(InvalidPayloadError)
    expect(read).toThrow(message)
  })
  it('reads dot paths at any depth, and empty keys as keys', () => {
    const r = readPayload({ a: { b: { c: 1 } }, 'x.y': 2, '': { '': 3 } }, 'x', undefined)
    expect(r.get('a')).toEqual({ b: { c: 1 } })
    expect(r.get('a.b.c')).toBe(1)
    expect(r.get('a.b.c.d')).toBeUndefined()
    expect(r.get('a.missing.c')).toBeUndefined()
    expect(r.get('x.y')).toBeUndefined()
    expect(r.get('.')).toBe(3)
  })

  it('does not follow inherited properties', () => {
    expect(readPayload({}, 'x', undefined).get('constructor')).toBeUndefined()
    expect(readPayload({}, 'x', undefined).get('__proto__.toString')).toBeUndefined()
  })
})

describe('text helpers', () => {
  it('truncate, firstLine, pluralize, capitalize, ordinal', () => {
    expect(truncate('abcdef', 4)).toBe('abc…')
    expect(truncate('abc', 4)).toBe('abc')
    expect(truncate('👍👍👍👍👍', 3)).toBe('👍👍…')
    expect(firstLine('Fix bug\n\nLong body')).toBe('Fix bug')
    expect(firstLine(null)).toBe('')
    expect(pluralize(1, 'commit')).toBe('1 commit')
    expect(pluralize(21, 'commit')).toBe('21 commits')
    expect(capitalize('ERROR')).toBe('Error')
    expect([1, 2, 3, 4, 11, 12, 13, 21, 102, 111].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '102nd', '111th'])
  })
})
