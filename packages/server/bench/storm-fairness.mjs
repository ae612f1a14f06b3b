/* global fetch, setTimeout, structuredClone */
// A storm on one conversation, and the first post of another conversation on the same token:
// with burst digests on (the default) and off (`burst_limit=0`), side by side in one run. The
// server (SQLite queue) delivers to a Missive stand-in answering in 20 ms, under Missive's limits
// scaled down tenfold in time (5 at once, 100 per 6 s instead of 300 per minute) so that a storm
// fills a window within seconds. A script, not a test: it prints the figures.
//
//   node bench/storm-fairness.mjs     (after `pnpm build`; STORM=1000)
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './free-port.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const cli = resolve(join(here, '..', 'dist', 'cli.js'))
const repoRoot = resolve(here, '..', '..', '..')
const STORM = Number(process.env.STORM ?? 1000)
const RATE_LIMITS = '5,100/6s'
const occurrence = JSON.parse(readFileSync(join(repoRoot, 'packages/provider-rollbar/fixtures/occurrence__error.json'), 'utf8'))
const newItem = JSON.parse(readFileSync(join(repoRoot, 'packages/provider-rollbar/fixtures/new_item__error.json'), 'utf8'))
const OTHER = 737373737

let received = []
const standIn = createServer((req, res) => {
  const at = Date.now()
  let body = ''
  req.on('data', (chunk) => (body += chunk))
  req.on('end', () => {
    received.push({ at, body })
    setTimeout(() => res.writeHead(201, { 'content-type': 'application/json' }).end('{"posts":{"id":"p","conversation":"c"}}'), 20)
  })
})
await new Promise((done) => standIn.listen(0, '127.0.0.1', done))
const standInUrl = `http://127.0.0.1:${standIn.address().port}/v1`

async function run(burstLimit) {
  received = []
  const dataDir = mkdtempSync(join(tmpdir(), 'storm-bench-'))
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, [cli, 'start'], {
    cwd: repoRoot,
    stdio: 'ignore',
    env: {
      ...process.env,
      DATABASE_URL: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      MISSIVE_API_BASE_URL: standInUrl,
      SECRET_KEY: 'c'.repeat(64),
      LOG_LEVEL: 'error',
      PROVIDERS: 'rollbar',
      PROJECT_DIR: join(repoRoot, 'apps/bridge'),
      MISSIVE_RATE_LIMITS: RATE_LIMITS,
    },
  })
  for (let i = 0; ; i++) {
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break
    if (i > 300) throw new Error('the server did not start')
    await new Promise((done) => setTimeout(done, 50))
  }
  const token = Buffer.from(
    JSON.stringify({ token: 'storm-bench', options: {}, rollbar: { account: 'acme', project: 'web', burst_limit: burstLimit, burst_window: 60 } }),
  ).toString('base64')
  const send = (payload) =>
    fetch(`${base}/rollbar?t=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    }).then((r) => r.status)
  const started = Date.now()
  let next = 0
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < STORM) {
        const payload = structuredClone(occurrence)
        payload.data.occurrence.id = 9_000_000_000 + next++
        if ((await send(payload)) !== 202) throw new Error('a storm webhook was refused')
      }
    }),
  )
  const ingestMs = Date.now() - started
  // Once the storm has filled the token's window (or had three seconds to): the first post of another conversation.
  for (const until = Date.now() + 3_000; received.length < 100 && Date.now() < until;) await new Promise((done) => setTimeout(done, 10))
  const other = structuredClone(newItem)
  other.data.item.id = OTHER
  const sentAt = Date.now()
  if ((await send(other)) !== 202) throw new Error('the other webhook was refused')
  const acknowledged = Date.now()
  let arrived
  for (;;) {
    arrived = received.find((request) => request.body.includes(`rollbar/${OTHER}@`))
    if (arrived || Date.now() - sentAt > 30_000) break
    await new Promise((done) => setTimeout(done, 10))
  }
  const figures = {
    burst_limit: burstLimit,
    ingestMs,
    stormPostsSentBeforeOther: received.filter((request) => !request.body.includes(`rollbar/${OTHER}@`) && request.at < (arrived?.at ?? Infinity)).length,
    otherConversationMs: arrived ? arrived.at - acknowledged : '> 30000',
  }
  child.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
  return figures
}

const on = await run(3)
const off = await run(0)
console.log(`storm of ${STORM} occurrences of one item, then a new item on the same token (limits ${RATE_LIMITS}):`)
console.table([on, off])
console.log(`first post of the other conversation: ${on.otherConversationMs} ms with digests, ${off.otherConversationMs} ms without`)
standIn.close()
