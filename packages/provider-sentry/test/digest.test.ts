import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { DigestState, MissivePost } from '@missive-integrations/core'
import { fixtureKit, processPayload } from '@missive-integrations/core/testing'
import Sentry from '../src/index.ts'

// The kit folds the fixtures a second apart from 14:00:00 UTC, as the queue does past an
// endpoint's burst_limit, and compares the exact digest request.
const sentry = new Sentry()
const kit = fixtureKit(sentry, new URL('../fixtures/', import.meta.url))

const RED = '#e03e2f'
const BLUE = '#3c74dd'
const GREY = '#80708f'

describe('sentry burst digests', () => {
  it('counts a storm of new events on one issue by level, linked to the issue', () =>
    kit.expectDigest(['error__created', 'error__created', 'error__created'], {
      references: ['issue/1170820242'],
      subject: 'ReferenceError: blooopy is not defined',
      color: RED,
      notification: '3 more events of ReferenceError: blooopy is not defined between 14:00:00 and 14:00:02 UTC\nLevels: error 3',
      attachments: [
        {
          text: '*3 more events* of <https://sentry.io/organizations/test-org/issues/1170820242/|ReferenceError: blooopy is not defined> between 14:00:00 and 14:00:02 UTC\nLevels: error 3',
          color: RED,
        },
      ],
    }))

  it('counts alerts and a state change that fold together, colored by the worst level', () =>
    kit.expectDigest(
      [
        'event_alert__triggered_for_message_golang',
        'issue__assigned_to_individual',
        'event_alert__triggered_for_message_golang',
        'event_alert__triggered_for_message_golang',
      ],
      {
        references: ['issue/1638844654'],
        subject: 'A test message event from golang.',
        color: BLUE,
        notification: '4 more notifications of A test message event from golang. between 14:00:00 and 14:00:03 UTC\nAlerts 3, assigned 1\nLevels: info 3',
        attachments: [
          {
            text: '*4 more notifications* of <https://sentry.io/organizations/example-org/issues/1638844654/|A test message event from golang.> between 14:00:00 and 14:00:03 UTC\nAlerts 3, assigned 1\nLevels: info 3',
            color: BLUE,
          },
        ],
      },
    ))

  it('counts state changes alone, colored like the latest (archived: grey); an issue without a web_url is not linked', () =>
    kit.expectDigest(['issue__assigned_to_team', 'issue__resolved', 'issue__unresolved_regressed', 'issue__ignored'], {
      references: ['issue/1638821441'],
      subject: 'Exception: program has entered an invalid state.',
      color: GREY,
      notification:
        '4 more notifications of Exception: program has entered an invalid state. between 14:00:00 and 14:00:03 UTC\nResolved 1, archived 1, assigned 1, regressed 1',
      attachments: [
        {
          text: '*4 more notifications* of Exception: program has entered an invalid state. between 14:00:00 and 14:00:03 UTC\nResolved 1, archived 1, assigned 1, regressed 1',
          color: GREY,
        },
      ],
    }))

  it('sums up a flapping metric alert rule: its transitions, the latest, colored by the worst', () =>
    kit.expectDigest(['metric_alert__critical', 'metric_alert__warning', 'metric_alert__resolved', 'metric_alert__critical'], {
      references: ['metric-alert/7'],
      subject: 'Metric alert: Too many errors',
      color: RED,
      notification: '4 more metric alerts of Too many errors between 14:00:00 and 14:00:03 UTC\nCritical 2, warning 1, resolved 1; latest: critical',
      attachments: [
        {
          text: '*4 more metric alerts* of <https://sentry.io/organizations/baz/alerts/1/|Too many errors> between 14:00:00 and 14:00:03 UTC\nCritical 2, warning 1, resolved 1; latest: critical',
          color: RED,
        },
      ],
    }))
})

type Json = Record<string, unknown>
const errorFixture = JSON.parse(readFileSync(new URL('../fixtures/error__created.json', import.meta.url), 'utf8')) as { data: { error: Json } }

/** Fold hand-written deliveries a second apart, as the queue does; the digest post. */
async function digestOf(deliveries: Array<[resource: string, payload: unknown]>): Promise<MissivePost> {
  let digest: { state: DigestState; post: MissivePost } | undefined
  for (const [i, [resource, payload]] of deliveries.entries()) {
    const outcome = await processPayload(sentry, payload, { headers: { 'sentry-hook-resource': resource } })
    if (outcome.kind !== 'posts' || !outcome.delivery.burst) throw new Error(`expected ${resource} to fold, got ${outcome.kind}`)
    digest = outcome.delivery.burst.fold(digest?.state, Date.UTC(2025, 0, 1, 14) + i * 1000)
  }
  return digest!.post
}

/** The error fixture's event with other fields. */
const error = (fields: Json) => ({ action: 'created', data: { error: { ...errorFixture.data.error, ...fields } } })

describe('sentry burst digests, hand-written payloads', () => {
  it('counts environments (the field, else the tag) and the worst level, fatal first', async () => {
    const post = await digestOf([
      ['error', error({ environment: 'production', level: 'warning' })],
      ['error', error({ environment: 'production', level: 'fatal' })],
      ['error', error({ tags: [['environment', 'staging']], level: 'error' })],
      ['error', error({ environment: null, tags: null, level: 'mystery' })],
    ])
    expect(post.notification.body).toBe(
      '4 more events of ReferenceError: blooopy is not defined between 14:00:00 and 14:00:03 UTC\nLevels: fatal 1, error 1, warning 1\nEnvironments: production 2, staging 1',
    )
    expect(post.attachments?.[0]?.color).toBe(RED)
  })

  it('reads odd fields as absent, never a throw: no title, no link, a comment in the mix', async () => {
    const post = await digestOf([
      ['error', error({ title: null, metadata: null, message: null, web_url: 'https://sentry.io/organizations/o/issues/1170820242/', level: ['error'] })],
      ['comment', { action: 'created', data: { issue_id: 1170820242, comment: 'on it' } }],
    ])
    expect(post.notification.body).toBe('2 more notifications of this issue between 14:00:00 and 14:00:01 UTC\nEvents 1, comments 1')
    expect(post.attachments?.[0]?.text).toBe('*2 more notifications* of this issue between 14:00:00 and 14:00:01 UTC\nEvents 1, comments 1')
  })
})

describe('sentry burst digest, odd payloads', () => {
  it('never throws on a fixture with any one field removed, null or of another type', () => {
    expect(kit.assertDigestTolerates(4)).toBeGreaterThan(5000)
  })
})
