import { connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { sealed, testApp } from './helpers/acme.ts'

// Misbehaving peers on real sockets against the real app: a body that never ends must neither
// hold memory before the sender is authenticated nor hold a connection forever.
const BODY_LIMIT = 24 * 1024 * 1024
const apps: { close(): Promise<unknown> }[] = []
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close()
})

async function listening(config: Parameters<typeof testApp>[0] = {}) {
  const { app } = testApp({ bodyLimit: BODY_LIMIT, ...config })
  await app.listen({ port: 0, host: '127.0.0.1' })
  apps.push(app)
  return (app.server.address() as AddressInfo).port
}

/** Send the headers of a POST declaring a body just under the limit, and `sent` bytes of it; never the rest. */
function stall(port: number, path: string, sent = 64 * 1024): Promise<{ socket: Socket; answer: Promise<string>; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Acme-Event: item.created\r\nContent-Length: ${BODY_LIMIT - 1}\r\n\r\n`,
      )
      socket.write(Buffer.alloc(sent, 0x20))
      let text = ''
      const answer = new Promise<string>((done) => {
        socket.on('data', (chunk) => (text += chunk))
        socket.on('close', () => done(text))
      })
      const closed = new Promise<void>((done) => socket.on('close', () => done()))
      resolve({ socket, answer, closed })
    })
    socket.on('error', () => {})
    socket.once('error', reject)
  })
}

describe('slow and stalled peers', () => {
  it('answers a stalled body without a valid token 401 at once and closes the connection, without waiting for the body', async () => {
    const port = await listening()
    for (const path of ['/acme', `/acme?t=${sealed().slice(0, -5)}`]) {
      const { answer } = await stall(port, path)
      const text = await answer
      expect(text).toMatch(/^HTTP\/1\.1 401 /)
      expect(text.toLowerCase()).toContain('connection: close')
    }
  })

  it('answers 404 for an unknown provider at once, closing the connection', async () => {
    const port = await listening()
    const { answer } = await stall(port, `/nope?t=${sealed()}`)
    expect(await answer).toMatch(/^HTTP\/1\.1 404 /)
  })

  it('closes a stalled body with a valid token once the request timeout is up', async () => {
    const port = await listening({ config: { requestTimeoutMs: 300 } })
    const { answer } = await stall(port, `/acme?t=${sealed()}`)
    // The idle timeout closes it (or Node's request timeout, with a 408); before, nothing ever did.
    expect(await answer).toMatch(/^(HTTP\/1\.1 408 |$)/)
  })

  it('refuses connections over MAX_CONNECTIONS', async () => {
    const port = await listening({ config: { maxConnections: 2 } })
    const held = [await stall(port, `/acme?t=${sealed()}`, 10), await stall(port, `/acme?t=${sealed()}`, 10)]
    const third = await stall(port, `/acme?t=${sealed()}`, 10)
    await third.closed
    expect(held.every(({ socket }) => !socket.destroyed)).toBe(true)
    for (const { socket } of held) socket.destroy()
  })
})
