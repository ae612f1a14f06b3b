import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHmac, randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { bridgeProviderIds } from './helpers/bridge.js'

// End to end through the built binary, as `pnpm start` runs it: apps/bridge is the host project,
// so the real GitHub provider is loaded; the worker posts to a Missive stand-in.
const here = dirname(fileURLToPath(import.meta.url))
const cli = join(here, '..', 'dist', 'cli.js')
const hostProject = join(here, '..', '..', '..', 'apps', 'bridge')
const TOKEN = 'missive-e2e-token'
const SECRET = 'github-e2e-secret'
const push = JSON.stringify(
  (
    JSON.parse(readFileSync(join(here, '..', 'node_modules', '@octokit', 'webhooks-examples', 'api.github.com', 'index.json'), 'utf8')) as {
      name: string
      examples: { ref: string; commits: unknown[] }[]
    }[]
  )
    .find((e) => e.name === 'push')!
    .examples.find((e) => e.ref.startsWith('refs/heads/') && e.commits.length > 0),
)

describe.skipIf(!existsSync(cli))('missive-integrations start (built)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mi-e2e-'))
  let env: NodeJS.ProcessEnv = {}
  const received: { authorization: string | undefined; body: { posts: { references?: string[] } } }[] = []
  let standIn: Server
  let server: ChildProcess
  let base = ''
  let url = ''
  let stderr = ''

  beforeAll(async () => {
    standIn = createServer((req, res) => {
      let text = ''
      req.on('data', (chunk) => (text += chunk))
      req.on('end', () => {
        received.push({ authorization: req.headers.authorization, body: JSON.parse(text) })
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"posts":{"id":"p1"}}')
      })
    })
    await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve))
    env = {
      ...process.env,
      // The embedded SQLite queue, whatever DATABASE_URL the test run has for the PostgreSQL suites.
      DATABASE_URL: '',
      PORT: '0',
      DATA_DIR: dataDir,
      PROJECT_DIR: hostProject,
      MISSIVE_API_BASE_URL: `http://127.0.0.1:${(standIn.address() as AddressInfo).port}/v1`,
    }
    server = spawn(process.execPath, [cli, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    server.stdout!.resume()
    base = await new Promise<string>((resolve, reject) => {
      server.stderr!.on('data', (chunk) => {
        stderr += chunk
        const match = /listening on (http:\/\/\S+)/.exec(stderr)
        if (match) resolve(match[1]!)
      })
      server.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)))
    })
    const minted = spawnSync(process.execPath, [cli, 'url', 'github', '--token', TOKEN, '--secret', SECRET, '--public-url', base], { env, encoding: 'utf8' })
    expect(minted.status, minted.stderr).toBe(0)
    url = minted.stdout.trim()
  })

  afterAll(async () => {
    if (server.exitCode === null) server.kill('SIGKILL')
    standIn?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const post = (body: string, signature: string, delivery = randomUUID()) =>
    fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': delivery, 'x-hub-signature-256': signature },
    })

  it('prints where it listens and which providers it loaded', () => {
    expect(stderr).toMatch(new RegExp(`listening on http://127\\.0\\.0\\.1:\\d+ with providers: ${bridgeProviderIds().join(', ')}(\\s|$)`))
  })

  it('uses the SQLite queue in DATA_DIR, and a second server on that DATA_DIR refuses to start', async () => {
    await vi.waitFor(() => expect(stderr).toContain(`queue: sqlite (${join(dataDir, 'queue.sqlite')})`))
    const second = spawnSync(process.execPath, [cli, 'start'], { env, encoding: 'utf8', timeout: 15_000 })
    expect(second.status).toBe(2)
    expect(second.stderr).toMatch(/another missive-integrations server is already running on DATA_DIR .*would post every webhook twice/)
  })

  it('rejects a bad GitHub signature with 401', async () => {
    const res = await post(push, `sha256=${createHmac('sha256', 'wrong').update(push).digest('hex')}`)
    expect(res.status).toBe(401)
    expect((await res.json()).error).toBe('invalid_signature')
  })

  it('queues a signed GitHub push (202), delivers it to Missive, counts it, and dedupes the redelivery', async () => {
    const signature = `sha256=${createHmac('sha256', SECRET).update(push).digest('hex')}`
    const delivery = randomUUID()
    const res = await post(push, signature, delivery)
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ status: 'queued', posts: 1 })
    const again = await post(push, signature, delivery)
    expect(await again.json()).toEqual({ status: 'duplicate' })
    for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(received).toHaveLength(1)
    expect(received[0]!.authorization).toBe(`Bearer ${TOKEN}`)
    expect(received[0]!.body.posts.references?.[0]).toMatch(/^<github\/.+@missive-integrations>$/)
    let metrics = ''
    for (let i = 0; i < 40 && !metrics.includes('posts_delivered_total{provider="github"} 1'); i++) {
      metrics = await (await fetch(`${base}/metrics`)).text()
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(metrics).toContain('webhooks_total{provider="github",event="push",outcome="queued"} 1')
    expect(metrics).toContain('posts_delivered_total{provider="github"} 1')
    expect(metrics).toContain('queue_depth 0')
  })

  it('shuts down gracefully on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve))
    server.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(stderr).toContain('SIGTERM: finishing in-flight requests')
    expect(stderr).not.toContain(TOKEN)
  })
})
