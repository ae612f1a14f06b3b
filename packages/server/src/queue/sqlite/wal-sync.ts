import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs'
import { dirname } from 'node:path'

/** How the disk is flushed; injectable so tests can hold a flush open or make it fail. */
export type FlushFile = (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => void

/**
 * Group commit for a SQLite write-ahead log, off the event loop. SQLite runs with
 * `synchronous = NORMAL`, so a commit only writes its WAL frames (to the page cache) and returns;
 * `sync()` then waits for an fdatasync of the WAL file on libuv's thread pool. Linux flushes a
 * file's data whichever descriptor wrote it, and WAL frames are checksummed in sequence, so once
 * the flush returns every transaction committed before `sync()` was called survives power loss —
 * what `synchronous = FULL` gives, without blocking the event loop for each fsync.
 *
 * One flush runs at a time. Callers that arrive while one runs wait for the next, which covers
 * all of them: with many webhooks in flight, one fsync acknowledges a whole group.
 *
 * A failed flush leaves the page cache in an unknown state (a later flush can succeed without
 * having written the lost pages), so it is final: every later `sync()` rejects with it.
 * @see https://www.sqlite.org/pragma.html#pragma_synchronous
 * @see https://www.sqlite.org/wal.html#durability
 */
export class WalSync {
  readonly #fd: number
  readonly #flush: FlushFile
  #waiting: Array<{ resolve: () => void; reject: (error: Error) => void }> = []
  #running = false
  #failure: Error | undefined
  #flushes = 0
  #closed = false

  /** Open the WAL file (it must exist: open it after the database's first transaction). */
  constructor(walPath: string, flush: FlushFile = fdatasync) {
    this.#fd = openSync(walPath, 'r')
    this.#flush = flush
    // A new file's directory entry is only durable once its directory is flushed.
    const directory = openSync(dirname(walPath), 'r')
    try {
      fsyncSync(directory)
    } finally {
      closeSync(directory)
    }
  }

  /** Flushes started so far, for tests and benchmarks. */
  get flushes(): number {
    return this.#flushes
  }

  /** The flush failure that stopped this log, if any. */
  get failure(): Error | undefined {
    return this.#failure
  }

  /** Resolves once everything committed before this call is on disk. */
  sync(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure)
    if (this.#closed) return Promise.reject(new Error('the write-ahead log is closed'))
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject })
      this.#next()
    })
  }

  /** Wait for the flushes asked for so far, then release the file. */
  async close(): Promise<void> {
    if (this.#closed) return
    if (this.#waiting.length > 0 || this.#running) await this.sync().catch(() => undefined)
    this.#closed = true
    closeSync(this.#fd)
  }

  #next(): void {
    if (this.#running || this.#waiting.length === 0) return
    const group = this.#waiting
    this.#waiting = []
    this.#running = true
    this.#flushes++
    this.#flush(this.#fd, (error) => {
      this.#running = false
      if (error) {
        this.#failure ??= new Error(`could not flush the queue's write-ahead log to disk: ${error.message}`, { cause: error })
        for (const waiter of [...group, ...this.#waiting.splice(0)]) waiter.reject(this.#failure)
        return
      }
      for (const waiter of group) waiter.resolve()
      this.#next()
    })
  }
}
