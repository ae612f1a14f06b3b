import { describe, expect, it } from 'vitest'
import {
  handleWebhook,
  Integration,
  InvalidOptionsError,
  resolveOptions,
  WebhookRequest,
  type DigestState,
  type MissivePost,
  type Payload,
  type ProcessOutput,
  type WebhookOutcome,
} from '../src/index.ts'

/** A hand-written integration: one post per webhook into the conversation its `ref` names. */
class Pager extends Integration {
  override process(payload: Payload): ProcessOutput {
    if (payload.many)
      return [
        { references: ['a'], text: 'one' },
        { references: ['b'], text: 'two' },
      ]
    return {
      references: [String(payload.ref)],
      subject: 'Pager alerts',
      color: '#f00',
      text: `Alert <${String(payload.n)}>`,
      notification: `Alert ${String(payload.n)}`,
    }
  }
}

/** The same, with a digest of its own that keeps the alert numbers. */
class CountingPager extends Pager {
  override get id() {
    return 'countingpager'
  }
  override get digest() {
    return {
      fold: (numbers: number[] | undefined, folded: { payload: Payload }) => [...(numbers ?? []), Number(folded.payload.n)],
      render: (numbers: number[], burst: { count: number }) => ({ text: `${burst.count} more alerts: ${numbers.join(', ')}` }),
    }
  }
}

/** A digest whose fold throws on alert 3: the rest of its window is counted generically. */
class BuggyPager extends Pager {
  override get id() {
    return 'buggypager'
  }
  override get digest() {
    return {
      fold: (numbers: number[] | undefined, folded: { payload: Payload }) => {
        if (folded.payload.n === 3) throw new TypeError('a bug')
        return [...(numbers ?? []), Number(folded.payload.n)]
      },
      render: (numbers: number[]) => ({ text: `alerts ${numbers.join(', ')}` }),
    }
  }
}

const T0 = Date.UTC(2026, 0, 15, 14, 0, 0)

async function outcomeOf(integration: Integration, payload: object, options: Record<string, unknown> = {}): Promise<WebhookOutcome> {
  const request = new WebhookRequest({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })
  return (await handleWebhook(integration, request, () => ({ token: 't', options, postOptions: { team: 'ops' } }))).outcome
}

/** Fold webhooks n = 1…count (a second apart) as the queue would past the limit; the last digest post. */
async function digestOf(integration: Integration, count: number, options: Record<string, unknown> = {}): Promise<{ state: DigestState; post: MissivePost }> {
  let digest: { state: DigestState; post: MissivePost } | undefined
  for (let n = 1; n <= count; n++) {
    const outcome = await outcomeOf(integration, { ref: 'r1', n }, options)
    if (outcome.kind !== 'posts' || !outcome.delivery.burst) throw new Error(`no burst plan for webhook ${n}`)
    digest = outcome.delivery.burst.fold(digest?.state, T0 + (n - 1) * 1000)
  }
  return digest!
}

describe('burst digests', () => {
  it('plans a burst for a one-post delivery with the endpoint’s limit and window, and none when off or for several posts', async () => {
    const defaults = await outcomeOf(new Pager(), { ref: 'r1', n: 1 })
    expect(defaults.kind === 'posts' && [defaults.delivery.burst?.limit, defaults.delivery.burst?.windowMs]).toEqual([3, 60_000])
    const custom = await outcomeOf(new Pager(), { ref: 'r1', n: 1 }, { burst_limit: '10', burst_window: '300' })
    expect(custom.kind === 'posts' && [custom.delivery.burst?.limit, custom.delivery.burst?.windowMs]).toEqual([10, 300_000])
    const off = await outcomeOf(new Pager(), { ref: 'r1', n: 1 }, { burst_limit: 0 })
    expect(off.kind === 'posts' && off.delivery.burst).toBeUndefined()
    const several = await outcomeOf(new Pager(), { many: true })
    expect(several.kind === 'posts' && several.delivery.burst).toBeUndefined()
  })

  it('refuses a bad burst option with a 400 naming it, at request time and when minting', async () => {
    for (const [options, key] of [
      [{ burst_limit: 'lots' }, 'burst_limit'],
      [{ burst_limit: -1 }, 'burst_limit'],
      [{ burst_limit: 2.5 }, 'burst_limit'],
      [{ burst_window: 0 }, 'burst_window'],
      [{ burst_window: 3601 }, 'burst_window'],
    ] as const) {
      const outcome = await outcomeOf(new Pager(), { ref: 'r1', n: 1 }, options)
      expect(outcome.kind).toBe('rejected')
      const error = outcome.kind === 'rejected' ? outcome.error : undefined
      expect(error).toBeInstanceOf(InvalidOptionsError)
      expect(error).toMatchObject({ status: 400 })
      expect(error?.message).toContain(key)
      expect(() => resolveOptions(new Pager(), options, { strict: true })).toThrow(InvalidOptionsError)
    }
    expect(() => resolveOptions(new Pager(), { burst_limit: '5', burst_window: '120' }, { strict: true })).not.toThrow()
    // Checked with the endpoint, before the body is read: a broken body still gets the option's 400.
    const garbled = new WebhookRequest({ headers: { 'content-type': 'application/json' }, body: '{not json' })
    const { outcome } = await handleWebhook(new Pager(), garbled, () => ({ token: 't', options: { burst_window: 0 } }))
    expect(outcome.kind === 'rejected' && outcome.error).toBeInstanceOf(InvalidOptionsError)
  })

  it('folds into a generic digest: the count, the events, the span and the latest one-line summaries, as text that cannot be injected', async () => {
    const { state, post } = await digestOf(new Pager(), 12)
    expect(state).toMatchObject({ count: 12, first: T0, last: T0 + 11_000, events: { event: 12 } })
    expect(post).toEqual({
      team: 'ops',
      username: 'Pager',
      username_icon: new Pager().avatar,
      conversation_icon: new Pager().icon,
      notification: { title: 'Pager alerts', body: '12 more posts in this conversation between 14:00:00 and 14:00:11 UTC (12 event)' },
      references: ['<pager/r1@missive-integrations>'],
      conversation_subject: 'Pager alerts',
      conversation_color: '#f00',
      update_existing_conversation_subject: false,
      text: [
        '*12 more posts* in this conversation between 14:00:00 and 14:00:11 UTC (12 event):',
        '• … and 2 earlier ones',
        ...Array.from({ length: 10 }, (_, i) => `• Alert ${i + 3}`),
      ].join('\n'),
    })
  })

  it('folds with the provider’s digest when it has one, and counts generically once it fails', async () => {
    expect((await digestOf(new CountingPager(), 4)).post.text).toBe('4 more alerts: 1, 2, 3, 4')
    const buggy = await digestOf(new BuggyPager(), 5)
    expect(buggy.state.count).toBe(5)
    expect(buggy.post.text).toMatch(/^\*5 more posts\* in this conversation between 14:00:00 and 14:00:04 UTC/)
    expect(buggy.post.text).toContain('• Alert 5')
  })
})
