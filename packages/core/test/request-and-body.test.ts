import { describe, expect, it } from 'vitest'
import { InvalidBodyError, jsonDepth, parseBody, UnsupportedEncodingError, UnsupportedMediaTypeError, WebhookRequest } from '../src/index.ts'

const req = (body: string, contentType?: string) =>
  new WebhookRequest({ url: '/github?t=abc&x=1&x=2', headers: contentType ? { 'Content-Type': contentType, 'X-Hub': ['a', 'b'] } : {}, body })

describe('WebhookRequest', () => {
  it('reads headers case-insensitively, the query, the content type and the raw bytes', () => {
    const r = new WebhookRequest({
      url: '/github?t=abc&x=1&x=2',
      headers: { 'X-GitHub-Event': 'push', 'Content-Type': 'application/json; charset=utf-8', 'X-Multi': ['a', 'b'] },
      body: Buffer.from('{"a":"é"}'),
    })
    expect(r.header('x-github-event')).toBe('push')
    expect(r.header('X-GITHUB-EVENT')).toBe('push')
    expect(r.header('x-multi')).toBe('a, b')
    expect(r.header('missing')).toBeUndefined()
    expect(r.contentType).toBe('application/json')
    expect(r.queryParam('t')).toBe('abc')
    expect(r.query).toEqual({ t: 'abc', x: '1' })
    expect(r.path).toBe('/github')
    expect(r.method).toBe('POST')
    expect(r.bodyText).toBe('{"a":"é"}')
    expect(r.rawBody.equals(Buffer.from('{"a":"é"}'))).toBe(true)
  })

  it('normalises a path as URL parsing does, and merges the query from the URL and the options', () => {
    const paths = ['/github', '/github/', '/a/b%2Fc', '/', '/a/../b', '/a/./b', '/a b', '/ä', 'github', '']
    for (const path of paths) expect(new WebhookRequest({ url: path }).path).toBe(new URL(path, 'http://localhost').pathname)
    const r = new WebhookRequest({ url: '/a/../github?x=1', query: { x: '2', y: ['3', '4'] } })
    expect(r.path).toBe('/github')
    expect(r.query).toEqual({ x: '1', y: '3' })
    expect(new WebhookRequest().path).toBe('/')
  })

  it('reads a lazy body once, when asked, within a limit', async () => {
    let reads = 0
    const r = new WebhookRequest({ body: async () => (reads++, Buffer.from('{"a":1}')) })
    expect(() => r.rawBody).toThrow('the body of this request has not been read yet')
    expect((await r.readBody(100)).toString()).toBe('{"a":1}')
    expect(r.bodyText).toBe('{"a":1}')
    await r.readBody(100)
    expect(reads).toBe(1)
    await expect(r.readBody(3)).rejects.toThrow('request body is larger than the limit of 3 bytes')
  })

  it('accepts fetch Headers and header pairs', () => {
    expect(new WebhookRequest({ headers: new Headers({ 'X-A': '1' }) }).header('x-a')).toBe('1')
    expect(new WebhookRequest({ headers: [['X-B', '2']] }).header('x-b')).toBe('2')
  })
})

describe('parseBody', () => {
  it('parses JSON, JSON without a content type, and vendor +json types', () => {
    expect(parseBody(req('{"a":1}', 'application/json'))).toEqual({ a: 1 })
    expect(parseBody(req('{"a":1}'))).toEqual({ a: 1 })
    expect(parseBody(req('{"a":1}', 'application/vnd.acme+json'))).toEqual({ a: 1 })
  })

  it('parses GitHub-style form bodies (payload=<json>) and plain forms', () => {
    const form = new URLSearchParams({ payload: JSON.stringify({ ref: 'refs/heads/main' }) }).toString()
    expect(parseBody(req(form, 'application/x-www-form-urlencoded'))).toEqual({ ref: 'refs/heads/main' })
    expect(parseBody(req('a=1&b=two', 'application/x-www-form-urlencoded'))).toEqual({ a: '1', b: 'two' })
  })

  it.each([
    ['malformed JSON', '{"a":', 'application/json', /^body is not valid JSON/],
    ['an empty body', '  ', 'application/json', 'body is empty; expected a JSON object'],
    ['an array', '[1,2]', 'application/json', 'body must be a JSON object, got an array'],
    ['a string', '"x"', 'application/json', 'body must be a JSON object, got a string'],
    ['null', 'null', 'application/json', 'body must be a JSON object, got null'],
    ['a malformed form payload', 'payload=%7B', 'application/x-www-form-urlencoded', /^form field "payload" is not valid JSON/],
    ['an empty form', '', 'application/x-www-form-urlencoded', 'form body is empty'],
    ['absurd nesting', `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, 'application/json', 'body nests deeper than 256 levels'],
  ])('rejects %s with a clear InvalidBodyError (400)', (_what, body, type, message) => {
    let error: unknown
    try {
      parseBody(req(body, type))
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InvalidBodyError)
    expect((error as InvalidBodyError).status).toBe(400)
    if (typeof message === 'string') expect((error as Error).message).toBe(message)
    else expect((error as Error).message).toMatch(message)
  })

  it('parses an identity-encoded body and refuses a compressed one with 415', () => {
    const encoded = (encoding: string) => new WebhookRequest({ headers: { 'content-encoding': encoding }, body: '{"a":1}' })
    expect(parseBody(encoded('identity'))).toEqual({ a: 1 })
    expect(() => parseBody(encoded('gzip'))).toThrow('unsupported Content-Encoding "gzip"; send the body uncompressed')
    expect(() => parseBody(encoded('br'))).toThrow(UnsupportedEncodingError)
  })

  it('rejects other content types with 415', () => {
    expect(() => parseBody(req('<xml/>', 'application/xml'))).toThrow(UnsupportedMediaTypeError)
    expect(() => parseBody(req('x', 'multipart/form-data; boundary=x'))).toThrow(
      'unsupported content type "multipart/form-data; boundary=x"; send application/json or application/x-www-form-urlencoded',
    )
  })

  it('accepts nesting up to the limit, and many brackets that are not nesting', () => {
    const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`
    expect(() => parseBody(req(nested(256)))).not.toThrow()
    expect(() => parseBody(req(nested(257)))).toThrow('body nests deeper than 256 levels')
    // 300 brackets inside strings and 300 flat arrays: many brackets, depth 3.
    const flat = JSON.stringify({ text: '['.repeat(300), list: Array.from({ length: 300 }, () => [1]) })
    expect(parseBody(req(flat))).toEqual(JSON.parse(flat))
    expect(() => parseBody(req(`{"a":[[1]]}`), { maxDepth: 2 })).toThrow('body nests deeper than 2 levels')
  })

  it('measures depth without being fooled by brackets in strings', () => {
    expect(jsonDepth('{"a":"[[[[{{{{","b":[{"c":1}]}')).toBe(3)
    expect(jsonDepth('{"a":"\\"[[["}')).toBe(1)
  })
})
