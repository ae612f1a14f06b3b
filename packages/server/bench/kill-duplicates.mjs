/* global fetch, setTimeout, structuredClone */
// Duplicates per kill -9: the server (SQLite queue) delivers to a Missive stand-in that answers
// after KILL_LATENCY_MS (300 ms by default), and records each post as created the moment it takes
// the request, as Missive does. Mid-delivery the server is killed -9 and restarted on the same
// DATA_DIR; once every webhook has been delivered, the posts created more than once are counted.
// A script, not a test: it prints the figure for each kill.
//
//   node bench/kill-duplicates.mjs     (after `pnpm build`; KILL_RUNS=3, KILL_WEBHOOKS=500,
//                                       MI_CLI=<another build's dist/cli.js> to measure that one)
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './free-port.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const cli = resolve(process.env.MI_CLI ?? join(here, '..', 'dist', 'cli.js'))
const repoRoot = resolve(dirname(cli), '..', '..', '..')
const RUNS = Number(process.env.KILL_RUNS ?? 3)
const WEBHOOKS = Number(process.env.KILL_WEBHOOKS ?? 500)
const LATENCY_MS = Number(process.env.KILL_LATENCY_MS ?? 300)
const TOKENS = Array.from({ length: 10 }, (_, i) => `kill-token-${i}`)
const fixture = JSON.parse(readFileSync(join(repoRoot, 'packages/provider-rollbar/fixtures/new_item__error.json'), 'utf8'))
const MARKER = /kill-marker-(\d+)\b/

const created = new Map()
const standIn = createServer((req, res) => {
  let body = ''
  req.on('data', (chunk) => (body += chunk))
  req.on('end', () => {
    const marker = MARKER.exec(body)?.[1]
    // Missive has the post from here on, whether or not its answer reaches the client.
    if (marker !== undefined) created.set(marker, (created.get(marker) ?? 0) + 1)
    setTimeout(() => res.writeHead(201, { 'content-type': 'application/json' }).end(`{"posts":{"id":"p${marker}","conversation":"c${marker}"}}`), LATENCY_MS)
  })
})
await new Promise((done) => standIn.listen(0, '127.0.0.1', done))
const standInUrl = `http://127.0.0.1:${standIn.address().port}/v1`

const figures = []
for (let run = 0; run < RUNS; run++) {
  created.clear()
  const dataDir = mkdtempSync(join(tmpdir(), 'mi-kill-'))
  const port = await freePort()
  const env = {
    ...process.env,
    DATABASE_URL: '',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    MISSIVE_API_BASE_URL: standInUrl,
    SECRET_KEY: 'b'.repeat(64),
    LOG_LEVEL: 'error',
    PROVIDERS: 'rollbar',
    PROJECT_DIR: join(repoRoot, 'apps/bridge'),
  }
  let server = await start(env, port)
  let next = 0
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < WEBHOOKS) {
        const n = next++
        const payload = structuredClone(fixture)
        payload.data.item.id = 600_000_000 + run * 100_000 + n
        payload.data.item.title = `kill-marker-${n} exploded`
        const token = Buffer.from(JSON.stringify({ token: TOKENS[n % TOKENS.length], options: {}, rollbar: { account: 'acme', project: 'web' } })).toString(
          'base64',
        )
        const response = await fetch(`http://127.0.0.1:${port}/rollbar?t=${encodeURIComponent(token)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        })
        if (response.status !== 202) throw new Error(`webhook ${n} answered ${response.status}`)
      }
    }),
  )
  // Mid-delivery, at a moment of its own each run.
  const killAt = Math.floor(WEBHOOKS * (0.25 + 0.5 * Math.random()))
  while (created.size < killAt) await sleep(5)
  server.kill('SIGKILL')
  await new Promise((done) => server.once('exit', done))
  server = await start(env, port)
  while (created.size < WEBHOOKS) await sleep(50)
  await sleep(LATENCY_MS + 1_000)
  server.kill('SIGTERM')
  await new Promise((done) => server.once('exit', done))
  rmSync(dataDir, { recursive: true, force: true })
  const duplicates = [...created.values()].reduce((sum, times) => sum + times - 1, 0)
  figures.push(duplicates)
  console.log(`run ${run + 1}: killed after ${killAt} of ${WEBHOOKS} posts were created; duplicates: ${duplicates}`)
}
console.log(`duplicates per kill at ${LATENCY_MS} ms (${cli}): ${figures.join(', ')}; mean ${(figures.reduce((a, b) => a + b, 0) / figures.length).toFixed(1)}`)
standIn.close()

async function start(env, port) {
  const child = spawn(process.execPath, [cli, 'start'], { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'inherit'] })
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`)
    if (
      await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return child
    await sleep(25)
  }
}

function sleep(ms) {
  return new Promise((done) => setTimeout(done, ms))
}
