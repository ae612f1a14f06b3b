import nock from 'nock'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { MAX_RETRY_AFTER_SECONDS, MissiveApiError, MissiveClient, parseRetryAfter, type MissivePost } from '../src/index.ts'

const TOKEN = 'tok_secret_123'
const post: MissivePost = {
  username: 'Acme',
  username_icon: 'i',
  notification: { title: 't', body: 'b' },
  references: ['<acme/1@missive-integrations>'],
  text: 'x',
}
const client = new MissiveClient({ baseUrl: 'https://api.missive.test/v1/', timeoutMs: 1_000 })

async function failure(promise: Promise<unknown>): Promise<MissiveApiError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(MissiveApiError)
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain(TOKEN)
    expect(String((error as Error).stack)).not.toContain(TOKEN)
    return error as MissiveApiError
  }
  throw new Error('expected a MissiveApiError')
}

describe('MissiveClient', () => {
  beforeAll(() => nock.disableNetConnect())
  afterEach(() => nock.cleanAll())
  afterAll(() => nock.enableNetConnect())

  it('posts {posts} with a bearer token and returns the created post and its conversation', async () => {
    let seen: { auth: string | null; type: string | null; body: unknown } | undefined
    nock('https://api.missive.test')
      .post('/v1/posts')
      .reply(async (request) => {
        seen = { auth: request.headers.get('authorization'), type: request.headers.get('content-type'), body: await request.json() }
        return [201, { posts: { id: 'p1', conversation: 'c1' } }]
      })
    await expect(client.createPost(TOKEN, post)).resolves.toEqual({ id: 'p1', conversation: 'c1' })
    expect(seen).toEqual({ auth: `Bearer ${TOKEN}`, type: 'application/json', body: { posts: post } })
  })

  it('types a 429 as rate limited with its Retry-After seconds', async () => {
    nock('https://api.missive.test').post('/v1/posts').reply(429, { error: 'slow down' }, { 'Retry-After': '7' })
    const error = await failure(client.createPost(TOKEN, post))
    expect(error).toMatchObject({ failure: 'rate_limited', retryable: true, httpStatus: 429, retryAfterSeconds: 7 })
  })

  it.each([500, 502, 503, 504])('types a %i as a retryable server error', async (status) => {
    nock('https://api.missive.test').post('/v1/posts').reply(status, 'upstream down')
    expect(await failure(client.createPost(TOKEN, post))).toMatchObject({ failure: 'server', retryable: true, httpStatus: status })
  })

  it.each([400, 401, 403, 404, 422])('types a %i as permanent, with the answer but never the token', async (status) => {
    nock('https://api.missive.test')
      .post('/v1/posts')
      .reply(status, { error: `bad token ${TOKEN}` })
    const error = await failure(client.createPost(TOKEN, post))
    expect(error).toMatchObject({ failure: 'permanent', retryable: false, httpStatus: status })
    expect(error.message).toContain(`refused the post with ${status}`)
    expect(error.responseBody).toContain('[redacted]')
  })

  it('takes any 2xx as created, whatever its body says', async () => {
    nock('https://api.missive.test').post('/v1/posts').reply(200, 'not json')
    await expect(client.createPost(TOKEN, post)).resolves.toEqual({ id: undefined, conversation: undefined })
    nock('https://api.missive.test')
      .post('/v1/posts')
      .reply(201, { posts: { id: 7, conversation: '' } })
    await expect(client.createPost(TOKEN, post)).resolves.toEqual({ id: undefined, conversation: undefined })
  })

  it.each([301, 302, 303, 307, 308])('types a %i as a retryable redirect and does not follow it', async (status) => {
    const elsewhere = nock('https://elsewhere.test')
      .get('/steal')
      .reply(200, { posts: { id: 'x' } })
      .post('/steal')
      .reply(201, {})
    nock('https://api.missive.test').post('/v1/posts').reply(status, '', { Location: 'https://elsewhere.test/steal?token=abc' })
    const error = await failure(client.createPost(TOKEN, post))
    expect(error).toMatchObject({ failure: 'redirect', retryable: true, httpStatus: status })
    expect(error.message).toBe(
      `Missive API POST /posts answered ${status} (a redirect to https://elsewhere.test); redirects are not followed: check MISSIVE_API_BASE_URL`,
    )
    expect(elsewhere.isDone()).toBe(false)
    expect(elsewhere.pendingMocks()).toHaveLength(2)
  })

  it('caps a Retry-After that would park the post for years', async () => {
    nock('https://api.missive.test').post('/v1/posts').reply(429, {}, { 'Retry-After': '999999999' })
    expect((await failure(client.createPost(TOKEN, post))).retryAfterSeconds).toBe(MAX_RETRY_AFTER_SECONDS)
    nock('https://api.missive.test').post('/v1/posts').reply(503, {}, { 'Retry-After': '100000000000000000000000000' })
    expect((await failure(client.createPost(TOKEN, post))).retryAfterSeconds).toBe(MAX_RETRY_AFTER_SECONDS)
  })

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('120')).toBe(120)
    expect(parseRetryAfter('1.5')).toBe(1.5)
    expect(parseRetryAfter(new Date(Date.UTC(2030, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2030, 0, 1, 0, 0, 0))).toBe(30)
    expect(parseRetryAfter('soon')).toBeUndefined()
    expect(parseRetryAfter(null)).toBeUndefined()
    expect(parseRetryAfter('3600')).toBe(3600)
    expect(parseRetryAfter('3601')).toBe(3600)
    expect(parseRetryAfter(new Date(Date.UTC(2130, 0, 1)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(3600)
  })
})
