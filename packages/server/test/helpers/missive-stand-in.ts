// A stand-in for Missive's REST API on 127.0.0.1: a real HTTP server (so the real client, its
// timeouts and its socket errors are exercised) that records every POST /v1/posts and answers
// with whatever a test scripts.
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { MissivePost } from '@missive-integrations/core'

export interface RecordedRequest {
  /** 0-based arrival order. */
  index: number
  authorization: string | undefined
  /** The bearer token. */
  token: string
  /** The parsed body (`{ posts: … }`). */
  body: { posts: MissivePost }
  /** Date.now() at arrival. */
  receivedAt: number
  /** What came before `/v1/posts` in the path: a base URL of its own tells senders apart. */
  via: string
  /** The status answered, once answered (undefined while held, hung or destroyed). */
  status?: number
}

/** What to answer one request with. */
export type Reply =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  /** The status line and headers at once, then the body one byte every `intervalMs` (a drip). */
  | { status: number; drip: { intervalMs: number }; body?: unknown }
  /** A redirect to `location` (a client that follows it lands in `stray`, or on another host). */
  | { redirect: 301 | 302 | 303 | 307 | 308; location: string }
  /** Never answer (the client's timeout fires). */
  | { hang: true }
  /** Close the connection without an answer. */
  | { destroy: true }

export interface MissiveStandIn {
  /** The API base to give the client: `http://127.0.0.1:<port>/v1`. */
  readonly url: string
  readonly port: number
  /** Every POST /v1/posts, in arrival order. */
  readonly requests: RecordedRequest[]
  /** Requests answered with a 2xx whose answer was fully written. */
  readonly accepted: RecordedRequest[]
  /**
   * Requests the stand-in took as created: Missive creates a post when it takes the request, so
   * these count even when the client died before the answer reached it (what a duplicate is).
   */
  readonly created: RecordedRequest[]
  /** Requests to any other path (where a client that follows a redirect would land). */
  readonly stray: Array<{ method: string | undefined; url: string | undefined }>
  /** Answers for the next requests, first in first out; then `handler`, then 201. */
  readonly replies: Reply[]
  /** Decide per request (after `replies` is empty); return undefined for the default 201. */
  handler: ((request: RecordedRequest) => Reply | undefined) | undefined
  /** Delay before every default answer. */
  delayMs: number
  /** Most requests seen in flight at once, per token. */
  maxConcurrent(token: string): number
  /** Requests in flight now, per token. */
  inFlight(token: string): number
  /** Arrival times of a token's requests. */
  timestamps(token: string): number[]
  /** Hold every answer (requests stay in flight) until `release()` or `dropHeld()`. */
  hold(): void
  /** Answer held requests normally. */
  release(): void
  /** Destroy the sockets of held requests: they were never answered. */
  dropHeld(): void
  /** Forget what was recorded and scripted. */
  reset(): void
  close(): Promise<void>
}

/** Start a stand-in on a random port of 127.0.0.1. */
export async function startMissiveStandIn(): Promise<MissiveStandIn> {
  const requests: RecordedRequest[] = []
  const accepted: RecordedRequest[] = []
  const created: RecordedRequest[] = []
  const stray: MissiveStandIn['stray'] = []
  const replies: Reply[] = []
  const inFlight = new Map<string, number>()
  const maxConcurrent = new Map<string, number>()
  const sockets = new Set<Socket>()
  let held: Array<{ answer: () => void; response: ServerResponse }> = []
  let holding = false
  let postIds = 0

  const server = createServer((request, response) => {
    void handle(request, response)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // When the request arrived, not when its body was read: the test process shares this event loop.
    const receivedAt = Date.now()
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    if (request.method !== 'POST' || !request.url?.endsWith('/v1/posts')) {
      stray.push({ method: request.method, url: request.url })
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}')
      return
    }
    const authorization = request.headers.authorization
    const token = authorization?.replace(/^Bearer /, '') ?? ''
    const recorded: RecordedRequest = {
      index: requests.length,
      authorization,
      token,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { posts: MissivePost },
      receivedAt,
      via: request.url.slice(0, -'/v1/posts'.length),
    }
    requests.push(recorded)
    const now = (inFlight.get(token) ?? 0) + 1
    inFlight.set(token, now)
    maxConcurrent.set(token, Math.max(maxConcurrent.get(token) ?? 0, now))
    let done = false
    const finish = (): void => {
      if (done) return
      done = true
      inFlight.set(token, (inFlight.get(token) ?? 1) - 1)
    }
    response.on('close', finish)

    const reply = replies.shift() ?? standIn.handler?.(recorded) ?? { status: 201, delayMs: standIn.delayMs }
    if ('hang' in reply) return
    if ('destroy' in reply) {
      finish()
      request.socket.destroy()
      return
    }
    if ('redirect' in reply) {
      recorded.status = reply.redirect
      response.writeHead(reply.redirect, { location: reply.location, 'content-type': 'application/json' }).end('{"moved":true}', finish)
      return
    }
    if (reply.status >= 200 && reply.status < 300) created.push(recorded)
    const answer = (): void => {
      if (response.destroyed) return
      const id = `post-${++postIds}`
      const body = JSON.stringify(reply.body ?? (reply.status < 300 ? { posts: { id, conversation: `conversation-${id}` } } : { error: 'stand-in' }))
      recorded.status = reply.status
      const done = (): void => {
        finish()
        if (reply.status >= 200 && reply.status < 300) accepted.push(recorded)
      }
      if ('drip' in reply) {
        response.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) })
        response.flushHeaders()
        let sent = 0
        const timer = setInterval(() => {
          if (response.destroyed) return clearInterval(timer)
          response.write(body.slice(sent, ++sent))
          if (sent >= body.length) {
            clearInterval(timer)
            response.end(done)
          }
        }, reply.drip.intervalMs)
        response.on('close', () => clearInterval(timer))
        return
      }
      response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
      response.end(body, done)
    }
    const release = (): void => {
      if (holding) held.push({ answer, response })
      else answer()
    }
    if ('delayMs' in reply && reply.delayMs) setTimeout(release, reply.delayMs)
    else release()
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  const standIn: MissiveStandIn = {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    accepted,
    created,
    stray,
    replies,
    handler: undefined,
    delayMs: 0,
    maxConcurrent: (token) => maxConcurrent.get(token) ?? 0,
    inFlight: (token) => inFlight.get(token) ?? 0,
    timestamps: (token) => requests.filter((request) => request.token === token).map((request) => request.receivedAt),
    hold() {
      holding = true
    },
    release() {
      holding = false
      const waiting = held
      held = []
      for (const { answer } of waiting) answer()
    },
    dropHeld() {
      holding = false
      const waiting = held
      held = []
      for (const { response } of waiting) response.destroy()
    },
    reset() {
      requests.length = 0
      accepted.length = 0
      created.length = 0
      stray.length = 0
      replies.length = 0
      inFlight.clear()
      maxConcurrent.clear()
      standIn.handler = undefined
      standIn.delayMs = 0
      holding = false
      held = []
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return standIn
}

/** A TCP port free on 127.0.0.1 right now (for a child server, or a connection that must be refused). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** The most timestamps found in any closed span of `windowMs` (what a sliding-window limit bounds). */
export function busiestWindow(timestamps: readonly number[], windowMs: number): number {
  const sorted = [...timestamps].sort((a, b) => a - b)
  let most = 0
  let from = 0
  for (let to = 0; to < sorted.length; to++) {
    while (sorted[to]! - sorted[from]! > windowMs) from++
    most = Math.max(most, to - from + 1)
  }
  return most
}
