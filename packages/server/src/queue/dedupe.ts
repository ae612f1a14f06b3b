import { createHash } from 'node:crypto'

/** How long a dedupe key and a delivered post's marker are remembered. */
export const DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000

/**
 * A dedupe key as the queue stores it: the first 128 bits of its SHA-256. Small and fixed
 * whatever the sender's id looks like (a PostgreSQL primary key, an in-memory map key), and free
 * of whatever the key holds. A collision needs some 2^64 deliveries.
 */
export function dedupeDigest(key: string): Buffer {
  return createHash('sha256').update(key).digest().subarray(0, 16)
}

/**
 * The dedupe keys received in the last 24 h, in memory, oldest first: for a backend whose table
 * is only appended to (a random-key index would rewrite a random page per webhook), so lookups
 * happen here. Keys are 16-character strings (a fresh string: it does not keep the request's
 * header block alive). See the server README for the bytes a delivery costs.
 */
export class DedupeIndex {
  readonly #received = new Map<string, number>()

  get size(): number {
    return this.#received.size
  }

  /** When `digest` was received, if within the window before `now`. */
  receivedAt(digest: Buffer, now: number): number | undefined {
    const at = this.#received.get(digest.toString('latin1'))
    return at !== undefined && at > now - DEDUPE_WINDOW_MS ? at : undefined
  }

  /** Remember `digest` as received at `at` (re-inserted, so the map stays in receiving order). */
  add(digest: Buffer, at: number): void {
    const key = digest.toString('latin1')
    this.#received.delete(key)
    this.#received.set(key, at)
  }

  /** Forget what was received before `before`. */
  prune(before: number): void {
    for (const [key, at] of this.#received) {
      if (at >= before) break
      this.#received.delete(key)
    }
  }
}
