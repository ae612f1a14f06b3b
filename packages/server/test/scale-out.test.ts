// Three server processes (the built CLI) on one PostgreSQL database behind a round-robin sender,
// 2,000 webhooks over ten Missive tokens, the Missive stand-in failing every 7th post, one
// instance killed -9 halfway and never restarted. Every webhook the instances accepted must reach
// Missive; only posts in flight at the kill may be sent twice; no token may ever exceed its limits
// (all instances together), as the stand-in's own clock measures them.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseRateLimits } from '../src/config.ts'
import { busiestWindow, freePort, startMissiveStandIn, type MissiveStandIn } from './helpers/missive-stand-in.ts'
import { createDatabase, DATABASE_URL } from './helpers/queue-backends.ts'

const SERVER_DIR = resolve(import.meta.dirname, '..')
const REPO_ROOT = resolve(SERVER_DIR, '../..')
const CLI = join(SERVER_DIR, 'dist/cli.js')
const FIXTURE = join(REPO_ROOT, 'packages/provider-rollbar/fixtures/new_item__error.json')
const WEBHOOKS = 2_000
const INSTANCES = 3
const TOKENS = Array.from({ length: 10 }, (_, i) => `scale-out-token-${i}`)
const SENDERS = 20
// Windows short enough for a test, long enough for Missive's own 500 ms margin (a window's eighth at
// most): the margin absorbs the time between a claim and its request reaching Missive, which on a
// machine busy ingesting 2,000 webhooks reaches a few hundred milliseconds.
const RATE_LIMITS = '5,50/4s,150/12s'
const MARKER = /scale-marker-(\d+)\b/

let standIn: MissiveStandIn
let database: Awaited<ReturnType<typeof createDatabase>> | undefined
const children = new Set<ChildProcess>()

beforeAll(async () => {
  standIn = await startMissiveStandIn()
  if (DATABASE_URL) database = await createDatabase('mi_scale_out')
})
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL')
  await standIn?.close()
  await database?.drop()
})

// Runs the built CLI (turbo builds before it tests); run `npx tsup` to run it alone.
describe.skipIf(!DATABASE_URL || !existsSync(CLI) || !existsSync(FIXTURE))('scale-out (3 instances, kill -9)', () => {
  it('delivers every accepted webhook, doubles only what was in flight at the kill, and keeps every token’s limits', { timeout: 240_000 }, async () => {
    // Missive answers in 20 ms, and every 7th post fails with a 500 (retried).
    standIn.handler = (request) => (request.index % 7 === 6 ? { status: 500, body: { error: 'every 7th' } } : { status: 201, delayMs: 20 })
    const ports = await Promise.all(Array.from({ length: INSTANCES }, () => freePort()))
    const env = {
      ...process.env,
      HOST: '127.0.0.1',
      DATABASE_URL: database!.url,
      SECRET_KEY: Buffer.alloc(32, 11).toString('base64'),
      // Requests to Missive time out after 5 s (a third of the lease).
      LEASE_SECONDS: '15',
      MISSIVE_RATE_LIMITS: RATE_LIMITS,
      MISSIVE_API_BASE_URL: standIn.url,
      // Warnings too: a retried request says why (a timeout may double a post Missive took).
      LOG_LEVEL: 'warn',
      PROVIDERS: 'rollbar',
      PROJECT_DIR: join(REPO_ROOT, 'apps/bridge'),
    }
    // Each instance has a base URL of its own on the stand-in, which so knows who sent what.
    const servers = await Promise.all(
      ports.map((port, i) => startServer({ ...env, PORT: String(port), MISSIVE_API_BASE_URL: `${standIn.url.replace(/\/v1$/, '')}/instance-${i}/v1` }, port)),
    )
    const live = new Set(ports)

    const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { data: { item: Record<string, unknown> } }
    const tokens = TOKENS.map((token) => Buffer.from(JSON.stringify({ token, options: {}, rollbar: { account: 'acme', project: 'web' } })).toString('base64'))
    const accepted = new Set<number>()
    let killedAt: number | undefined
    let next = 0
    let turn = 0
    let redirected = 0

    async function send(n: number): Promise<void> {
      const payload = structuredClone(fixture)
      // A distinct item per webhook: its own conversation, its own marker, its own dedupe key.
      payload.data.item.id = 700_000_000 + n
      payload.data.item.counter = n + 1
      payload.data.item.title = `scale-marker-${n} exploded`
      const body = JSON.stringify(payload)
      const token = tokens[n % tokens.length]!
      for (let tries = 0; ; tries++) {
        // Round robin over the instances still up, as a load balancer does once its health check fails.
        const port = [...live][turn++ % live.size]!
        try {
          const response = await fetch(`http://127.0.0.1:${port}/rollbar?t=${encodeURIComponent(token)}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          })
          const answer = (await response.json()) as { status?: string }
          if (response.status === 202 || (response.status === 200 && answer.status === 'duplicate')) {
            accepted.add(n)
            return
          }
          throw new Error(`answered ${response.status}`)
        } catch (error) {
          // A sender retries what was not acknowledged (the instance died mid-request): the same body
          // again, elsewhere. If the dead instance had committed it, the answer is "duplicate".
          redirected++
          if (tries > 20) throw error
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
      }
    }

    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        while (next < WEBHOOKS) {
          const n = next++
          await send(n)
          if (killedAt === undefined && accepted.size >= WEBHOOKS / 2) {
            killedAt = Date.now()
            const victim = servers[1]!
            live.delete(ports[1]!)
            const exited = new Promise((resolve) => victim.once('exit', resolve))
            victim.kill('SIGKILL')
            await exited
          }
        }
      }),
    )
    expect(accepted.size).toBe(WEBHOOKS)
    expect(killedAt).toBeDefined()
    const ingestedAt = Date.now()

    // Read once per request: the stand-in shares this process, and must not stall while we look.
    const markers = new WeakMap<object, number>()
    const markerOf = (request: (typeof standIn.created)[number]) => {
      if (!markers.has(request)) markers.set(request, Number(MARKER.exec(JSON.stringify(request.body))?.[1]))
      return markers.get(request)!
    }
    const markersOf = (requests: typeof standIn.created) => requests.map(markerOf)
    const delivered = new Set<number>()
    let seen = 0
    const deadline = Date.now() + 180_000
    for (;;) {
      for (; seen < standIn.accepted.length; seen++) delivered.add(markerOf(standIn.accepted[seen]!))
      if (delivered.size >= WEBHOOKS) break
      if (Date.now() > deadline) throw new Error(`timed out: ${delivered.size} of ${WEBHOOKS} delivered`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    // Anything sent twice would arrive right after the last one.
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    // The survivors carried on through it all.
    const survivors = servers.filter((_, i) => i !== 1)
    expect(survivors.map((server) => [server.exitCode, server.signalCode, stderrOf.get(server)])).toEqual(survivors.map(() => [null, null, '']))
    for (const server of survivors) server.kill('SIGTERM')

    const created = new Map<number, number>()
    for (const marker of markersOf(standIn.created)) created.set(marker, (created.get(marker) ?? 0) + 1)
    const lost = [...accepted].filter((n) => !created.has(n))
    const doubled = [...created.values()].reduce((sum, times) => sum + times - 1, 0)
    // At least once: a post goes out again only when its sender never recorded Missive's answer:
    // the killed instance had it in flight, or the request timed out (a survivor, starved on a busy
    // machine, gave up before reading an answer the stand-in had sent). Every other copy is a bug.
    const first = new Map<number, (typeof standIn.created)[number]>()
    for (const request of standIn.created) if (!first.has(markerOf(request))) first.set(markerOf(request), request)
    const atTheKill = (n: number) => first.get(n)!.via === '/instance-1'
    const twice = [...created].filter(([, times]) => times > 1).map(([n]) => n)
    const doubledBySurvivors = twice.filter((n) => !atTheKill(n))
    const timeouts = servers.filter((_, i) => i !== 1).reduce((sum, server) => sum + (stdoutOf.get(server)!.match(/"failure":"timeout"/g)?.length ?? 0), 0)
    const limits = parseRateLimits(RATE_LIMITS)
    const perToken = TOKENS.map((token) => {
      const times = standIn.created.filter((request) => request.token === token).map((request) => request.receivedAt)
      const all = standIn.timestamps(token)
      return {
        concurrent: standIn.maxConcurrent(token),
        windows: limits.windows.map(({ windowMs }) => busiestWindow(all, windowMs)),
        created: times.length,
      }
    })
    const figures = {
      webhooks: WEBHOOKS,
      instances: INSTANCES,
      kills: 1,
      accepted: accepted.size,
      resentBySender: redirected,
      requests: standIn.requests.length,
      failedByStandIn: standIn.requests.filter((request) => request.status === 500).length,
      lost: lost.length,
      doubled,
      doubledAtTheKill: twice.filter(atTheKill).length,
      doubledBySurvivors: doubledBySurvivors.length,
      survivorTimeouts: timeouts,
      maxConcurrentPerToken: Math.max(...perToken.map((token) => token.concurrent)),
      maxPerWindow: limits.windows.map((window, i) => ({
        limit: window.limit,
        windowMs: window.windowMs,
        max: Math.max(...perToken.map((token) => token.windows[i]!)),
      })),
    }
    console.log(`scale-out figures: ${JSON.stringify(figures)}`)
    if (process.env.SCALE_DEBUG) {
      const start = standIn.requests[0]!.receivedAt
      console.log('ingest s', (ingestedAt - start) / 1000, 'kill s', (killedAt! - start) / 1000, 'last s', (standIn.requests.at(-1)!.receivedAt - start) / 1000)
      for (const n of [...doubledBySurvivors, ...twice].slice(0, 15)) {
        console.log(
          n,
          standIn.requests.filter((r) => markersOf([r])[0] === n).map((r) => [((r.receivedAt - start) / 1000).toFixed(2), r.status, r.via]),
        )
      }
    }

    expect(lost).toEqual([])
    expect(doubledBySurvivors.length).toBeLessThanOrEqual(timeouts)
    // The kill doubles at most what was in flight: the lanes' capacity (5 per token).
    expect(twice.filter(atTheKill).length).toBeLessThanOrEqual(5 * TOKENS.length)
    for (const token of perToken) {
      expect(token.concurrent).toBeLessThanOrEqual(limits.concurrency)
      limits.windows.forEach((window, i) => expect(token.windows[i]).toBeLessThanOrEqual(window.limit))
    }
    expect(standIn.requests.every((request) => TOKENS.includes(request.token))).toBe(true)
  })
})

/** What each server wrote to stderr after its start-up lines, and its log lines (stdout). */
const stderrOf = new Map<ChildProcess, string>()
const stdoutOf = new Map<ChildProcess, string>()

async function startServer(env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'start'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
    if (stderrOf.has(child)) stderrOf.set(child, stderrOf.get(child)! + chunk.toString())
  })
  stdoutOf.set(child, '')
  child.stdout?.on('data', (chunk: Buffer) => {
    stdoutOf.set(child, stdoutOf.get(child)! + chunk.toString())
  })
  child.on('exit', () => children.delete(child))
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${stderr}`)
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (response) => response.ok,
      () => false,
    )
    if (ready) {
      stderrOf.set(child, '')
      return child
    }
    if (Date.now() > deadline) throw new Error(`the server on ${port} did not get ready: ${stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
