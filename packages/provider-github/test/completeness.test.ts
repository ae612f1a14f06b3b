import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { answerOf, handleWebhook, WebhookRequest } from '@missive-integrations/core'
import GitHub, { SKIP_REASONS } from '../src/index.ts'

interface ExampleSet {
  name: string
  actions: string[]
  examples: Record<string, unknown>[]
}

// Every real payload GitHub documents for github.com, from @octokit/webhooks-examples (MIT).
const EXAMPLES = createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as ExampleSet[]

const github = new GitHub()

describe('every @octokit/webhooks-examples payload', () => {
  it('is posted, or skipped for a listed reason; none throws', async () => {
    let total = 0
    let posted = 0
    const postingTypes = new Set<string>()
    const skipped: Record<string, number> = {}
    const failures: string[] = []
    for (const set of EXAMPLES) {
      for (const [i, example] of set.examples.entries()) {
        total++
        const body = JSON.stringify(example)
        const request = new WebhookRequest({ headers: { 'content-type': 'application/json', 'x-github-event': set.name }, body })
        const { outcome } = await handleWebhook(github, request, () => ({ token: 't' }))
        if (outcome.kind === 'posts') {
          posted++
          postingTypes.add(set.name)
        } else if (outcome.kind === 'skipped') {
          // Every skip is on purpose: an action that falls through to core's "unknown event"
          // answer should be handled or listed in SKIPPED_ACTIONS.
          if (!SKIP_REASONS.has(outcome.reason))
            failures.push(`${set.name}[${i}] (${String(example.action)}) skipped for an unlisted reason: ${outcome.reason}`)
          const key = `${set.name}${typeof example.action === 'string' ? `.${example.action}` : ''}`
          skipped[key] = (skipped[key] ?? 0) + 1
        } else {
          failures.push(`${set.name}[${i}] answered ${answerOf(outcome).status}: ${JSON.stringify(answerOf(outcome).body)}`)
        }
      }
    }
    const skippedCount = total - posted
    console.log(`webhooks-examples: ${total} payloads, ${posted} posted (${postingTypes.size} event types), ${skippedCount} skipped`, skipped)
    expect(failures).toEqual([])
    expect(EXAMPLES).toHaveLength(58)
    expect(total).toBe(329)
    expect(posted).toBeGreaterThanOrEqual(252)
    expect(postingTypes.size).toBeGreaterThanOrEqual(48)
  })
})
