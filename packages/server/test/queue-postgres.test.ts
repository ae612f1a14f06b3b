import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { runCli } from '../src/commands.ts'
import { parseRateLimits } from '../src/config.ts'
import { rateLimits } from '../src/delivery/rate-limiter.ts'
import { openPostgresQueue } from '../src/queue/postgres/queue.ts'
import { delivery, describeQueueBackend, post } from './helpers/describe-queue-backend.ts'
import { busiestWindow, freePort, startMissiveStandIn } from './helpers/missive-stand-in.ts'
import { createDatabase, DATABASE_URL, postgresBackend, sql, type Store } from './helpers/queue-backends.ts'
import { useStandInWorkers } from './helpers/stand-in-workers.ts'

// Locally without DATABASE_URL these are skipped, and say so; .ci/run starts a PostgreSQL server
// and sets REQUIRE_POSTGRES, so that in CI they can never be skipped silently.
if (!DATABASE_URL) {
  console.warn('PostgreSQL queue tests skipped: set DATABASE_URL=postgres://… to run them (.ci/run starts a server of its own)')
}

describe.runIf(!DATABASE_URL && process.env.REQUIRE_POSTGRES)('PostgreSQL backend (required here)', () => {
  it('needs DATABASE_URL', () => {
    throw new Error('REQUIRE_POSTGRES is set but DATABASE_URL is not: the PostgreSQL suites cannot be skipped in CI')
  })
})

const SERVER_DIR = resolve(import.meta.dirname, '..')
const REPO_ROOT = resolve(SERVER_DIR, '../..')
const CLI = join(SERVER_DIR, 'dist/cli.js')
const FIXTURE = join(REPO_ROOT, 'packages/provider-rollbar/fixtures/new_item__error.json')
const ROOMY = rateLimits({ concurrency: 1_000, windows: [{ limit: 10_000, windowMs: 60_000 }], marginMs: 0 })

describe.skipIf(!DATABASE_URL)('PostgreSQL backend', () => {
  describeQueueBackend(postgresBackend)

  describe('several instances on one database', () => {
    let store: Store
    const missive = useStandInWorkers()
    const { startWorker } = missive
    beforeEach(async () => {
      store = await postgresBackend.store()
    })
    afterEach(async () => {
      await store.destroy()
    })

    const instances = (count: number) => Promise.all(Array.from({ length: count }, () => store.open()))

    it.each([2, 3])('%i instances racing for claims take every post once, one at a time and in order per conversation', async (count) => {
      const queues = await instances(count)
      const order = new Map<string, string[]>()
      for (let i = 0; i < 120; i++) {
        const conversation = `race-${i % 12}`
        const { ids } = (await queues[i % count]!.enqueue(delivery(`race-${i}`, [post(conversation, `${conversation} #${i}`)], `token-${i % 3}`))) as {
          ids: string[]
        }
        const id = ids[0]
        order.set(conversation, [...(order.get(conversation) ?? []), id!])
      }
      const claimed = new Map<string, number>()
      const busy = new Set<string>()
      const sent = new Map<string, string[]>()
      let done = 0
      await Promise.all(
        queues.map(async (queue) => {
          while (done < 120) {
            const items = await queue.claim({ now: Date.now(), limit: 7, limits: ROOMY })
            if (items.length === 0) {
              await new Promise((resolve) => setTimeout(resolve, 5))
              continue
            }
            await Promise.all(
              items.map(async (item) => {
                const conversation = item.post.references![0]!
                // Never two posts of one conversation out at once, whichever instances hold them.
                expect(busy.has(conversation)).toBe(false)
                busy.add(conversation)
                claimed.set(item.id, (claimed.get(item.id) ?? 0) + 1)
                sent.set(conversation, [...(sent.get(conversation) ?? []), item.id])
                await new Promise((resolve) => setTimeout(resolve, Math.random() * 4))
                busy.delete(conversation)
                await queue.complete(item)
                done++
              }),
            )
          }
        }),
      )
      expect(claimed.size).toBe(120)
      expect([...claimed.values()].every((times) => times === 1)).toBe(true)
      for (const [conversation, ids] of order) expect(sent.get(conversation)).toEqual(ids)
      expect(await queues[0]!.stats()).toEqual({ pending: 0, inFlight: 0, deadLetters: 0 })
    })

    it('keeps each token within its limits across three instances together (the stand-in’s clock)', async () => {
      missive.standIn.delayMs = 30
      const limits = parseRateLimits('3,8/1s,20/4s')
      const queues = await instances(3)
      for (let i = 0; i < 56; i++) await queues[i % 3]!.enqueue(delivery(`rate-${i}`, [post(`rate-${i}`)], `token-${i % 2}`))
      for (const queue of queues) startWorker(queue, { limits, pollIntervalMs: 50 })
      const delivered = () => new Set(missive.standIn.accepted.map((request) => request.body.posts.text))
      await vi.waitFor(() => expect(delivered().size).toBe(56), { timeout: 30_000, interval: 50 })
      for (const token of ['token-0', 'token-1']) {
        // Every request counts against Missive's windows, a retried one included.
        const times = missive.standIn.timestamps(token)
        expect(times.length).toBeGreaterThanOrEqual(28)
        expect(missive.standIn.maxConcurrent(token)).toBeLessThanOrEqual(3)
        expect(busiestWindow(times, 1_000)).toBeLessThanOrEqual(8)
        expect(busiestWindow(times, 4_000)).toBeLessThanOrEqual(20)
      }
      expect(missive.standIn.created).toHaveLength(56)
    })

    it('answers a redelivery that lands on another instance as a duplicate, even when both arrive at once', async () => {
      const [a, b] = await instances(2)
      expect((await a!.enqueue(delivery('github:delivery-1', [post('r')]))).status).toBe('queued')
      expect(await b!.seen('github:delivery-1')).toBe(true)
      expect(await b!.enqueue(delivery('github:delivery-1', [post('r')]))).toEqual({ status: 'duplicate', queued: 0 })
      const raced = await Promise.all(
        Array.from({ length: 20 }, (_, i) => [a!, b!].map((queue) => queue.enqueue(delivery(`github:race-${i}`, [post(`race-${i}`)])))).flat(),
      )
      expect(raced.filter((result) => result.status === 'queued')).toHaveLength(20)
      expect((await a!.stats()).pending).toBe(21)
    })

    it('never passes on the failing row PostgreSQL puts in an error’s detail (it holds the token)', async () => {
      const [queue] = await instances(1)
      const schema = (queue as unknown as { schema: string }).schema
      await sql(`
        CREATE FUNCTION ${schema}.refuse() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN RAISE EXCEPTION 'new row violates a check' USING DETAIL = 'Failing row contains (' || NEW.token || ')'; END $$;
        CREATE TRIGGER refuse BEFORE INSERT ON ${schema}.posts FOR EACH ROW EXECUTE FUNCTION ${schema}.refuse();
      `)
      const error = await queue!.enqueue(delivery('leak', [post('leak')], 'missive-token-that-must-not-leak')).catch((caught: unknown) => caught)
      expect((error as Error).message).toBe('new row violates a check')
      expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('missive-token-that-must-not-leak')
    })

    it('migrates once when several instances start at once', async () => {
      await instances(4)
      const schema = ((await store.open()) as unknown as { schema: string }).schema
      expect((await sql(`SELECT version FROM ${schema}.schema_migrations`)).rows).toEqual([{ version: 1 }, { version: 2 }])
    })

    it('wakes an idle worker on one instance when another queues work (LISTEN/NOTIFY, not polling)', async () => {
      const [a, b] = await instances(2)
      const worker = startWorker(a!, { pollIntervalMs: 600_000 })
      await worker.idle()
      await new Promise((resolve) => setTimeout(resolve, 100))
      await b!.enqueue(delivery('wake', [post('wake', 'woken')]))
      await vi.waitFor(() => expect(missive.standIn.accepted.map((request) => request.body.posts.text)).toEqual(['woken']), { timeout: 5_000 })
    })
  })

  describe('the CLI and the server on a database of their own', () => {
    let database: Awaited<ReturnType<typeof createDatabase>>
    const children = new Set<ChildProcess>()
    beforeAll(async () => {
      database = await createDatabase('mi_cli')
    })
    afterAll(async () => {
      for (const child of children) child.kill('SIGKILL')
      await database?.drop()
    })
    const env = () => ({ DATABASE_URL: database.url, SECRET_KEY: Buffer.alloc(32, 5).toString('base64') })

    it('lists and replays dead letters from any instance: dead-letters and replay with DATABASE_URL', async () => {
      const queue = await openPostgresQueue({ connectionString: database.url })
      try {
        await queue.enqueue(delivery('cli-1', [post('cli', 'refused once')]))
        const [item] = await queue.claim({ now: Date.now(), limit: 1, limits: ROOMY })
        await queue.deadLetter(item!, { reason: 'Missive API refused the post with 422', httpStatus: 422 })
        let stdout = ''
        let stderr = ''
        const io = { stdout: (text: string) => void (stdout += text), stderr: (text: string) => void (stderr += text), env: env(), cwd: process.cwd() }
        expect(await runCli(['dead-letters', '--json'], io)).toBe(0)
        expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ id: item!.id, reason: 'Missive API refused the post with 422', httpStatus: 422 })])
        stdout = ''
        expect(await runCli(['replay', item!.id], io)).toBe(0)
        expect(stdout).toBe('re-queued 1 post\n')
        expect(stderr).toBe('')
        expect(await queue.stats()).toEqual({ pending: 1, inFlight: 0, deadLetters: 0 })
      } finally {
        await queue.close()
      }
    })

    // A real server process, killed -9 with requests in flight: its posts go out again from another
    // instance once their lease has run out, and not a moment before.
    it.skipIf(!existsSync(CLI) || !existsSync(FIXTURE))(
      'hands a killed instance’s posts to another once their lease runs out, not before',
      { timeout: 60_000 },
      async () => {
        await sql('TRUNCATE missive_integrations.posts, missive_integrations.deliveries', [], database.url)
        const standIn = await startMissiveStandIn()
        standIn.handler = () => ({ hang: true })
        const port = await freePort()
        const child = spawn(process.execPath, [CLI, 'start'], {
          cwd: REPO_ROOT,
          env: {
            ...process.env,
            ...env(),
            PORT: String(port),
            LEASE_SECONDS: '6',
            MISSIVE_API_BASE_URL: standIn.url,
            LOG_LEVEL: 'error',
            PROVIDERS: 'rollbar',
            PROJECT_DIR: join(REPO_ROOT, 'apps/bridge'),
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        })
        children.add(child)
        try {
          let stderr = ''
          child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
          await vi.waitFor(() => expect(stderr).toContain('listening on'), { timeout: 15_000 })
          const token = Buffer.from(JSON.stringify({ token: 'lease-token', options: {}, rollbar: { account: 'acme', project: 'web' } })).toString('base64')
          const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { data: { item: Record<string, unknown> } }
          for (let n = 0; n < 3; n++) {
            const payload = structuredClone(fixture)
            payload.data.item.id = 800_000_000 + n
            payload.data.item.title = `lease-marker-${n}`
            const response = await fetch(`http://127.0.0.1:${port}/rollbar?t=${encodeURIComponent(token)}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(payload),
            })
            expect(response.status).toBe(202)
          }
          await vi.waitFor(() => expect(standIn.requests).toHaveLength(3), { timeout: 10_000 })
          const exited = new Promise((resolve) => child.once('exit', resolve))
          child.kill('SIGKILL')
          await exited

          const { rows } = await sql("SELECT due_at, claimed_by FROM missive_integrations.posts WHERE state = 'in_flight'", [], database.url)
          expect(rows).toHaveLength(3)
          const leaseEnd = Math.min(...rows.map((row) => Number(row.due_at)))
          const survivor = await openPostgresQueue({ connectionString: database.url })
          try {
            expect(await survivor.claim({ now: leaseEnd - 1, limit: 10, limits: ROOMY })).toEqual([])
            const resumed = await survivor.claim({ now: Math.max(...rows.map((row) => Number(row.due_at))), limit: 10, limits: ROOMY })
            expect(resumed.map((item) => [item.attempt, item.resumed])).toEqual([
              [2, true],
              [2, true],
              [2, true],
            ])
            expect(resumed.map((item) => JSON.stringify(item.post)).join(' ')).toMatch(/lease-marker-0.*lease-marker-1.*lease-marker-2/s)
          } finally {
            await survivor.close()
          }
        } finally {
          child.kill('SIGKILL')
          await standIn.close()
        }
      },
    )
  })
})
