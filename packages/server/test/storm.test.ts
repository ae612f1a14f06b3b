// A storm: 2,000 occurrences of one Rollbar item on one Missive token, through the built server
// and a Missive stand-in. Burst digests must turn it into a handful of posts whose digests count
// every occurrence, a post of another conversation on the same token must still go out within
// seconds, and a kill -9 in the middle of the storm must lose no count. On SQLite always; on
// PostgreSQL too (two instances taking the storm round-robin) when DATABASE_URL is set.
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { freePort, startMissiveStandIn, type MissiveStandIn, type RecordedRequest } from './helpers/missive-stand-in.ts'
import { createDatabase, DATABASE_URL } from './helpers/queue-backends.ts'
import { CLI, kill, killAll, REPO_ROOT, startServer, waitFor } from './helpers/server-process.ts'

const OCCURRENCE = join(REPO_ROOT, 'packages/provider-rollbar/fixtures/occurrence__error.json')
const NEW_ITEM = join(REPO_ROOT, 'packages/provider-rollbar/fixtures/new_item__error.json')
const STORM = 2_000
const SENDERS = 20
const BURST = { burst_limit: 3, burst_window: 3 }
const TOKEN = 'storm-missive-token'
const STORM_ITEM = 424_242_424
const OTHER_ITEM = 737_373_737

let standIn: MissiveStandIn
const dirs: string[] = []

beforeAll(async () => {
  standIn = await startMissiveStandIn()
})
afterEach(async () => {
  await killAll()
  standIn.reset()
})
afterAll(async () => {
  await standIn?.close()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const occurrence = JSON.parse(readFileSync(OCCURRENCE, 'utf8')) as { data: { item: Record<string, unknown>; occurrence: Record<string, unknown> } }
const newItem = JSON.parse(readFileSync(NEW_ITEM, 'utf8')) as { data: { item: Record<string, unknown> } }
const endpoint = Buffer.from(JSON.stringify({ token: TOKEN, options: {}, rollbar: { account: 'acme', project: 'web', ...BURST } })).toString('base64')

/** The storm's n-th occurrence: the same item, an occurrence id of its own (so a post of it is told apart). */
function stormBody(n: number): string {
  const payload = structuredClone(occurrence)
  payload.data.item.id = STORM_ITEM
  payload.data.item.counter = 42
  payload.data.occurrence.id = 8_000_000_000 + n
  return JSON.stringify(payload)
}

/** How many storm occurrences a request to Missive accounts for: 1 for a post, N for a digest of N. */
function occurrencesIn(request: RecordedRequest): number {
  const text = request.body.posts.attachments?.[0]?.text ?? ''
  const digest = /^\*([\d,]+) more occurrences?\*/.exec(text)
  if (digest) return Number(digest[1]!.replace(/,/g, ''))
  if (/\/occurrences\/8\d{9}\b/.test(text)) return 1
  throw new Error(`not a storm post: ${text}`)
}

const isStorm = (request: RecordedRequest) => request.body.posts.references?.includes(`<rollbar/${STORM_ITEM}@missive-integrations>`) ?? false

/** Send webhooks n = 0…count-1 from SENDERS loops, round-robin over `bases`, retrying what an instance did not acknowledge. */
async function storm(bases: () => string[], count: number, during: (accepted: number) => Promise<void> = async () => undefined): Promise<number> {
  let next = 0
  let accepted = 0
  let turn = 0
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < count) {
        const n = next++
        for (let tries = 0; ; tries++) {
          const list = bases()
          try {
            const response = await fetch(`${list[turn++ % list.length]}/rollbar?t=${encodeURIComponent(endpoint)}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: stormBody(n),
            })
            const answer = (await response.json()) as { status?: string }
            if (response.status === 202 || answer.status === 'duplicate') break
            throw new Error(`answered ${response.status} ${JSON.stringify(answer)}`)
          } catch (error) {
            // The instance died mid-request, or is restarting: the sender tries again later.
            if (tries > 400) throw error
            await new Promise((resolve) => setTimeout(resolve, 25))
          }
        }
        accepted++
        await during(accepted)
      }
    }),
  )
  return accepted
}

function env(port: number, queue: { dataDir: string } | { databaseUrl: string }): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: 'databaseUrl' in queue ? queue.databaseUrl : '',
    DATA_DIR: 'dataDir' in queue ? queue.dataDir : '',
    PORT: String(port),
    HOST: '127.0.0.1',
    MISSIVE_API_BASE_URL: standIn.url,
    SECRET_KEY: 'b'.repeat(64),
    LOG_LEVEL: 'error',
    PROVIDERS: 'rollbar',
    PROJECT_DIR: join(REPO_ROOT, 'apps/bridge'),
  }
}

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'storm-'))
  dirs.push(dir)
  return dir
}

async function servers(
  count: number,
  queue: () => Promise<{ dataDir: string } | { databaseUrl: string }>,
): Promise<{ bases: string[]; children: ChildProcess[] }> {
  const store = await queue()
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()))
  const bases = ports.map((port) => `http://127.0.0.1:${port}`)
  const children = await Promise.all(ports.map((port, i) => startServer(env(port, store), bases[i]!)))
  return { bases, children }
}

/** Wait until the storm's posts and digests account for `expected` occurrences (and a little more, for anything sent twice). */
async function waitForCount(expected: number): Promise<RecordedRequest[]> {
  const counted = () => standIn.accepted.filter(isStorm).reduce((sum, request) => sum + occurrencesIn(request), 0)
  await waitFor(() => counted() >= expected, 60_000, `digests accounting for ${expected} occurrences`).catch((error: unknown) => {
    const texts = standIn.accepted.map((request) => request.body.posts.attachments?.[0]?.text ?? request.body.posts.text)
    throw new Error(`${(error as Error).message}; counted ${counted()} in ${standIn.accepted.length} posts: ${JSON.stringify(texts.slice(0, 12))}`)
  })
  await new Promise((resolve) => setTimeout(resolve, 500))
  return standIn.accepted.filter(isStorm)
}

const backends = [
  { name: 'sqlite', instances: 1, queue: async () => ({ dataDir: dataDir() }) },
  ...(DATABASE_URL ? [{ name: 'postgres', instances: 2, queue: async () => ({ databaseUrl: (await createDatabase(`mi_storm_${Date.now()}`)).url }) }] : []),
]

describe.skipIf(!existsSync(CLI) || !existsSync(OCCURRENCE))('a storm of one item’s occurrences', () => {
  for (const backend of backends) {
    it(
      `reaches Missive as a handful of posts whose digests count all ${STORM}, and another conversation’s post still goes out at once (${backend.name}, ${backend.instances} instance(s))`,
      { timeout: 120_000 },
      async () => {
        standIn.delayMs = 20
        const { bases } = await servers(backend.instances, backend.queue)
        let otherAcknowledged: number | undefined
        const started = Date.now()
        const accepted = await storm(
          () => bases,
          STORM,
          async (count) => {
            if (count !== STORM / 4) return
            // A quarter into the storm: a new item on the same token, another conversation.
            const payload = structuredClone(newItem)
            payload.data.item.id = OTHER_ITEM
            const response = await fetch(`${bases[0]}/rollbar?t=${encodeURIComponent(endpoint)}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(payload),
            })
            expect(response.status).toBe(202)
            otherAcknowledged = Date.now()
          },
        )
        const ingestMs = Date.now() - started
        expect(accepted).toBe(STORM)
        const requests = await waitForCount(STORM)

        const other = standIn.accepted.find((request) => request.body.posts.references?.includes(`<rollbar/${OTHER_ITEM}@missive-integrations>`))
        expect(other).toBeDefined()
        const otherLatencyMs = other!.receivedAt - otherAcknowledged!
        const digests = requests.filter((request) => occurrencesIn(request) > 1 || /more occurrence/.test(request.body.posts.attachments?.[0]?.text ?? ''))
        const figures = {
          backend: backend.name,
          instances: backend.instances,
          webhooks: STORM,
          ingestMs,
          posts: requests.length,
          digests: digests.length,
          counted: requests.reduce((sum, request) => sum + occurrencesIn(request), 0),
          otherConversationLatencyMs: otherLatencyMs,
        }
        console.log(`storm figures: ${JSON.stringify(figures)}`)
        // Every occurrence counted once: as a post of its own or in a digest.
        expect(figures.counted).toBe(STORM)
        // At most burst_limit posts and one digest per window of burst_window seconds.
        const windows = Math.ceil((ingestMs + 1_000) / (BURST.burst_window * 1000)) + 1
        expect(requests.length).toBeLessThanOrEqual(windows * (BURST.burst_limit + 1))
        expect(requests.length).toBeLessThanOrEqual(40)
        expect(digests.length).toBeGreaterThan(0)
        // The storm's conversation holds one post at a time: the other conversation does not wait for it.
        expect(otherLatencyMs).toBeLessThan(2_000)
        for (const digest of digests) {
          expect(digest.body.posts).toMatchObject({
            username: 'Rollbar',
            references: [`<rollbar/${STORM_ITEM}@missive-integrations>`],
            conversation_color: '#c00',
          })
          expect(digest.body.posts.attachments?.[0]?.text).toMatch(
            /^\*[\d,]+ more occurrences\* of <https:\/\/rollbar\.com\/acme\/web\/items\/42\|.+> (between|at) .+ UTC\nLevels: error [\d,]+\nEnvironments: production [\d,]+$/,
          )
        }
      },
    )
  }

  it('loses no count when the server is killed -9 in the middle of the storm (sqlite)', { timeout: 120_000 }, async () => {
    standIn.delayMs = 20
    const dir = dataDir()
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    let server = await startServer(env(port, { dataDir: dir }), base)
    let up = true
    const accepted = await storm(
      () => (up ? [base] : [base]),
      STORM,
      async (count) => {
        if (count !== STORM / 2) return
        up = false
        await kill(server)
        server = await startServer(env(port, { dataDir: dir }), base)
        up = true
      },
    )
    expect(accepted).toBe(STORM)
    const requests = await waitForCount(STORM)
    // A post or digest Missive had in flight at the kill may go out twice, with the same body:
    // counted once. Every other count must add up exactly.
    const unique = new Map(requests.map((request) => [JSON.stringify(request.body.posts), request]))
    const counted = [...unique.values()].reduce((sum, request) => sum + occurrencesIn(request), 0)
    console.log(`storm kill figures: ${JSON.stringify({ webhooks: STORM, kills: 1, posts: requests.length, resent: requests.length - unique.size, counted })}`)
    expect(counted).toBe(STORM)
  })
})
