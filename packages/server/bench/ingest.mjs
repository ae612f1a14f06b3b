/* global fetch, setTimeout */
// Ingest benchmark: how fast the server accepts and durably enqueues webhooks, side by side with
// a bare node:http server that only reads and parses the same body (the ceiling on this
// machine). A script, not a timed test: it prints ratios measured in one run.
//
//   pnpm bench            (after `pnpm build`; BENCH_SECONDS=10 by default)
import autocannon from 'autocannon'
import { fork, spawn } from 'node:child_process'
import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sealToken } from '../dist/index.js'

const here = dirname(fileURLToPath(import.meta.url))
// apps/bridge is the repository's host project: it installs the real providers.
const hostProject = join(here, '..', '..', '..', 'apps', 'bridge')
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const WARMUP_SECONDS = 2
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)

// A real GitHub push payload: a branch push with a commit (tag pushes are skipped by design).
const require = createRequire(import.meta.url)
const examples = require('@octokit/webhooks-examples/api.github.com/index.json')
const push = examples.find((e) => e.name === 'push').examples.find((e) => e.ref.startsWith('refs/heads/') && e.commits.length > 0)
const body = JSON.stringify(push)
const SECRET = 'bench-webhook-secret'
const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`

const key = randomBytes(32)
const dataDir = mkdtempSync(join(tmpdir(), 'mi-bench-'))
const children = []
const cleanup = () => {
  for (const child of children) child.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
}
process.on('exit', cleanup)

try {
  // A Missive stand-in answering 201, so the worker delivers as it would in production.
  let delivered = 0
  const standIn = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      delivered++
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"posts":{"id":"p"}}')
    })
  })
  await new Promise((resolve) => standIn.listen(0, '127.0.0.1', resolve))

  const bare = fork(join(here, 'bare-server.mjs'), { stdio: 'ignore' })
  children.push(bare)
  const barePort = await new Promise((resolve) => bare.once('message', (m) => resolve(m.port)))

  const port = await freePort()
  const server = spawn(process.execPath, [join(here, '..', 'dist', 'cli.js'), 'start'], {
    cwd: hostProject,
    // Default log level (info, one line per webhook), written to /dev/null.
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      // The embedded SQLite queue, whatever DATABASE_URL the test run has for the PostgreSQL suites.
      DATABASE_URL: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SECRET_KEY: key.toString('base64'),
      MISSIVE_API_BASE_URL: `http://127.0.0.1:${standIn.address().port}/v1`,
      PROVIDERS: 'github',
      LEGACY_TOKENS: 'false',
    },
  })
  children.push(server)
  await waitReady(`http://127.0.0.1:${port}/readyz`)

  const t = sealToken('github', { token: 'bench-missive-token', secrets: [SECRET] }, key)
  const headers = {
    'content-type': 'application/json',
    'x-github-event': 'push',
    'x-hub-signature-256': signature,
    'user-agent': 'GitHub-Hookshot/bench',
  }

  console.log(`payload: GitHub push, ${body.length} bytes; ${CONNECTIONS} connections; ${WARMUP_SECONDS} s warm-up + ${SECONDS} s each`)
  const bareUrl = `http://127.0.0.1:${barePort}/github`
  const appUrl = `http://127.0.0.1:${port}/github?t=${t}`

  await load(bareUrl, headers, WARMUP_SECONDS)
  const ceiling = await load(bareUrl, headers, SECONDS)
  await load(appUrl, headers, WARMUP_SECONDS)
  const ingest = await load(appUrl, headers, SECONDS)
  const rssPeak = readStatus(server.pid, 'VmHWM')
  const halfRate = Math.max(1, Math.floor(ingest.rate / 2))
  const half = await load(appUrl, headers, SECONDS, { overallRate: halfRate })
  const rssNow = readStatus(server.pid, 'VmRSS')

  const ratio = ingest.rate / ceiling.rate
  const row = (name, r) =>
    `${name.padEnd(34)} ${r.rate.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   ${r.statuses}`
  console.log('')
  console.log(row('bare node:http (ceiling)', ceiling))
  console.log(row('server: verify + process + enqueue', ingest))
  console.log(row(`server at half peak (${halfRate} req/s)`, half))
  console.log('')
  console.log(`ingest / ceiling:        ${(ratio * 100).toFixed(1)} %   (target ≥ 60 %)  ${ratio >= 0.6 ? 'ok' : 'MISSED'}`)
  console.log(`p99 at half peak:        ${half.p99} ms   (target < 20 ms)  ${half.p99 < 20 ? 'ok' : 'MISSED'}`)
  console.log(`server RSS peak / now:   ${mb(rssPeak)} / ${mb(rssNow)} MB   (target < 150 MB)  ${rssPeak < 150 * 1024 ? 'ok' : 'MISSED'}`)
  console.log(`posts delivered to the stand-in meanwhile: ${delivered} (the worker keeps to Missive's rate limits per token)`)

  const stopped = new Promise((resolve) => server.once('exit', resolve))
  server.kill('SIGTERM')
  await stopped
  standIn.close()
  bare.kill()
} finally {
  cleanup()
}

/** Run autocannon; every request carries a fresh X-GitHub-Delivery so dedupe never short-circuits. */
async function load(url, headers, seconds, extra = {}) {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers,
    body,
    requests: [
      {
        setupRequest(request) {
          return { ...request, headers: { ...request.headers, 'x-github-delivery': randomUUID() } }
        },
      },
    ],
    ...extra,
  })
  const statuses = Object.entries(result.statusCodeStats ?? {})
    .map(([code, { count }]) => `${code}×${count}`)
    .join(' ')
  return {
    rate: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    statuses: `${statuses}${result.errors ? ` errors×${result.errors}` : ''}${result.timeouts ? ` timeouts×${result.timeouts}` : ''}`,
  }
}

async function waitReady(url) {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`the server did not become ready at ${url}`)
}

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/** kB from /proc/<pid>/status (Linux). */
function readStatus(pid, field) {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) : NaN
}

function mb(kb) {
  return (kb / 1024).toFixed(0)
}
