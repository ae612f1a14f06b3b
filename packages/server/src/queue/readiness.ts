/**
 * Whether the last commit failed, for `/readyz`: a full disk or a lost database makes the queue
 * refuse work, and a load balancer should stop sending webhooks here until a commit succeeds again.
 */
export class CommitHealth {
  #failure: string | undefined

  get failure(): string | undefined {
    return this.#failure
  }

  /**
   * Run a commit and record how it went; its error is passed on. Only a commit that writes for
   * sure (`proves`) clears a failure: a claim that found nothing commits on a full disk too.
   */
  async track<T>(commit: () => T | Promise<T>, proves = true): Promise<T> {
    try {
      const result = await commit()
      if (proves) this.#failure = undefined
      return result
    } catch (error) {
      this.#failure = `the last commit failed: ${error instanceof Error ? error.message : String(error)}`
      throw error
    }
  }
}
