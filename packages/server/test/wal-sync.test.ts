import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { WalSync, type FlushFile } from '../src/queue/sqlite/wal-sync.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function walFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wal-sync-'))
  dirs.push(dir)
  const path = join(dir, 'queue.sqlite-wal')
  writeFileSync(path, 'frames')
  return path
}

/** A flush the test finishes by hand, recording each call. */
function heldFlush() {
  const pending: Array<(error: NodeJS.ErrnoException | null) => void> = []
  const flush: FlushFile = (_fd, done) => {
    pending.push(done)
  }
  return { flush, pending }
}

const settled = (promise: Promise<unknown>) => {
  const state = { done: false, error: undefined as unknown }
  promise.then(
    () => (state.done = true),
    (error: unknown) => ((state.done = true), (state.error = error)),
  )
  return state
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('WalSync', () => {
  it('resolves only after the flush, and groups callers that arrive while one runs', async () => {
    const { flush, pending } = heldFlush()
    const wal = new WalSync(walFile(), flush)
    const first = settled(wal.sync())
    expect(pending).toHaveLength(1)
    // These wrote after the running flush began: they wait for the next one, together.
    const second = settled(wal.sync())
    const third = settled(wal.sync())
    await tick()
    expect([first.done, second.done, third.done]).toEqual([false, false, false])

    pending[0]!(null)
    await tick()
    expect([first.done, second.done, third.done]).toEqual([true, false, false])
    expect(pending).toHaveLength(2)
    pending[1]!(null)
    await tick()
    expect([second.done, third.done]).toEqual([true, true])
    expect(wal.flushes).toBe(2)
    await wal.close()
  })

  it('flushes the real file with fdatasync by default', async () => {
    const wal = new WalSync(walFile())
    await Promise.all([wal.sync(), wal.sync(), wal.sync()])
    expect(wal.flushes).toBeGreaterThanOrEqual(1)
    expect(wal.flushes).toBeLessThanOrEqual(2)
    await wal.close()
    await expect(wal.sync()).rejects.toThrow('the write-ahead log is closed')
  })

  it('treats a failed flush as final: waiting and later callers are refused', async () => {
    const { flush, pending } = heldFlush()
    const wal = new WalSync(walFile(), flush)
    const first = settled(wal.sync())
    const second = settled(wal.sync())
    pending[0]!(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }))
    await tick()
    expect((first.error as Error).message).toBe("could not flush the queue's write-ahead log to disk: EIO: i/o error, fdatasync")
    expect(second.error).toBe(first.error)
    expect(wal.failure).toBe(first.error)
    await expect(wal.sync()).rejects.toBe(first.error)
    expect(pending).toHaveLength(1)
    await wal.close()
  })

  it('waits for the flushes asked for before closing', async () => {
    const { flush, pending } = heldFlush()
    const wal = new WalSync(walFile(), flush)
    const asked = settled(wal.sync())
    const closed = settled(wal.close())
    await tick()
    expect(closed.done).toBe(false)
    pending[0]!(null)
    await tick()
    pending[1]?.(null)
    await tick()
    await tick()
    expect([asked.done, closed.done]).toEqual([true, true])
  })
})
