/* global gc */
// Memory a delivery's dedupe key costs the SQLite queue: it keeps the last 24 h of keys in memory
// for lookups (DedupeIndex). Enqueues N deliveries with fresh GitHub-style delivery ids, then
// compares the heap after a full GC with the heap before. A script, not a test.
//
//   node --expose-gc bench/dedupe-memory.mjs      (after `pnpm build`; DEDUPE_DELIVERIES=200000)
import { mkdtempSync, rmSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openQueue } from '../dist/index.js'

if (typeof gc !== 'function') throw new Error('run with node --expose-gc')
const N = Number(process.env.DEDUPE_DELIVERIES ?? 200_000)
const dataDir = mkdtempSync(join(tmpdir(), 'mi-dedupe-'))
const heap = () => {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}
try {
  const { queue } = await openQueue({ dataDir, databaseUrl: undefined, leaseMs: 30_000 }, { role: 'server' })
  const post = { username: 'GitHub', username_icon: 'https://example.com/i.png', references: ['r'], text: 'x', notification: { title: 't', body: 'x' } }
  // Warm up every code path first, so that only the keys remain between the two readings.
  for (let i = 0; i < 1_000; i++) await queue.enqueue({ provider: 'github', event: 'push', dedupeKey: `github:${randomUUID()}`, token: 't', posts: [post] })
  const before = heap()
  for (let done = 0; done < N;) {
    const batch = Array.from({ length: Math.min(500, N - done) }, () =>
      queue.enqueue({ provider: 'github', event: 'push', dedupeKey: `github:${randomUUID()}`, token: 't', posts: [post] }),
    )
    await Promise.all(batch)
    done += batch.length
  }
  const after = heap()
  console.log(
    `${N} deliveries: ${((after - before) / 1024 / 1024).toFixed(1)} MB of heap, ${Math.round((after - before) / N)} bytes a delivery (${queue.dedupeKeys} keys held)`,
  )
  await queue.close()
} finally {
  rmSync(dataDir, { recursive: true, force: true })
}
