/* global setTimeout */
// Stalled bodies: 40 connections without a valid token each declare a 24 MB body, send all of it
// but the last byte, and stall. What the server holds meanwhile (RSS) and whether it closes them.
// A script, not a timed test:
//
//   node bench/stalled-bodies.mjs            (after `pnpm build`)
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './free-port.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const CONNECTIONS = Number(process.env.STALL_CONNECTIONS ?? 40)
const BODY = 24 * 1024 * 1024
const SETTLE_MS = Number(process.env.STALL_SETTLE_MS ?? 3000)

const dataDir = mkdtempSync(join(tmpdir(), 'mi-stall-'))
const port = await freePort()
const server = spawn(process.execPath, [join(here, '..', 'dist', 'cli.js'), 'start'], {
  cwd: join(here, '..', '..', '..'),
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString('base64'),
    // apps/bridge is the repository's host project: it installs the real providers.
    PROJECT_DIR: join(here, '..', '..', '..', 'apps', 'bridge'),
    DATABASE_URL: '',
    PROVIDERS: 'github',
    LEGACY_TOKENS: 'false',
    LOG_LEVEL: 'warn',
  },
})
try {
  await waitListening(port)
  await sleep(500)
  const before = status(server.pid, 'VmRSS')
  let closedByServer = 0
  let sentTotal = 0
  const sockets = await Promise.all(
    Array.from({ length: CONNECTIONS }, () =>
      attack(
        port,
        (n) => (sentTotal += n),
        () => closedByServer++,
      ),
    ),
  )
  await sleep(SETTLE_MS)
  const peak = status(server.pid, 'VmHWM')
  const now = status(server.pid, 'VmRSS')
  console.log(`stalled bodies: ${CONNECTIONS} connections, no valid token, each declaring ${BODY / 1024 / 1024} MB and sending all but one byte`)
  console.log(`  bytes the attackers got onto the wire: ${(sentTotal / 1024 / 1024).toFixed(0)} MB`)
  console.log(`  server RSS before / peak / ${SETTLE_MS / 1000} s after: ${mb(before)} / ${mb(peak)} / ${mb(now)} MB`)
  console.log(`  connections the server closed: ${closedByServer} of ${CONNECTIONS}`)
  for (const socket of sockets) socket.destroy()
} finally {
  server.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
}

/** One attacker: headers, then BODY - 1 bytes as fast as the server takes them, then nothing. */
function attack(port, sent, closed) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`POST /github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-GitHub-Event: push\r\nContent-Length: ${BODY}\r\n\r\n`)
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      let left = BODY - 1
      const pump = () => {
        while (left > 0 && !socket.destroyed) {
          const n = Math.min(left, chunk.length)
          left -= n
          sent(n)
          if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void socket.once('drain', pump)
        }
      }
      pump()
      resolve(socket)
    })
    socket.on('error', () => {})
    socket.on('close', closed)
  })
}

function waitListening(port) {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 20_000
    const tryOnce = () => {
      const probe = connect(port, '127.0.0.1', () => (probe.destroy(), resolve()))
      probe.on('error', () => (Date.now() > deadline ? reject(new Error('the server did not start')) : setTimeout(tryOnce, 100)))
    }
    tryOnce()
  })
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** kB from /proc/<pid>/status (Linux). */
function status(pid, field) {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) : NaN
}

function mb(kb) {
  return (kb / 1024).toFixed(0)
}
