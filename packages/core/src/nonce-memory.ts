/**
 * The nonces a provider has accepted recently, so that a captured request sent again is refused.
 * For senders that sign a nonce (Canny) or a timestamp with the body: remember each accepted
 * nonce for as long as the sender's timestamp tolerance lets the same request through again.
 *
 * It lives in one process: several server instances each remember their own. Pair it with a
 * delivery id the shared dedupe sees (Canny's nonce is its `deliveryHeader`) to catch a reuse
 * on another instance.
 */
export class NonceMemory {
  // Insertion order is expiry order (one window for every entry): the oldest go first.
  readonly #expiries = new Map<string, number>()

  constructor(
    /** How long a nonce is remembered, in ms. */
    readonly windowMs: number,
    /** At most this many nonces; past it the oldest are forgotten early (a flood cannot exhaust memory). */
    readonly maxEntries = 100_000,
  ) {}

  /** Remember `nonce`; false when it was already accepted within the window (a replay). */
  remember(nonce: string, now: number = Date.now()): boolean {
    for (const [oldest, expiresAt] of this.#expiries) {
      if (expiresAt > now && this.#expiries.size < this.maxEntries) break
      this.#expiries.delete(oldest)
    }
    if (this.#expiries.has(nonce)) return false
    this.#expiries.set(nonce, now + this.windowMs)
    return true
  }

  get size(): number {
    return this.#expiries.size
  }
}
