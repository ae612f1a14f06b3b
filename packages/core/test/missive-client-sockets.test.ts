// Real sockets on 127.0.0.1, in a file of their own: nock (loaded by the other client tests)
// intercepts fetch globally and would stand between the client and these servers.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { MissiveApiError, MissiveClient, type MissivePost } from '../src/index.ts'

const TOKEN = 'tok_secret_123'
const post: MissivePost = {
  username: 'Acme',
  username_icon: 'i',
  notification: { title: 't', body: 'b' },
  references: ['<acme/1@missive-integrations>'],
  text: 'x',
}

async function failure(promise: Promise<unknown>): Promise<MissiveApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(MissiveApiError)
  expect((error as Error).message).not.toContain(TOKEN)
  return error as MissiveApiError
}

describe('MissiveClient over real sockets', () => {
  it('types a refused connection as a retryable network error', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const local = new MissiveClient({ baseUrl: `http://127.0.0.1:${port}/v1`, timeoutMs: 1_000 })
    const error = await failure(local.createPost(TOKEN, post))
    expect(error).toMatchObject({ failure: 'network', retryable: true })
    expect(error.message).toMatch(/^Missive API POST \/posts failed: ECONNREFUSED/)
  })

  it('types a slow answer as a retryable timeout', async () => {
    const server: Server = createServer(() => {
      /* never answers */
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const local = new MissiveClient({ baseUrl: `http://127.0.0.1:${port}/v1`, timeoutMs: 150 })
      const error = await failure(local.createPost(TOKEN, post))
      expect(error).toMatchObject({ failure: 'timeout', retryable: true })
      expect(error.message).toBe('Missive API POST /posts timed out after 150 ms')
    } finally {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  it('takes a 201 whose body never finishes as created, instead of timing out and posting twice', async () => {
    const server: Server = createServer((_request, response) => {
      response.writeHead(201, { 'content-type': 'application/json' })
      response.write('{"posts":')
      // …and then one byte a second, for ever.
      const drip = setInterval(() => response.write(' '), 1_000)
      response.on('close', () => clearInterval(drip))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const local = new MissiveClient({ baseUrl: `http://127.0.0.1:${port}/v1`, timeoutMs: 300 })
      await expect(local.createPost(TOKEN, post)).resolves.toEqual({ id: undefined, conversation: undefined })
    } finally {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  it('never sends the post to the host a 307 names', async () => {
    let stolen = 0
    const thief = createServer((_request, response) => {
      stolen++
      response.writeHead(201).end('{"posts":{"id":"x"}}')
    })
    await new Promise<void>((resolve) => thief.listen(0, '127.0.0.1', resolve))
    const thiefPort = (thief.address() as AddressInfo).port
    const server = createServer((_request, response) => {
      response.writeHead(307, { location: `http://127.0.0.1:${thiefPort}/v1/posts` }).end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const local = new MissiveClient({ baseUrl: `http://127.0.0.1:${port}/v1`, timeoutMs: 1_000 })
      const error = await failure(local.createPost(TOKEN, post))
      expect(error).toMatchObject({ failure: 'redirect', retryable: true, httpStatus: 307 })
      expect(stolen).toBe(0)
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await new Promise<void>((resolve) => thief.close(() => resolve()))
    }
  })
})
