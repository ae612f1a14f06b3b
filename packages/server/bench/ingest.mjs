/* global fetch, setTimeout */
// Ingest benchmark: how fast the server accepts and durably enqueues webhooks, side by side in one
// run with a bare node:http server that only reads and parses the same body and answers 202 (the
// ceiling on this machine). Each server is pinned to CPU 0 and the load generator to CPU 1
// (taskset, util-linux), so neither steals the other's core. A script, not a timed test: it
// prints the rates, their ratio and where the server's CPU time goes.
//
//   pnpm bench            (builds first; BENCH_SECONDS=10 by default)
import autocannon from 'autocannon'
import { execFileSync, spawn } from 'node:child_process'
import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sealToken } from '../dist/index.js'
import { freePort } from './free-port.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(here, '..', '..', '..')
// apps/bridge is the repository's host project: it installs the real providers.
const hostProject = join(repoRoot, 'apps', 'bridge')
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const WARMUP_SECONDS = 2
const PROFILE_SECONDS = Number(process.env.BENCH_PROFILE_SECONDS ?? 5)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)
const TARGET = 0.45
// The server runs as the Dockerfile and the systemd unit run it (two malloc arenas, 2 MB V8
// semi-spaces); BENCH_MEMORY=default runs it with Node's and glibc's defaults instead.
const MEMORY =
  process.env.BENCH_MEMORY === 'default'
    ? { label: "Node's and glibc's defaults", env: {}, nodeArgs: [] }
    : { label: 'as deployed: MALLOC_ARENA_MAX=2, --max-semi-space-size=2', env: { MALLOC_ARENA_MAX: '2' }, nodeArgs: ['--max-semi-space-size=2'] }
// USER_HZ, what /proc/<pid>/stat counts in: 100 on Linux.
const CLOCK_TICKS = 100

// One CPU for the server under test, another for autocannon (this process and its threads).
const pinned = availableParallelism() >= 2 && hasTaskset()
const SERVER_CPU = '0'
if (pinned) execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' })
const onServerCpu = (command, args) => (pinned ? ['taskset', ['-c', SERVER_CPU, command, ...args]] : [command, args])

// A real GitHub push payload: a branch push with a commit (tag pushes are skipped by design).
const require = createRequire(import.meta.url)
const examples = require('@octokit/webhooks-examples/api.github.com/index.json')
const push = examples.find((e) => e.name === 'push').examples.find((e) => e.ref.startsWith('refs/heads/') && e.commits.length > 0)
const body = JSON.stringify(push)
const SECRET = 'bench-webhook-secret'
const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`

const key = randomBytes(32)
const scratch = mkdtempSync(join(tmpdir(), 'mi-bench-'))
const children = []
const cleanup = () => {
  for (const child of children) child.kill('SIGKILL')
  rmSync(scratch, { recursive: true, force: true })
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

  const t = sealToken('github', { token: 'bench-missive-token', secrets: [SECRET] }, key)
  const headers = {
    'content-type': 'application/json',
    'x-github-event': 'push',
    'x-hub-signature-256': signature,
    'user-agent': 'GitHub-Hookshot/bench',
  }
  console.log(`payload: GitHub push, ${body.length} bytes; ${CONNECTIONS} connections; ${WARMUP_SECONDS} s warm-up + ${SECONDS} s each`)
  console.log(
    pinned ? `servers pinned to CPU ${SERVER_CPU}, load generator to CPU 1 (taskset)` : 'NOT pinned (needs 2 CPUs and taskset): figures are not comparable',
  )
  console.log(`this server's memory settings: ${MEMORY.label}`)

  // The ceiling: read, JSON.parse, 202.
  const [bareCommand, bareArgs] = onServerCpu(process.execPath, [join(here, 'bare-server.mjs')])
  const bare = spawn(bareCommand, bareArgs, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  children.push(bare)
  const barePort = await new Promise((resolve) => bare.once('message', (m) => resolve(m.port)))
  const bareUrl = `http://127.0.0.1:${barePort}/github`
  await load(bareUrl, headers, WARMUP_SECONDS)
  const ceiling = await measured(bare.pid, () => load(bareUrl, headers, SECONDS))
  bare.kill()

  // This server: sealed token, signature, GitHub push processing, durable enqueue, log line.
  const server = await startServer(standIn, 'data')
  const appUrl = `http://127.0.0.1:${server.port}/github?t=${t}`
  await load(appUrl, headers, WARMUP_SECONDS)
  const ingest = await measured(server.child.pid, () => load(appUrl, headers, SECONDS))
  const rssPeak = readStatus(server.child.pid, 'VmHWM')
  const halfRate = Math.max(1, Math.floor(ingest.rate / 2))
  const half = await load(appUrl, headers, SECONDS, { overallRate: halfRate })
  await stop(server.child)

  // Where the time goes: the same load on a fresh server with the V8 CPU profiler on (its own
  // phase, so the profiler's overhead is not in the figures above).
  const profileDir = join(scratch, 'profile')
  const profiled = await startServer(standIn, 'data-profiled', [`--cpu-prof`, `--cpu-prof-dir=${profileDir}`])
  const profiledUrl = `http://127.0.0.1:${profiled.port}/github?t=${t}`
  await load(profiledUrl, headers, WARMUP_SECONDS)
  // V8 stamps samples with the same monotonic clock as hrtime: only the measured window counts.
  const from = process.hrtime.bigint() / 1000n
  const profiledRun = await load(profiledUrl, headers, PROFILE_SECONDS)
  const to = process.hrtime.bigint() / 1000n
  await stop(profiled.child)

  const ratio = ingest.rate / ceiling.rate
  const row = (name, r) =>
    `${name.padEnd(38)} ${r.rate.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   ${r.statuses}`
  console.log('')
  console.log(row('bare node:http read + parse + 202', ceiling))
  console.log(row('server: token + verify + process + enqueue', ingest))
  console.log(row(`server at half its peak (${halfRate} req/s)`, half))
  console.log('')
  console.log(`ingest / pinned ceiling:  ${ratio.toFixed(2)}   (target ≥ ${TARGET})  ${ratio >= TARGET ? 'ok' : 'MISSED'}`)
  // CPU time per request (all the process's threads, from /proc): steadier than rates when the
  // machine is shared, since time other processes take from CPU 0 is not counted.
  console.log(
    `CPU per request:          bare ${ceiling.cpuUs.toFixed(0)} µs, server ${ingest.cpuUs.toFixed(0)} µs   (bare / server ${(ceiling.cpuUs / ingest.cpuUs).toFixed(2)})`,
  )
  console.log(`p99 at half the peak:     ${half.p99} ms   (target < 20 ms)  ${half.p99 < 20 ? 'ok' : 'MISSED'}`)
  console.log(`server RSS, peak:         ${mb(rssPeak)} MB   (target < 150 MB)  ${rssPeak < 150 * 1024 ? 'ok' : 'MISSED'}`)
  console.log(`posts delivered to the stand-in meanwhile: ${delivered} (the worker keeps to Missive's rate limits per token)`)
  console.log('')
  printProfile(profileDir, profiledRun, Number(from), Number(to))
  standIn.close()
} finally {
  cleanup()
}

/** A load run with the CPU time the process at `pid` spent on it, per request. */
async function measured(pid, run) {
  const before = cpuTicks(pid)
  const result = await run()
  return { ...result, cpuUs: ((cpuTicks(pid) - before) * 1e6) / CLOCK_TICKS / Math.max(1, result.requests) }
}

/** utime + stime of a process, in clock ticks. */
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

/** Start the built server on CPU 0, its SQLite queue in a fresh DATA_DIR, delivering to the stand-in. */
async function startServer(standIn, dir, nodeArgs = []) {
  const port = await freePort()
  const [command, args] = onServerCpu(process.execPath, [...MEMORY.nodeArgs, ...nodeArgs, join(here, '..', 'dist', 'cli.js'), 'start'])
  const child = spawn(command, args, {
    cwd: hostProject,
    // Default log level (info, one line per webhook), written to /dev/null.
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      // The embedded SQLite queue, whatever DATABASE_URL the test run has for the PostgreSQL suites.
      DATABASE_URL: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: join(scratch, dir),
      SECRET_KEY: key.toString('base64'),
      MISSIVE_API_BASE_URL: `http://127.0.0.1:${standIn.address().port}/v1`,
      PROVIDERS: 'github',
      LEGACY_TOKENS: 'false',
      PLAYGROUND: 'false',
      ...MEMORY.env,
    },
  })
  children.push(child)
  await waitReady(`http://127.0.0.1:${port}/readyz`)
  return { child, port }
}

async function stop(child) {
  const stopped = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await stopped
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
    requests: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    statuses: `${statuses}${result.errors ? ` errors×${result.errors}` : ''}${result.timeouts ? ` timeouts×${result.timeouts}` : ''}`,
  }
}

/** The main thread's CPU profile: the functions that took the most self time, per webhook. */
function printProfile(dir, run, from, to) {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))
  if (!file) return console.log('no CPU profile was written')
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'))
  const self = new Map()
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  let total = 0
  let at = profile.startTime
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0
    at += us
    if (at < from || at > to) return
    const { callFrame } = byId.get(id)
    const where = callFrame.url ? `${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}` : ''
    const name = `${callFrame.functionName || '(anonymous)'} ${where}`.trim()
    self.set(name, (self.get(name) ?? 0) + us)
    total += us
  })
  const idle = self.get('(idle)') ?? 0
  const busy = total - idle
  const perRequest = busy / Math.max(1, run.requests)
  console.log(
    `CPU profile of the server's main thread (${PROFILE_SECONDS} s at ${run.rate.toFixed(0)} req/s, profiler on): ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms busy, ${perRequest.toFixed(0)} µs per webhook`,
  )
  const top = [...self]
    .filter(([name]) => name !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(process.env.BENCH_PROFILE_TOP ?? 15))
  for (const [name, us] of top) {
    console.log(`  ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${(us / Math.max(1, run.requests)).toFixed(1).padStart(6)} µs/webhook  ${name}`)
  }
}

function shortUrl(url) {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url
  const inModules = path.lastIndexOf('node_modules/')
  if (inModules !== -1) return path.slice(inModules + 'node_modules/'.length).replace(/^\.pnpm\/[^/]+\/node_modules\//, '')
  return path.startsWith('/') ? relative(repoRoot, path) : path
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

function hasTaskset() {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** kB from /proc/<pid>/status (Linux). */
function readStatus(pid, field) {
  // Under taskset the child is taskset's exec of node: the same pid.
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) : NaN
}

function mb(kb) {
  return (kb / 1024).toFixed(0)
}
