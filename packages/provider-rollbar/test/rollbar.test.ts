import { afterAll, describe, expect, it } from 'vitest'
import { InvalidOptionsError, InvalidPayloadError, SignatureError, UnsupportedEventError, WebhookRequest } from '@missive-integrations/core'
import { fixtureKit, processPayload, rejectionOf } from '@missive-integrations/core/testing'
import Rollbar from '../src/index.ts'

const provider = new Rollbar()
const OPTIONS = { account: 'acme', project: 'web' }
// One test per fixture states what Rollbar's provider decides (thread, subject, color, text);
// the kit adds the envelope every post shares and compares the exact Missive request.
const kit = fixtureKit(provider, new URL('../fixtures/', import.meta.url), { options: OPTIONS })
/** Run a hand-written payload through the same path as the server (parse, options, process, validate). */
const run = (payload: unknown, options: Record<string, unknown> = OPTIONS) => processPayload(provider, payload, { options })
const failure = rejectionOf

const ITEM = { id: 1, counter: 2, title: 'Boom', level: 40 }

describe('rollbar burst digests', () => {
  it('counts a storm of one item’s occurrences by level and environment, colored by the worst, linked to the item', () =>
    kit.expectDigest(['occurrence__warning_with_person', 'occurrence__error', 'occurrence__error', 'occurrence__warning_with_person', 'occurrence__error'], {
      references: ['496735830'],
      subject: 'new again again',
      color: '#c00',
      notification: '5 more occurrences of new again again between 14:00:00 and 14:00:04 UTC\nLevels: error 3, warning 2\nEnvironments: production 5',
      attachments: [
        {
          text: '*5 more occurrences* of <https://rollbar.com/acme/web/items/10|new again again> between 14:00:00 and 14:00:04 UTC\nLevels: error 3, warning 2\nEnvironments: production 5',
          color: '#c00',
        },
      ],
    }))

  it('says notifications, not occurrences, when other item events folded too', () =>
    kit.expectDigest(['item_velocity__10_in_5_minutes', 'reactivated_item__error', 'reopened_item__error', 'resolved_item__error'], {
      references: ['495300143'],
      subject: 'All set.',
      color: '#c00',
      notification: '4 more notifications of All set. between 14:00:00 and 14:00:03 UTC\nLevels: critical 1, error 3\nEnvironments: production 4',
      attachments: [
        {
          text: '*4 more notifications* of <https://rollbar.com/acme/web/items/3|All set.> between 14:00:00 and 14:00:03 UTC\nLevels: critical 1, error 3\nEnvironments: production 4',
          color: '#c00',
        },
      ],
    }))
})

describe('rollbar fixtures', () => {
  it('new_item__error', () =>
    kit.expectPosts('new_item__error', [
      {
        references: ['496445267'],
        subject: 'An Error',
        color: '#c00',
        notification: 'New item: An Error\nhttps://rollbar.com/acme/web/items/7',
        attachments: [{ text: 'New item: An Error\n<https://rollbar.com/acme/web/items/7>', color: '#c00' }],
      },
    ]))

  it('new_item__critical_multiline_title', () =>
    kit.expectPosts('new_item__critical_multiline_title', [
      {
        references: ['496445267'],
        subject: 'ZeroDivisionError: division by zero\n  File "rollbartest.py", line 3',
        color: '#c00',
        notification: 'New item: ZeroDivisionError: division by zero\nhttps://rollbar.com/acme/web/items/7',
        attachments: [{ text: 'New item: ZeroDivisionError: division by zero\n<https://rollbar.com/acme/web/items/7>', color: '#c00' }],
      },
    ]))

  it('occurrence__error', () =>
    kit.expectPosts('occurrence__error', [
      {
        references: ['496735830'],
        subject: 'new again again',
        color: '#c00',
        notification: 'new again again (Error)\nhttps://rollbar.com/acme/web/items/10 (Occurrence)',
        attachments: [
          {
            text: 'new again again (Error)\n<https://rollbar.com/acme/web/items/10> (<https://rollbar.com/acme/web/items/10/occurrences/35726608283|Occurrence>)',
            color: '#c00',
          },
        ],
      },
    ]))

  it('occurrence__warning_with_person', () =>
    kit.expectPosts('occurrence__warning_with_person', [
      {
        references: ['496735830'],
        subject: 'new again again',
        color: '#ffc258',
        notification: 'new again again (Warning)\nhttps://rollbar.com/acme/web/items/10 (Occurrence)',
        attachments: [
          {
            text: 'new again again (Warning)\n<https://rollbar.com/acme/web/items/10> (<https://rollbar.com/acme/web/items/10/occurrences/35726608283|Occurrence>)',
            color: '#ffc258',
            fields: [
              { title: 'User', value: 'ada@example.com', short: true },
              { title: 'Version', value: '3f2c1a9', short: true },
            ],
          },
        ],
      },
    ]))

  it('exp_repeat_item__10th_occurrence', () =>
    kit.expectPosts('exp_repeat_item__10th_occurrence', [
      {
        references: ['496445267'],
        subject: 'An Error',
        color: '#c00',
        notification: '10th occurrence: An Error\nhttps://rollbar.com/acme/web/items/7',
        attachments: [{ text: '10th occurrence: An Error\n<https://rollbar.com/acme/web/items/7>', color: '#c00' }],
      },
    ]))

  it('item_velocity__10_in_5_minutes', () =>
    kit.expectPosts('item_velocity__10_in_5_minutes', [
      {
        references: ['495300143'],
        subject: 'All set.',
        color: '#c00',
        notification: '10 occurrences in 5 minutes: All set.\nhttps://rollbar.com/acme/web/items/3',
        attachments: [{ text: '10 occurrences in 5 minutes: All set.\n<https://rollbar.com/acme/web/items/3>', color: '#c00' }],
      },
    ]))

  it('reactivated_item__error', () =>
    kit.expectPosts('reactivated_item__error', [
      {
        references: ['495300143'],
        subject: 'All set.',
        color: '#c00',
        notification: 'Reactivated: All set.\nhttps://rollbar.com/acme/web/items/3',
        attachments: [{ text: 'Reactivated: All set.\n<https://rollbar.com/acme/web/items/3>', color: '#c00' }],
      },
    ]))

  it('reopened_item__error', () =>
    kit.expectPosts('reopened_item__error', [
      {
        references: ['495300143'],
        subject: 'All set.',
        color: '#c00',
        notification: 'Reopened: All set.\nhttps://rollbar.com/acme/web/items/3',
        attachments: [{ text: 'Reopened: All set.\n<https://rollbar.com/acme/web/items/3>', color: '#c00' }],
      },
    ]))

  it('resolved_item__error', () =>
    kit.expectPosts('resolved_item__error', [
      {
        references: ['495300143'],
        subject: 'All set.',
        color: '#009e61',
        notification: 'Resolved: All set.\nhttps://rollbar.com/acme/web/items/3',
        attachments: [{ text: 'Resolved: All set.\n<https://rollbar.com/acme/web/items/3>', color: '#009e61' }],
      },
    ]))

  it('deploy__basic', () =>
    kit.expectPosts('deploy__basic', [
      {
        references: ['deploys/acme/web/production'],
        subject: 'Deploys: web [production]',
        color: '#0093ce',
        notification: 'brian deployed e4b9b7db860b2e5ac799f8c06b9498b71ab270bb to production\ndeploying webs',
        attachments: [
          {
            text: '*brian* deployed <https://rollbar.com/acme/web/deploys/187585|`e4b9b7db860b2e5ac799f8c06b9498b71ab270bb`> to *production*\ndeploying webs',
            color: '#0093ce',
          },
        ],
      },
    ]))

  it('deploy__without_comment', () =>
    kit.expectPosts('deploy__without_comment', [
      {
        references: ['deploys/acme/web/production'],
        subject: 'Deploys: web [production]',
        color: '#0093ce',
        notification: 'Rollbar user 1 deployed e4b9b7db860b2e5ac799f8c06b9498b71ab270bb to production',
        attachments: [
          {
            text: '*Rollbar user 1* deployed <https://rollbar.com/acme/web/deploys/187585|`e4b9b7db860b2e5ac799f8c06b9498b71ab270bb`> to *production*',
            color: '#0093ce',
          },
        ],
      },
    ]))

  it('test__basic', () => kit.expectSkip('test__basic', 'test only checks that the endpoint answers (Rollbar\'s "Send test notification"); nothing is posted'))

  afterAll(() => kit.assertComplete())
})

describe('rollbar options', () => {
  it('declares account and project as required strings', () => {
    expect(provider.schema.options.map(({ key, type, required }) => ({ key, type, required }))).toEqual([
      { key: 'account', type: 'String', required: true },
      { key: 'project', type: 'String', required: true },
    ])
  })

  it('refuses an endpoint without account or project before building any link', async () => {
    const noAccount = await failure(kit.deliver('new_item__error', { options: { account: '' } }))
    expect(noAccount).toBeInstanceOf(InvalidOptionsError)
    expect(noAccount.message).toMatch(/"account" is required/)
    const noProject = await failure(run({ event_name: 'new_item', data: { item: ITEM } }, { account: 'acme' }))
    expect(noProject).toBeInstanceOf(InvalidOptionsError)
    expect(noProject.message).toMatch(/"project" is required/)
  })

  it('refuses missing options when process is called directly, too', () => {
    expect(() => provider.process({ event_name: 'new_item', data: { item: ITEM } }, new WebhookRequest(), {} as never)).toThrow(InvalidOptionsError)
  })

  it('encodes account and project in links', async () => {
    const outcome = await run({ event_name: 'new_item', data: { item: ITEM } }, { account: 'a b', project: 'x|y' })
    expect(outcome.kind === 'posts' && outcome.posts[0]!.attachments).toEqual([
      { text: 'New item: Boom\n<https://rollbar.com/a%20b/x%7Cy/items/2>', color: '#c00' },
    ])
  })
})

describe('rollbar levels and colors', () => {
  it.each([
    [10, '#bab6b6'],
    [20, '#0093ce'],
    [30, '#ffc258'],
    [40, '#c00'],
    [50, '#c00'],
    ['warning', '#ffc258'],
    ['DEBUG', '#bab6b6'],
    [99, '#c00'],
    [null, '#c00'],
  ])('item.level %j colors the conversation %s', async (level, color) => {
    const outcome = await run({ event_name: 'reopened_item', data: { item: { ...ITEM, level } } })
    expect(outcome.kind === 'posts' && [outcome.posts[0]!.conversation_color, outcome.posts[0]!.attachments![0]!.color]).toEqual([color, color])
  })

  it.each([
    ['critical', 'Critical', '#c00'],
    ['info', 'Info', '#0093ce'],
    ['debug', 'Debug', '#bab6b6'],
  ])('occurrence.level %s reads %s in %s', async (level, label, color) => {
    const outcome = await run({ event_name: 'occurrence', data: { item: ITEM, occurrence: { level } } })
    expect(outcome.kind === 'posts' && outcome.posts[0]!.attachments).toEqual([{ text: `Boom (${label})\n<https://rollbar.com/acme/web/items/2>`, color }])
  })

  it('falls back to the item level when the occurrence has none, and names the user by username or id', async () => {
    const outcome = await run({
      event_name: 'occurrence',
      data: { item: { ...ITEM, level: 30, last_occurrence_id: 9 }, occurrence: { id: 12, person: { id: 7, username: 'grace' } } },
    })
    expect(outcome.kind === 'posts' && outcome.posts[0]!.attachments).toEqual([
      {
        text: 'Boom (Warning)\n<https://rollbar.com/acme/web/items/2> (<https://rollbar.com/acme/web/items/2/occurrences/12|Occurrence>)',
        color: '#ffc258',
        fields: [{ title: 'User', value: 'grace', short: true }],
      },
    ])
  })
})

describe('rollbar hostile and malformed payloads', () => {
  it('shows a hostile title as typed, never as a link or formatting', async () => {
    const title = '<https://evil.example|click> *now*'
    const outcome = await run({ event_name: 'new_item', data: { item: { ...ITEM, title } } })
    expect(outcome.kind === 'posts' && outcome.results).toEqual([
      {
        references: ['1'],
        subject: title,
        color: '#c00',
        notification: 'New item: <https://evil.example|click> *now*\nhttps://rollbar.com/acme/web/items/2',
        attachments: [{ text: 'New item: ‹https://evil.example∣click› ∗now∗\n<https://rollbar.com/acme/web/items/2>', color: '#c00' }],
      },
    ])
  })

  it('escapes hostile deploy comments and usernames', async () => {
    const outcome = await run({
      event_name: 'deploy',
      data: { deploy: { environment: 'prod', revision: 'v1`2', local_username: '<https://evil.example|me>', comment: '*x* <https://evil.example>' } },
    })
    expect(outcome.kind === 'posts' && outcome.posts[0]!.attachments).toEqual([
      { text: '*‹https://evil.example∣me›* deployed `v1ˋ2` to *prod*\n∗x∗ ‹https://evil.example›', color: '#0093ce' },
    ])
  })

  it('links a deploy with the account and project encoded, and leaves a deploy without id unlinked', async () => {
    const linked = await run(
      { event_name: 'deploy', data: { deploy: { id: 9, environment: 'prod', revision: 'v1' } } },
      { account: 'acme corp', project: 'web|api' },
    )
    expect(linked.kind === 'posts' && linked.posts[0]!.attachments).toEqual([
      { text: '*Someone* deployed <https://rollbar.com/acme%20corp/web%7Capi/deploys/9|`v1`> to *prod*', color: '#0093ce' },
    ])
    const unlinked = await run({ event_name: 'deploy', data: { deploy: { environment: 'prod', revision: 'v1' } } })
    expect(unlinked.kind === 'posts' && unlinked.posts[0]!.attachments).toEqual([{ text: '*Someone* deployed `v1` to *prod*', color: '#0093ce' }])
  })

  it.each([
    ['no data', { event_name: 'new_item' }, 'data'],
    ['data.item null', { event_name: 'new_item', data: { item: null } }, 'data.item'],
    ['data.item an array', { event_name: 'resolved_item', data: { item: [] } }, 'data.item'],
    ['a boolean item id', { event_name: 'new_item', data: { item: { ...ITEM, id: true } } }, 'data.item.id'],
    ['a numeric title', { event_name: 'new_item', data: { item: { ...ITEM, title: 42 } } }, 'data.item.title'],
    ['no counter', { event_name: 'reopened_item', data: { item: { id: 1, title: 'x' } } }, 'data.item.counter'],
    ['an object level', { event_name: 'new_item', data: { item: { ...ITEM, level: {} } } }, 'data.item.level'],
    ['a string occurrence count', { event_name: 'exp_repeat_item', data: { item: ITEM, occurrences: 'ten' } }, 'data.occurrences'],
    ['no trigger', { event_name: 'item_velocity', data: { item: ITEM } }, 'data.trigger'],
    ['no occurrence', { event_name: 'occurrence', data: { item: ITEM } }, 'data.occurrence'],
    ['a numeric person email', { event_name: 'occurrence', data: { item: ITEM, occurrence: { person: { email: 1 } } } }, 'data.occurrence.person.email'],
    ['a deploy without environment', { event_name: 'deploy', data: { deploy: { revision: 'abc' } } }, 'data.deploy.environment'],
    ['data.deploy null', { event_name: 'deploy', data: { deploy: null } }, 'data.deploy'],
  ])('rejects %s with InvalidPayloadError naming %s', async (_case, payload, field) => {
    const error = await failure(run(payload))
    expect(error).toBeInstanceOf(InvalidPayloadError)
    expect((error as InvalidPayloadError).field).toBe(field)
    expect((error as InvalidPayloadError).status).toBe(422)
  })

  it('answers an unknown event 200 with the reason, listing the known ones', async () => {
    const outcome = await run({ event_name: 'item_exploded', data: {} })
    expect(outcome.kind).toBe('skipped')
    expect(outcome.kind === 'skipped' && outcome.reason).toMatch(
      /unknown event "item_exploded" for provider rollbar; known events: exp_repeat_item, deploy, .*new_item, test/,
    )
    expect(() => provider.process({ event_name: 'item_exploded' }, new WebhookRequest(), OPTIONS)).toThrow(UnsupportedEventError)
  })

  it.each([
    ['an empty body', {}],
    ['a numeric event_name', { event_name: 5 }],
  ])('answers %s 200 as an event it cannot name', async (_what, payload) => {
    expect(await run(payload)).toMatchObject({
      kind: 'skipped',
      reason: expect.stringMatching(/^unknown event \(none given\) for provider rollbar; known events: exp_repeat_item/),
    })
  })
})

describe('rollbar endpoint protection', () => {
  it('has no signature check, so an endpoint minted with a secret is refused rather than trusted', async () => {
    expect(provider.verify).toBeUndefined()
    const error = await failure(kit.deliver('new_item__error', { secrets: ['s3cret'], sign: false }))
    expect(error).toBeInstanceOf(SignatureError)
  })

  it('reads the event from event_name', () => {
    expect(provider.event({ event_name: 'deploy' }, new WebhookRequest())).toBe('deploy')
    expect(provider.event({}, new WebhookRequest())).toBeUndefined()
  })
})
