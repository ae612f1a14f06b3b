import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Handlers } from '@missive-integrations/core'
import { buildApp } from '../src/app.js'
import { ConfigError, loadConfig, missiveTimeoutMs, parseRateLimits } from '../src/config.js'
import { MISSIVE_RATE_LIMITS } from '../src/delivery/rate-limiter.js'
import { MAX_POSTS_PER_WEBHOOK } from '../src/queue/errors.js'
import { openSqliteQueue } from '../src/queue/sqlite/queue.js'
import { Acme, KEY, sealed } from './helpers/acme.js'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mi-queue-config-'))
  dirs.push(dir)
  return dir
}

const KEY_TEXT = Buffer.alloc(32, 9).toString('base64')
const URL_WITH_PASSWORD = 'postgres://missive:hunter2@db.internal:5432/missive'

describe('configuration of the queue', () => {
  it('selects PostgreSQL with DATABASE_URL (or --database-url), SQLite without', () => {
    expect(loadConfig({ env: { SECRET_KEY: KEY_TEXT } }).databaseUrl).toBeUndefined()
    expect(loadConfig({ env: { DATABASE_URL: URL_WITH_PASSWORD, SECRET_KEY: KEY_TEXT } }).databaseUrl).toBe(URL_WITH_PASSWORD)
    expect(loadConfig({ env: { SECRET_KEY: KEY_TEXT }, flags: { 'database-url': 'postgresql://db/missive' } }).databaseUrl).toBe('postgresql://db/missive')
  })

  it('refuses DATABASE_URL without SECRET_KEY, saying why, and writes no key of its own', () => {
    const dir = dataDir()
    const refused = (() => {
      try {
        return loadConfig({ env: { DATABASE_URL: URL_WITH_PASSWORD, DATA_DIR: dir } })
      } catch (error) {
        return error
      }
    })()
    expect(refused).toBeInstanceOf(ConfigError)
    expect((refused as Error).message).toMatch(/SECRET_KEY must be set when DATABASE_URL is: every instance seals and opens webhook URLs with it/)
    expect(existsSync(join(dir, 'secret.key'))).toBe(false)
  })

  it('checks DATABASE_URL without ever echoing it (it may hold a password)', () => {
    for (const value of ['mysql://missive:hunter2@db/missive', 'not a url hunter2']) {
      const error = (() => {
        try {
          loadConfig({ env: { DATABASE_URL: value, SECRET_KEY: KEY_TEXT } })
        } catch (caught) {
          return caught as Error
        }
      })()
      expect(error).toBeInstanceOf(ConfigError)
      expect(error!.message).toMatch(/DATABASE_URL must/)
      expect(error!.message).not.toContain('hunter2')
    }
  })

  it('reads the lease, and fits requests to Missive inside it when instances share a queue', () => {
    const shared = loadConfig({ env: { DATABASE_URL: URL_WITH_PASSWORD, SECRET_KEY: KEY_TEXT, LEASE_SECONDS: '9' } })
    expect(shared.leaseMs).toBe(9_000)
    expect(missiveTimeoutMs(shared)).toBe(3_000)
    expect(missiveTimeoutMs(loadConfig({ env: { DATABASE_URL: URL_WITH_PASSWORD, SECRET_KEY: KEY_TEXT } }))).toBe(10_000)
    expect(missiveTimeoutMs(loadConfig({ env: { SECRET_KEY: KEY_TEXT, LEASE_SECONDS: '6' } }))).toBe(10_000)
    expect(() => loadConfig({ env: { SECRET_KEY: KEY_TEXT, LEASE_SECONDS: '2' } })).toThrow(/LEASE_SECONDS must be a whole number of seconds, at least 6/)
  })

  it('reads MISSIVE_RATE_LIMITS, Missive’s documented limits by default', () => {
    expect(loadConfig({ env: { SECRET_KEY: KEY_TEXT } }).rateLimits).toEqual(MISSIVE_RATE_LIMITS)
    expect(parseRateLimits('3, 10/2s, 25/1m')).toEqual({
      concurrency: 3,
      windows: [
        { limit: 10, windowMs: 2_000 },
        { limit: 25, windowMs: 60_000 },
      ],
      marginMs: 250,
    })
    for (const wrong of ['5', 'x,300/60s', '5,300', '5,0/60s', '5,300/60y'])
      expect(() => parseRateLimits(wrong)).toThrow(/MISSIVE_RATE_LIMITS must be requests at once/)
  })

  it('creates DATA_DIR readable by the server’s user only, with the key it generates', () => {
    const dir = join(dataDir(), 'fresh', 'data')
    loadConfig({ env: { DATA_DIR: dir } })
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600)
  })
})

/** Acme with an event that turns one webhook into a storm of posts. */
class Storm extends Acme {
  override get handlers(): Handlers {
    return {
      ...super.handlers,
      storm: () => Array.from({ length: MAX_POSTS_PER_WEBHOOK + 10 }, (_, i) => ({ references: [`storm-${i}`], text: `post ${i}` })),
    }
  }
}

describe('the HTTP layer on a real queue', () => {
  it(`answers 422 too_many_posts for a webhook of more than ${MAX_POSTS_PER_WEBHOOK} posts, and /readyz names the queue`, async () => {
    const queue = await openSqliteQueue({ dataDir: dataDir() })
    const app = buildApp({ providers: [new Storm()], queue, config: { secretKey: KEY, legacyTokens: false, bodyLimit: 1024 * 1024 } })
    try {
      const res = await app.inject({
        method: 'POST',
        url: `/acme?t=${encodeURIComponent(sealed())}`,
        headers: { 'content-type': 'application/json', 'x-acme-event': 'storm', 'x-acme-delivery': 'storm-1' },
        payload: {},
      })
      expect(res.statusCode).toBe(422)
      expect(res.json()).toMatchObject({ error: 'too_many_posts', message: expect.stringMatching(/produced 60 posts; the queue takes at most 50/) })
      expect(await queue.stats()).toEqual({ pending: 0, inFlight: 0, deadLetters: 0 })
      expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready', queue: 'sqlite' })
      await queue.close()
      const closed = await app.inject({ method: 'GET', url: '/readyz' })
      expect(closed.statusCode).toBe(503)
      expect(closed.json()).toEqual({
        error: 'not_ready',
        queue: 'sqlite',
        message: 'the delivery queue (sqlite) cannot accept work right now: the queue is closed',
      })
    } finally {
      await app.close()
      await queue.close()
    }
  })
})
