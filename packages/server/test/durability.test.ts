// kill -9 in the middle of a load: the server is a child process (the built CLI), killed without
// warning while posts are being delivered, then restarted on the same DATA_DIR. Every webhook it
// acknowledged must reach the Missive stand-in exactly once.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, startMissiveStandIn } from './helpers/missive-stand-in.ts'
import type { MissiveStandIn } from './helpers/missive-stand-in.ts'
import { CLI, kill, killAll, REPO_ROOT, startServer, waitFor } from './helpers/server-process.ts'

const FIXTURE = join(REPO_ROOT, 'packages/provider-rollbar/fixtures/new_item__error.json')
const WEBHOOKS = 200
const MISSIVE_TOKEN = 'durability-missive-token'
const MARKER = /durability-marker-(\d+)\b/

let standIn: MissiveStandIn
let dataDir: string

beforeAll(async () => {
  standIn = await startMissiveStandIn()
  dataDir = mkdtempSync(join(tmpdir(), 'durability-'))
})
afterAll(async () => {
  await killAll()
  await standIn?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe.skipIf(!existsSync(CLI) || !existsSync(FIXTURE))('durability (kill -9)', () => {
  it('delivers every acknowledged webhook exactly once across a kill -9 and a restart', { timeout: 60_000 }, async () => {
    const port = await freePort()
    const env = {
      ...process.env,
      // The embedded SQLite queue, whatever DATABASE_URL the test run has for the PostgreSQL suites.
      DATABASE_URL: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      MISSIVE_API_BASE_URL: standIn.url,
      SECRET_KEY: 'a'.repeat(64),
      LOG_LEVEL: 'error',
      PROVIDERS: 'rollbar',
      PROJECT_DIR: join(REPO_ROOT, 'apps/bridge'),
    }
    const base = `http://127.0.0.1:${port}`
    // Slow answers keep work pending, so the kill lands mid-delivery.
    standIn.delayMs = 50

    let server = await startServer(env, base)
    const token = Buffer.from(JSON.stringify({ token: MISSIVE_TOKEN, options: {}, rollbar: { account: 'acme', project: 'web' } })).toString('base64')
    const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { data: { item: Record<string, unknown> } }
    for (let batch = 0; batch < WEBHOOKS; batch += 20) {
      const statuses = await Promise.all(
        Array.from({ length: 20 }, async (_, offset) => {
          const n = batch + offset
          const payload = structuredClone(fixture)
          // A distinct item per webhook: its own conversation, its own marker, its own dedupe key.
          payload.data.item.id = 900_000_000 + n
          payload.data.item.counter = n + 1
          payload.data.item.title = `durability-marker-${n} exploded`
          const response = await fetch(`${base}/rollbar?t=${encodeURIComponent(token)}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(payload),
          })
          return response.status
        }),
      )
      expect(statuses).toEqual(Array(20).fill(202))
    }

    // Kill at a moment when no answer is on its way back: the stand-in holds its answers, and the
    // answers it already sent have had ample time to be recorded. (A kill while Missive's answer
    // is in flight re-sends that one post: see DeliveryWorker.)
    await waitFor(() => standIn.accepted.length >= 30, 20_000, 'the first posts to be delivered')
    standIn.hold()
    await new Promise((resolve) => setTimeout(resolve, 500))
    await kill(server)
    standIn.dropHeld()
    const deliveredBeforeKill = standIn.accepted.length
    expect(deliveredBeforeKill).toBeLessThan(WEBHOOKS)

    server = await startServer(env, base)
    await waitFor(() => standIn.accepted.length >= WEBHOOKS, 30_000, `all ${WEBHOOKS} posts to be delivered`)
    // Anything sent twice would arrive right after the last one.
    await new Promise((resolve) => setTimeout(resolve, 300))
    server.kill('SIGTERM')

    const markers = standIn.accepted.map((request) => MARKER.exec(JSON.stringify(request.body))?.[1])
    const counts = new Map<string, number>()
    for (const marker of markers) counts.set(String(marker), (counts.get(String(marker)) ?? 0) + 1)
    expect(markers.every((marker) => marker !== undefined)).toBe(true)
    expect(counts.size).toBe(WEBHOOKS)
    expect([...counts.values()].every((count) => count === 1)).toBe(true)
    expect(standIn.accepted.every((request) => request.token === MISSIVE_TOKEN)).toBe(true)
  })
})
