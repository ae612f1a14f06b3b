import { describe, expect, it } from 'vitest'
import {
  Integration,
  InvalidOptionsError,
  WebhookRequest,
  answerOf,
  globToRegExp,
  handleWebhook,
  matchesGlob,
  resolveOptions,
  schemaOf,
  skip,
  splitList,
  type FilterSpec,
  type Handlers,
  type Payload,
  type ProcessOutput,
  type WebhookOutcome,
} from '../src/index.ts'

/** A small provider with one filter of each kind: events in `type`, refined by `action`. */
class Tracker extends Integration {
  override get schema() {
    return { options: [{ key: 'team', type: 'String' as const }] }
  }
  override get eventField() {
    return 'type'
  }
  override get actionField() {
    return 'action'
  }
  override get handlers(): Handlers {
    return {
      push: ({ p }) => ({ references: [p.string('branch')], text: 'pushed' }),
      'issue.opened': ({ p }) => ({ references: [`issue/${p.string('id')}`], text: 'opened' }),
      issue: ({ p }) => ({ references: [`issue/${p.string('id')}`], text: 'changed' }),
      alert: ({ p }) => ({ references: [`alert/${p.string('id')}`], text: 'alert' }),
    }
  }
  override get skipped() {
    return { ping: 'ping is a check', 'issue.deleted': 'deletions are not posted' }
  }
  override get filters(): readonly FilterSpec[] {
    return FILTERS
  }
}

const FILTERS: readonly FilterSpec[] = [
  { key: 'events', kind: 'events', label: 'Events', description: 'only these events' },
  { key: 'exclude_events', kind: 'events', exclude: true, label: 'Exclude events', description: 'never these events' },
  { key: 'branches', kind: 'globs', noun: 'branch', label: 'Branches', description: 'only pushes to these branches', read: (p) => p.optionalString('branch') },
  {
    key: 'exclude_bots',
    kind: 'flag',
    label: 'Exclude bots',
    description: 'drop what bots do',
    read: (p) => (p.optionalString('user')?.endsWith('[bot]') ? `user ${JSON.stringify(p.string('user'))} is a bot` : undefined),
  },
  {
    key: 'exclude_authors',
    kind: 'list',
    exclude: true,
    noun: 'user',
    label: 'Exclude authors',
    description: 'drop what these users do',
    read: (p) => p.optionalString('user'),
  },
  {
    key: 'labels',
    kind: 'list',
    noun: 'label',
    label: 'Labels',
    description: 'only issues with one of these labels',
    read: (p, event) => (event === 'issue' ? p.optionalArray('labels').map(String) : undefined),
  },
  {
    key: 'min_level',
    kind: 'level',
    levels: ['debug', 'info', 'warning', 'error', 'critical'],
    noun: 'level',
    label: 'Minimum level',
    description: 'drop quieter alerts',
    read: (p) => p.optionalString('level'),
  },
]

const tracker = new Tracker()

async function outcomeOf(payload: Record<string, unknown>, options: Record<string, unknown>, integration: Integration = tracker): Promise<WebhookOutcome> {
  const request = new WebhookRequest({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })
  return (await handleWebhook(integration, request, () => ({ token: 't', options }))).outcome
}

const PUSH_FEATURE = { type: 'push', branch: 'feature/x', user: 'ada' }
const ISSUE_LABELED = { type: 'issue', action: 'labeled', id: '7', user: 'ada', labels: ['bug', 'docs'] }

describe('the glob matcher', () => {
  it('* stays within a /-separated segment, ** crosses segments, everything else is literal', () => {
    expect(matchesGlob('release/1.2', 'release/*')).toBe(true)
    expect(matchesGlob('release/1/2', 'release/*')).toBe(false)
    expect(matchesGlob('release/1/2', 'release/**')).toBe(true)
    expect(matchesGlob('main', 'main')).toBe(true)
    expect(matchesGlob('mainline', 'main')).toBe(false)
    expect(matchesGlob('pull_request.opened', 'pull_request.*')).toBe(true)
    expect(matchesGlob('pull_requestXopened', 'pull_request.*')).toBe(false)
    expect(matchesGlob('pull_request_review.submitted', 'pull_request.*')).toBe(false)
    expect(matchesGlob('a+b(c)', 'a+b(c)')).toBe(true)
    expect(globToRegExp('feat-*').test('feat-x')).toBe(true)
  })

  it('splits comma-separated lists, trimming items and keeping empty ones to refuse them', () => {
    expect(splitList('main, release/* ,dev')).toEqual(['main', 'release/*', 'dev'])
    expect(splitList('main,,dev')).toEqual(['main', '', 'dev'])
  })
})

describe('filters in the schema', () => {
  it("are options after the provider's own, typed, with what they accept", () => {
    const options = tracker.toJSON().schema.options
    expect(options.map((o) => [o.key, o.type])).toEqual([
      ['team', 'String'],
      ['events', 'String'],
      ['exclude_events', 'String'],
      ['branches', 'String'],
      ['exclude_bots', 'Boolean'],
      ['exclude_authors', 'String'],
      ['labels', 'String'],
      ['min_level', 'String'],
      // The options core adds to every provider (burst digests).
      ['burst_limit', 'Number'],
      ['burst_window', 'Number'],
    ])
    expect(options.find((o) => o.key === 'branches')?.description).toBe(
      'only pushes to these branches (comma-separated; * matches within a /-separated segment, ** across segments (release/*))',
    )
    expect(options.find((o) => o.key === 'min_level')?.description).toBe('drop quieter alerts (one of debug, info, warning, error, critical)')
    expect(schemaOf(tracker)).toEqual({ options: options.slice(0, -2) })
  })

  it('are accepted by a strict resolve (as when a URL is minted), typed', () => {
    expect(resolveOptions(tracker, { branches: 'main,release/*', exclude_bots: 'true', min_level: 'Error', events: 'issue.*,push' }, { strict: true })).toEqual(
      {
        branches: 'main,release/*',
        exclude_bots: true,
        min_level: 'Error',
        events: 'issue.*,push',
      },
    )
  })

  it.each([
    [
      { branches: 'main,,dev' },
      'invalid options for provider tracker: "branches" has an empty item in "main,,dev"; it takes comma-separated; * matches within a /-separated segment, ** across segments (release/*)',
    ],
    [
      { branches: 'feat[0-9]' },
      'invalid options for provider tracker: "branches" has "feat[0-9]", which has "["; only * and ** are wildcards; it takes comma-separated; * matches within a /-separated segment, ** across segments (release/*)',
    ],
    [
      { branches: 'release/***' },
      'invalid options for provider tracker: "branches" has "release/***", which has *** (use * within a segment or ** across segments); it takes comma-separated; * matches within a /-separated segment, ** across segments (release/*)',
    ],
    [
      { events: 'push,isue' },
      'invalid options for provider tracker: "events" has "isue", which matches no tracker event; known events: push, issue, alert, ping, issue.opened, issue.deleted; it takes comma-separated event or event.action names; * matches any part of a name (pull_request.*)',
    ],
    [{ exclude_events: 'pong.*' }, /"exclude_events" has "pong\.\*", which matches no tracker event/],
    [
      { min_level: 'severe' },
      'invalid options for provider tracker: "min_level" has unknown level "severe"; it takes one of debug, info, warning, error, critical',
    ],
    [{ exclude_bots: 'yes' }, 'invalid options for provider tracker: "exclude_bots" must be true or false: drop what bots do, got "yes"'],
    [{ labels: ' , ' }, /"labels" has an empty item in " , "/],
  ])('refuses a bad value, naming the filter and what it takes: %j', (options, message) => {
    const error = (() => {
      try {
        resolveOptions(tracker, options)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(InvalidOptionsError)
    expect((error as Error).message).toMatch(message)
  })

  it('answers a bad filter 400 at request time too', async () => {
    const outcome = await outcomeOf(PUSH_FEATURE, { branches: 'main,' })
    expect(outcome.kind).toBe('rejected')
    expect(answerOf(outcome)).toEqual({ status: 400, body: { error: 'invalid_options', message: expect.stringContaining('"branches" has an empty item') } })
  })

  it('accepts an action of a known event, even one without a handler of its own', () => {
    expect(() => resolveOptions(tracker, { events: 'issue.closed,issue.*' })).not.toThrow()
  })
})

describe('applying filters', () => {
  it('answers a filtered delivery 200 "filtered" with the reason naming the filter and the value', async () => {
    const outcome = await outcomeOf(PUSH_FEATURE, { branches: 'main,release/*' })
    expect(outcome).toEqual({ kind: 'filtered', reason: 'branch "feature/x" is not in branches (main, release/*)' })
    expect(answerOf(outcome)).toEqual({ status: 200, body: { status: 'filtered', reason: 'branch "feature/x" is not in branches (main, release/*)' } })
  })

  it('lets a matching delivery through, and one the filter does not apply to', async () => {
    expect((await outcomeOf({ ...PUSH_FEATURE, branch: 'release/2.0' }, { branches: 'main,release/*' })).kind).toBe('posts')
    expect((await outcomeOf(ISSUE_LABELED, { branches: 'main' })).kind).toBe('posts')
  })

  it('matches events and event.action, most specific named', async () => {
    expect((await outcomeOf(ISSUE_LABELED, { events: 'issue.*' })).kind).toBe('posts')
    expect((await outcomeOf(ISSUE_LABELED, { events: 'issue' })).kind).toBe('posts')
    expect(await outcomeOf(ISSUE_LABELED, { events: 'push,issue.opened' })).toEqual({
      kind: 'filtered',
      reason: 'event "issue.labeled" is not in events (push, issue.opened)',
    })
    expect(await outcomeOf(ISSUE_LABELED, { exclude_events: 'issue.labeled' })).toEqual({
      kind: 'filtered',
      reason: 'event "issue.labeled" is in exclude_events (issue.labeled)',
    })
    expect(await outcomeOf(PUSH_FEATURE, { exclude_events: 'push' })).toEqual({ kind: 'filtered', reason: 'event "push" is in exclude_events (push)' })
    expect((await outcomeOf(PUSH_FEATURE, { exclude_events: 'issue.*' })).kind).toBe('posts')
  })

  it('flags, plain lists (case-insensitive) and levels', async () => {
    expect(await outcomeOf({ ...PUSH_FEATURE, user: 'renovate[bot]' }, { exclude_bots: true })).toEqual({
      kind: 'filtered',
      reason: 'user "renovate[bot]" is a bot (exclude_bots)',
    })
    expect((await outcomeOf({ ...PUSH_FEATURE, user: 'renovate[bot]' }, { exclude_bots: false })).kind).toBe('posts')
    expect(await outcomeOf(PUSH_FEATURE, { exclude_authors: 'bob,Ada' })).toEqual({ kind: 'filtered', reason: 'user "ada" is in exclude_authors (bob, Ada)' })
    expect((await outcomeOf(ISSUE_LABELED, { labels: 'DOCS' })).kind).toBe('posts')
    expect(await outcomeOf(ISSUE_LABELED, { labels: 'urgent' })).toEqual({ kind: 'filtered', reason: 'no label of "bug", "docs" is in labels (urgent)' })
    expect(await outcomeOf({ ...ISSUE_LABELED, labels: [] }, { labels: 'urgent' })).toEqual({ kind: 'filtered', reason: 'no label is in labels (urgent)' })
    expect(await outcomeOf({ type: 'alert', id: '1', level: 'warning' }, { min_level: 'error' })).toEqual({
      kind: 'filtered',
      reason: 'level "warning" is below min_level (error)',
    })
    expect((await outcomeOf({ type: 'alert', id: '1', level: 'CRITICAL' }, { min_level: 'error' })).kind).toBe('posts')
    expect((await outcomeOf({ type: 'alert', id: '1' }, { min_level: 'error' })).kind).toBe('posts')
  })

  it('runs after the provider: its skips and payload errors come first', async () => {
    expect(await outcomeOf({ type: 'ping' }, { events: 'push' })).toEqual({ kind: 'skipped', reason: 'ping is a check' })
    expect((await outcomeOf({ type: 'push', user: 'ada' }, { branches: 'main' })).kind).toBe('rejected')
  })

  it('answers a throwing accessor as a provider bug, not a crash', async () => {
    class Broken extends Tracker {
      override get filters(): readonly FilterSpec[] {
        return [
          {
            key: 'branches',
            kind: 'globs',
            noun: 'branch',
            label: 'B',
            description: 'd',
            read: () => {
              throw new TypeError('boom')
            },
          },
        ]
      }
    }
    const outcome = await outcomeOf(PUSH_FEATURE, { branches: 'main' }, new Broken())
    expect(outcome.kind).toBe('error')
    expect(answerOf(outcome).status).toBe(422)
  })

  it('work for a hand-written process too', async () => {
    class Legacy extends Integration {
      override get filters(): readonly FilterSpec[] {
        return [{ key: 'exclude_authors', kind: 'list', exclude: true, noun: 'author', label: 'A', description: 'd', read: (p) => p.optionalString('user') }]
      }
      override event(payload: Payload) {
        return typeof payload.type === 'string' ? payload.type : undefined
      }
      override process(payload: Payload): ProcessOutput {
        return payload.type === 'push' ? { references: ['r'], text: 'x' } : skip('no')
      }
    }
    expect(await outcomeOf(PUSH_FEATURE, { exclude_authors: 'ada' }, new Legacy())).toEqual({
      kind: 'filtered',
      reason: 'author "ada" is in exclude_authors (ada)',
    })
    expect((await outcomeOf(PUSH_FEATURE, {}, new Legacy())).kind).toBe('posts')
  })
})
