import { createHmac, randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { InvalidOptionsError, InvalidPayloadError, SignatureError, NonceMemory, UnsupportedEventError, WebhookRequest } from '@missive-integrations/core'
import { fixtureKit, processPayload, rejectionOf } from '@missive-integrations/core/testing'
import Canny, { sign, verify } from '../src/index.ts'

const provider = new Canny()

/** Canny's documented signing, written out here rather than taken from the code under test. */
function cannyHeaders(apiKey: string, { nonce = randomUUID(), timestamp = Date.now() }: { nonce?: string; timestamp?: number } = {}) {
  const signature = createHmac('sha256', apiKey).update(nonce).digest('base64')
  return { 'canny-nonce': nonce, 'canny-timestamp': String(timestamp), 'canny-signature': signature }
}

// One test per fixture states what Canny's provider decides (thread, subject, color, text); the
// kit adds the envelope every post shares and compares the exact Missive request.
const kit = fixtureKit(provider, new URL('../fixtures/', import.meta.url), { sign: (_request, secret) => cannyHeaders(secret) })

const run = (payload: unknown, options: Record<string, unknown> = {}) => processPayload(provider, payload, { options })
const failure = rejectionOf

const BOARD_LINK = '<https://acme.canny.io/admin/board/feature-requests|Feature Requests>'
const DARK_MODE = 'https://acme.canny.io/admin/board/feature-requests/p/dark-mode'
const DARK_MODE_LINK = `<${DARK_MODE}|Feature Requests: Dark mode>`
const DARK_MODE_REF = '65e59b4d1f2c3a0012ab3c01/66f1c2a09b8e7d0012f4e501'

const createdPost = {
  references: [DARK_MODE_REF],
  subject: 'Dark mode',
  color: '#999',
  notification: 'Sally Doe created a new post in Feature Requests',
  attachments: [
    {
      pretext: `Sally Doe created a new post in ${BOARD_LINK}`,
      title: 'Dark mode',
      title_link: DARK_MODE,
      text: 'Our support team works nights. A dark theme would make the inbox easier on the eyes.',
      color: '#999',
      image_url: 'https://canny-assets.io/images/3f1d0c9e8a7b6c5d4e3f2a1b0c9d8e7f.png',
    },
  ],
}

describe('canny fixtures', () => {
  it('post.created__with_image', () => kit.expectPosts('post.created__with_image', [createdPost]))

  it('post.created__deleted_author', () =>
    kit.expectPosts('post.created__deleted_author', [
      {
        references: ['65e59b4d1f2c3a0012ab3c01/66f1c2a09b8e7d0012f4e502'],
        subject: 'Export conversations to CSV',
        color: '#999',
        notification: 'Someone created a new post in Feature Requests',
        attachments: [
          {
            pretext: `Someone created a new post in ${BOARD_LINK}`,
            title: 'Export conversations to CSV',
            title_link: 'https://acme.canny.io/admin/board/feature-requests/p/export-conversations-to-csv',
            color: '#999',
          },
        ],
      },
    ]))

  it('post.edited__title_and_details', () =>
    kit.expectPosts('post.edited__title_and_details', [
      {
        references: [DARK_MODE_REF],
        subject: 'Dark mode for the inbox',
        update_existing_conversation_subject: true,
        color: '#999',
        notification: 'A post in Feature Requests was edited',
        attachments: [
          {
            pretext: `A post in ${BOARD_LINK} was edited`,
            title: 'Dark mode for the inbox',
            title_link: DARK_MODE,
            text: 'A dark theme for the inbox and the composer, following the system setting.',
            color: '#999',
            image_url: 'https://canny-assets.io/images/3f1d0c9e8a7b6c5d4e3f2a1b0c9d8e7f.png',
          },
        ],
      },
    ]))

  it('post.deleted__closed', () =>
    kit.expectPosts('post.deleted__closed', [
      {
        references: [DARK_MODE_REF],
        subject: 'Dark mode',
        color: '#ed2b2b',
        notification: 'Dark mode was deleted from Feature Requests',
        attachments: [{ text: `*Dark mode* was deleted from ${BOARD_LINK}`, color: '#ed2b2b' }],
      },
    ]))

  it('post.status_changed__in_progress_with_comment', () =>
    kit.expectPosts('post.status_changed__in_progress_with_comment', [
      {
        references: [DARK_MODE_REF],
        subject: 'Dark mode',
        color: '#c17aff',
        notification: 'Feature Requests: Dark mode has been marked as in progress\nWe started on this: a beta ships next month.',
        attachments: [
          {
            text: `${DARK_MODE_LINK} has been marked as *in progress*\nWe started on this: a beta ships next month.`,
            color: '#c17aff',
            image_url: 'https://canny-assets.io/images/9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d.png',
          },
        ],
      },
    ]))

  it('post.status_changed__under_review', () =>
    kit.expectPosts('post.status_changed__under_review', [
      {
        references: [DARK_MODE_REF],
        subject: 'Dark mode',
        color: '#85b5b5',
        notification: 'Feature Requests: Dark mode has been marked as under review',
        attachments: [{ text: `${DARK_MODE_LINK} has been marked as *under review*`, color: '#85b5b5' }],
      },
    ]))

  it('post.status_changed__complete_by_admin', () =>
    kit.expectPosts('post.status_changed__complete_by_admin', [
      {
        references: [DARK_MODE_REF],
        subject: 'Dark mode',
        color: '#6dd345',
        notification: 'Jon Admin changed the status of Feature Requests: Dark mode to complete',
        attachments: [{ text: `*Jon Admin* changed the status of ${DARK_MODE_LINK} to *complete*`, color: '#6dd345' }],
      },
    ]))

  it('post.jira_issue_linked__one_issue', () =>
    kit.expectPosts('post.jira_issue_linked__one_issue', [
      {
        references: [DARK_MODE_REF],
        subject: 'Dark mode',
        color: '#1fa0ff',
        notification: 'Feature Requests: Dark mode is linked to Jira: APP-427',
        attachments: [{ text: `${DARK_MODE_LINK} is linked to Jira: <https://acme.atlassian.net/browse/APP-427|APP-427>`, color: '#1fa0ff' }],
      },
    ]))

  it('post.jira_issue_linked__with_issue', () =>
    kit.expectPosts('post.jira_issue_linked__with_issue', [
      {
        references: [DARK_MODE_REF],
        subject: 'Dark mode',
        color: '#1fa0ff',
        notification: 'Feature Requests: Dark mode was linked to Jira issue APP-427\nDark mode for the inbox and the composer',
        attachments: [
          {
            text: `${DARK_MODE_LINK} was linked to Jira issue <https://acme.atlassian.net/browse/APP-427|APP-427>\nDark mode for the inbox and the composer`,
            color: '#1fa0ff',
          },
        ],
      },
    ]))

  it('post.jira_issue_unlinked__with_issue', () =>
    kit.expectPosts('post.jira_issue_unlinked__with_issue', [
      {
        references: [DARK_MODE_REF],
        subject: 'Dark mode',
        color: '#1fa0ff',
        notification: 'Feature Requests: Dark mode was unlinked from Jira issue APP-427\nDark mode for the inbox and the composer',
        attachments: [
          {
            text: `${DARK_MODE_LINK} was unlinked from Jira issue <https://acme.atlassian.net/browse/APP-427|APP-427>\nDark mode for the inbox and the composer`,
            color: '#1fa0ff',
          },
        ],
      },
    ]))

  it('comment.created__with_image', () =>
    kit.expectPosts('comment.created__with_image', [
      {
        references: [DARK_MODE_REF],
        subject: 'Dark mode',
        color: '#999',
        notification: 'Jon Admin posted a new comment in Feature Requests: Dark mode',
        attachments: [
          {
            pretext: `Jon Admin posted a new comment in ${DARK_MODE_LINK}`,
            text: 'Thanks Sally! Is this the contrast you have in mind?',
            color: '#999',
            image_url: 'https://canny-assets.io/images/0f1e2d3c4b5a69788796a5b4c3d2e1f0.png',
          },
        ],
      },
    ]))

  it('comment.created__internal_reply', () =>
    kit.expectPosts('comment.created__internal_reply', [
      {
        references: [DARK_MODE_REF],
        subject: 'Dark mode',
        color: '#999',
        notification: 'Jon Admin posted an internal comment in Feature Requests: Dark mode',
        attachments: [
          {
            pretext: `Jon Admin posted an internal comment in ${DARK_MODE_LINK}`,
            text: 'Customer is on the Business plan; worth prioritising.',
            color: '#999',
          },
        ],
      },
    ]))

  it('vote.created__tenth_vote', () =>
    kit.expectPosts('vote.created__tenth_vote', [
      {
        references: [DARK_MODE_REF],
        subject: 'Dark mode',
        color: '#1fa0ff',
        notification: 'Feature Requests: Dark mode hit 10 votes',
        attachments: [{ text: `${DARK_MODE_LINK} hit *10 votes*`, color: '#535df0' }],
      },
    ]))

  it('vote.created__between_milestones', () =>
    kit.expectSkip('vote.created__between_milestones', 'vote.created: only every 5th vote is posted (voteStep option); this post now has 11'))

  it('post.tag_added__basic', () => kit.expectSkip('post.tag_added__basic', 'post.tag_added is triage bookkeeping; tags are not posted'))
  it('post.tag_removed__basic', () => kit.expectSkip('post.tag_removed__basic', 'post.tag_removed is triage bookkeeping; tags are not posted'))
  it('post.jira_issue_unlinked__basic', () =>
    kit.expectPosts('post.jira_issue_unlinked__basic', [
      {
        references: [DARK_MODE_REF],
        subject: 'Dark mode',
        color: '#1fa0ff',
        notification: 'Feature Requests: Dark mode was unlinked from a Jira issue',
        attachments: [{ text: `${DARK_MODE_LINK} was unlinked from a Jira issue`, color: '#1fa0ff' }],
      },
    ]))
  it('comment.edited__basic', () =>
    kit.expectSkip('comment.edited__basic', 'comment.edited is not posted: the comment is already in the conversation as first written'))
  it('comment.deleted__basic', () => kit.expectSkip('comment.deleted__basic', 'comment.deleted is not posted: a post in Missive cannot be taken back'))
  it('vote.deleted__basic', () => kit.expectSkip('vote.deleted__basic', 'vote.deleted is not posted: only vote milestones (every voteStep-th vote) are'))

  afterAll(() => kit.assertComplete())
})

describe('canny voteStep option', () => {
  it('declares voteStep, a Number defaulting to 5', () => {
    expect(provider.schema.options).toEqual([expect.objectContaining({ key: 'voteStep', type: 'Number', default: 5 })])
  })

  it('posts every vote with voteStep 1 (given as a string, as a URL option would be)', () =>
    kit.expectPosts(
      'vote.created__between_milestones',
      [
        {
          references: [DARK_MODE_REF],
          subject: 'Dark mode',
          color: '#1fa0ff',
          notification: 'Feature Requests: Dark mode hit 11 votes',
          attachments: [{ text: `${DARK_MODE_LINK} hit *11 votes*`, color: '#535df0' }],
        },
      ],
      { options: { voteStep: '1' } },
    ))

  it('skips the 10th vote with voteStep 3', () =>
    kit.expectSkip('vote.created__tenth_vote', 'vote.created: only every 3rd vote is posted (voteStep option); this post now has 10', {
      options: { voteStep: 3 },
    }))

  it.each([[0], [-5], [2.5]])('refuses voteStep %j', async (voteStep) => {
    const error = await failure(kit.deliver('vote.created__tenth_vote', { options: { voteStep } }))
    expect(error).toBeInstanceOf(InvalidOptionsError)
    expect(error.message).toMatch(/"voteStep" must be a whole number of 1 or more/)
  })

  it('refuses a voteStep that is not a number', async () => {
    expect(await failure(kit.deliver('vote.created__tenth_vote', { options: { voteStep: 'often' } }))).toBeInstanceOf(InvalidOptionsError)
  })
})

describe('canny signature', () => {
  const KEY = 'canny-api-key'

  it('signs the nonce as base64(HMAC-SHA256(key, nonce)), a known vector', () => {
    expect(sign('0b6f1a52-5a4f-4c1e-9a0e-3b1f2d8c7e64', 'YOUR_API_KEY')).toBe('S2mzO7tjfNJGtLJw8Wjihcc3vvpng4sz0rZyl61mYOc=')
  })

  it('accepts a valid signature', () => kit.expectPosts('post.created__with_image', [createdPost], { secrets: [KEY] }))

  it('accepts the previous key while rotating', () =>
    kit.expectPosts('post.created__with_image', [createdPost], { secrets: ['new-key', KEY], headers: cannyHeaders(KEY) }))

  it('accepts a timestamp sent in seconds', () =>
    kit.expectPosts('post.created__with_image', [createdPost], { secrets: [KEY], headers: cannyHeaders(KEY, { timestamp: Math.floor(Date.now() / 1000) }) }))

  it('rejects a signature made with another key', async () => {
    const error = await failure(kit.deliver('post.created__with_image', { secrets: [KEY], headers: cannyHeaders('another-key') }))
    expect(error).toBeInstanceOf(SignatureError)
    expect(error.message).toBe("canny-signature does not match the endpoint's Canny API key")
  })

  it('rejects a signature of another nonce, and a truncated one', async () => {
    const headers = cannyHeaders(KEY)
    for (const tampered of [
      { ...headers, 'canny-nonce': 'another-nonce' },
      { ...headers, 'canny-signature': headers['canny-signature'].slice(0, -2) },
    ]) {
      expect(await failure(kit.deliver('post.created__with_image', { secrets: [KEY], headers: tampered }))).toBeInstanceOf(SignatureError)
    }
  })

  it('rejects a request without the signature headers', async () => {
    const error = await failure(kit.deliver('post.created__with_image', { secrets: [KEY], sign: false }))
    expect(error).toBeInstanceOf(SignatureError)
    expect(error.message).toMatch(/^missing canny-signature, canny-nonce, canny-timestamp header/)
    const { 'canny-timestamp': _dropped, ...withoutTimestamp } = cannyHeaders(KEY)
    const partial = await failure(kit.deliver('post.created__with_image', { secrets: [KEY], sign: false, headers: withoutTimestamp }))
    expect(partial.message).toMatch(/^missing canny-timestamp header/)
  })

  it('rejects a stale timestamp (a replay)', async () => {
    const error = await failure(kit.deliver('post.created__with_image', { secrets: [KEY], headers: cannyHeaders(KEY, { timestamp: Date.now() - 6 * 60_000 }) }))
    expect(error).toBeInstanceOf(SignatureError)
    expect(error.message).toMatch(/^canny-timestamp is 36\d s old, more than 5 minutes from now/)
  })

  it('rejects a timestamp in the future', async () => {
    const error = await failure(kit.deliver('post.created__with_image', { secrets: [KEY], headers: cannyHeaders(KEY, { timestamp: Date.now() + 6 * 60_000 }) }))
    expect(error).toBeInstanceOf(SignatureError)
    expect(error.message).toMatch(/^canny-timestamp is 36\d s in the future/)
  })

  it('rejects a timestamp that is not a number', async () => {
    const headers = { ...cannyHeaders(KEY), 'canny-timestamp': 'yesterday' }
    expect(await failure(kit.deliver('post.created__with_image', { secrets: [KEY], headers }))).toBeInstanceOf(SignatureError)
  })

  it('allows exactly 5 minutes of clock skew either way, and not a millisecond more', () => {
    const now = 1_727_000_000_000
    const request = (timestamp: number) => new WebhookRequest({ headers: cannyHeaders(KEY, { nonce: 'n', timestamp }) })
    expect(() => verify(request(now - 300_000), [KEY], now)).not.toThrow()
    expect(() => verify(request(now + 300_000), [KEY], now)).not.toThrow()
    expect(() => verify(request(now - 300_001), [KEY], now)).toThrow(SignatureError)
    expect(() => verify(request(now + 300_001), [KEY], now)).toThrow(SignatureError)
  })

  it('refuses a captured nonce and signature sent again, with another body and a fresh timestamp', async () => {
    const canny = new Canny()
    const now = 1_727_000_000_000
    const captured = cannyHeaders(KEY, { nonce: 'captured', timestamp: now })
    expect(() => verify(new WebhookRequest({ headers: captured, body: '{"a":1}' }), [KEY], now)).not.toThrow()
    const replay = new WebhookRequest({ headers: { ...captured, 'canny-timestamp': String(now + 60_000) }, body: '{"forged":true}' })
    // Without a memory of nonces (the bare function), a replay passes: that is what the provider adds.
    expect(() => verify(replay, [KEY], now + 60_000)).not.toThrow()
    const memory = new NonceMemory(10 * 60_000)
    verify(new WebhookRequest({ headers: captured }), [KEY], now, memory)
    expect(() => verify(replay, [KEY], now + 60_000, memory)).toThrow(
      'canny-nonce was already used: Canny sends a new nonce with every request, so this one is replayed',
    )
    // The provider remembers the nonces it accepted.
    const headers = cannyHeaders(KEY)
    expect(() => canny.verify(new WebhookRequest({ headers }), [KEY])).not.toThrow()
    expect(() => canny.verify(new WebhookRequest({ headers: { ...headers, 'canny-timestamp': String(Date.now()) } }), [KEY])).toThrow(SignatureError)
    // A nonce whose signature does not verify is not remembered, so a forger cannot burn real ones.
    const forged = { ...cannyHeaders(KEY), 'canny-signature': sign('other', KEY) }
    expect(() => canny.verify(new WebhookRequest({ headers: forged }), [KEY])).toThrow('canny-signature does not match')
    expect(() => canny.verify(new WebhookRequest({ headers: { ...forged, 'canny-signature': sign(forged['canny-nonce'], KEY) } }), [KEY])).not.toThrow()
  })

  it('uses the nonce as the delivery id, so the shared dedupe catches a reuse on another instance', () => {
    const headers = cannyHeaders(KEY, { nonce: 'n-1' })
    expect(provider.deliveryHeader).toBe('canny-nonce')
    expect(provider.deliveryId(new WebhookRequest({ headers }), {})).toBe('n-1')
    expect(provider.signatureHeaders).toEqual(['canny-signature'])
  })
})

const BOARD = { id: 'b1', name: 'Ideas', url: 'https://acme.canny.io/admin/board/ideas' }
const POST = { id: 'p1', board: BOARD, title: 'Boom', url: 'https://acme.canny.io/admin/board/ideas/p/boom', status: 'open', score: 5 }

describe('canny liberal reading', () => {
  it('posts a minimal post: no author, no details, null images, no board name or url, a custom status, unknown fields', async () => {
    const outcome = await run({
      type: 'post.created',
      object: { id: 'p2', board: { id: 'b1' }, title: 'Minimal', status: 'needs info', imageURLs: null, futureField: { anything: [1] } },
      somethingNew: true,
    })
    expect(outcome.kind === 'posts' && outcome.results).toEqual([
      {
        references: ['b1/p2'],
        subject: 'Minimal',
        notification: 'Someone created a new post in a board',
        attachments: [{ pretext: 'Someone created a new post in a board', title: 'Minimal' }],
      },
    ])
  })

  it('ignores image entries that are not URLs and takes the first usable one', async () => {
    const outcome = await run({ type: 'post.created', object: { ...POST, imageURLs: [null, 7, 'javascript:alert(1)', 'https://img.example/a.png'] } })
    expect(outcome.kind === 'posts' && outcome.results[0]!.attachments![0]!.image_url).toBe('https://img.example/a.png')
  })

  it("finds the board on the comment's post when the comment has none", async () => {
    const outcome = await run({ type: 'comment.created', object: { id: 'c1', author: { name: 'Ann' }, value: 'Hi', post: POST } })
    expect(outcome.kind === 'posts' && outcome.results[0]!.references).toEqual(['b1/p1'])
  })

  it('says "a Jira issue" when the linked issues are not listed', async () => {
    const outcome = await run({ type: 'post.jira_issue_linked', object: POST })
    expect(outcome.kind === 'posts' && outcome.results[0]!.attachments).toEqual([
      { text: '<https://acme.canny.io/admin/board/ideas/p/boom|Ideas: Boom> was linked to a Jira issue', color: '#999' },
    ])
  })

  it("reads the Jira issue next to the post's own fields, and an issue without key or summary", async () => {
    const outcome = await run({ type: 'post.jira_issue_linked', object: { ...POST, issue: { key: 'APP-1', url: 'https://acme.atlassian.net/browse/APP-1' } } })
    expect(outcome.kind === 'posts' && outcome.results).toEqual([
      {
        references: ['b1/p1'],
        subject: 'Boom',
        color: '#999',
        notification: 'Ideas: Boom was linked to Jira issue APP-1',
        attachments: [
          {
            text: '<https://acme.canny.io/admin/board/ideas/p/boom|Ideas: Boom> was linked to Jira issue <https://acme.atlassian.net/browse/APP-1|APP-1>',
            color: '#999',
          },
        ],
      },
    ])
    const keyless = await run({ type: 'post.jira_issue_unlinked', object: { post: POST, issue: { url: 'https://acme.atlassian.net/browse/APP-1' } } })
    expect(keyless.kind === 'posts' && keyless.results[0]!.attachments).toEqual([
      {
        text: '<https://acme.canny.io/admin/board/ideas/p/boom|Ideas: Boom> was unlinked from <https://acme.atlassian.net/browse/APP-1|a Jira issue>',
        color: '#999',
      },
    ])
  })

  it.each([
    ['no changer', {}],
    ['a null changer', { changer: null }],
    ['a changer without a name', { changer: { id: 'u1', name: '' } }],
  ])('says the post "has been marked" when the status change has %s', async (_case, extra) => {
    const outcome = await run({ type: 'post.status_changed', object: { ...POST, status: 'planned', ...extra } })
    expect(outcome.kind === 'posts' && outcome.results[0]!.notification).toBe('Ideas: Boom has been marked as planned')
  })

  it.each([
    ['open', '#999'],
    ['under review', '#85b5b5'],
    ['planned', '#1fa0ff'],
    ['in progress', '#c17aff'],
    ['complete', '#6dd345'],
    ['closed', '#ed2b2b'],
    ['Under Review', '#85b5b5'],
  ])('colors a post "%s" %s', async (status, color) => {
    const outcome = await run({ type: 'post.status_changed', object: { ...POST, status } })
    expect(outcome.kind === 'posts' && [outcome.results[0]!.color, outcome.results[0]!.attachments![0]!.color]).toEqual([color, color])
  })
})

describe('canny hostile and malformed payloads', () => {
  it('shows hostile titles, details and comments as typed, never as links or formatting', async () => {
    const hostile = '<https://evil.example|click> *now*'
    const outcome = await run({
      type: 'post.created',
      object: { ...POST, title: hostile, details: hostile, author: { name: hostile }, board: { ...BOARD, name: hostile } },
    })
    expect(outcome.kind === 'posts' && outcome.results).toEqual([
      {
        references: ['b1/p1'],
        subject: hostile,
        color: '#999',
        notification: `${hostile} created a new post in ${hostile}`,
        attachments: [
          {
            pretext: '‹https://evil.example∣click› ∗now∗ created a new post in <https://acme.canny.io/admin/board/ideas|‹https://evil.example∣click› ∗now∗>',
            title: '‹https://evil.example∣click› ∗now∗',
            title_link: 'https://acme.canny.io/admin/board/ideas/p/boom',
            text: '‹https://evil.example∣click› ∗now∗',
            color: '#999',
          },
        ],
      },
    ])
    const jira = await run({ type: 'post.jira_issue_linked', object: { post: POST, issue: { key: hostile, url: 'javascript:alert(1)', summary: hostile } } })
    expect(jira.kind === 'posts' && jira.results[0]!.attachments).toEqual([
      {
        text: '<https://acme.canny.io/admin/board/ideas/p/boom|Ideas: Boom> was linked to Jira issue ‹https://evil.example∣click› ∗now∗\n‹https://evil.example∣click› ∗now∗',
        color: '#999',
      },
    ])
    const changed = await run({ type: 'post.status_changed', object: { ...POST, changer: { name: hostile } } })
    expect(changed.kind === 'posts' && changed.results[0]!.attachments![0]!.text).toBe(
      '*‹https://evil.example∣click› ∗now∗* changed the status of <https://acme.canny.io/admin/board/ideas/p/boom|Ideas: Boom> to *open*',
    )
    const comment = await run({ type: 'comment.created', object: { board: BOARD, post: { ...POST, title: hostile }, value: hostile } })
    expect(comment.kind === 'posts' && comment.results[0]!.attachments).toEqual([
      {
        pretext: 'Someone posted a new comment in <https://acme.canny.io/admin/board/ideas/p/boom|Ideas: ‹https://evil.example∣click› ∗now∗>',
        text: '‹https://evil.example∣click› ∗now∗',
        color: '#999',
      },
    ])
  })

  it('does not link a post whose url is not http(s)', async () => {
    const outcome = await run({ type: 'vote.created', object: { board: BOARD, post: { ...POST, url: 'javascript:alert(1)' } } })
    expect(outcome.kind === 'posts' && outcome.results[0]!.attachments).toEqual([{ text: 'Ideas: Boom hit *5 votes*', color: '#535df0' }])
  })

  it.each([
    ['an empty body', {}],
    ['a numeric type', { type: 3 }],
  ])('answers %s 200 as an event it cannot name', async (_case, payload) => {
    expect(await run(payload)).toMatchObject({ kind: 'skipped', reason: expect.stringMatching(/^unknown event \(none given\) for provider canny/) })
  })

  it.each([
    ['no object', { type: 'post.created' }, 'object'],
    ['a null object', { type: 'post.created', object: null }, 'object'],
    ['a post without board', { type: 'post.created', object: { ...POST, board: null } }, 'object.board'],
    ['a boolean board id', { type: 'post.created', object: { ...POST, board: { ...BOARD, id: true } } }, 'object.board.id'],
    ['a numeric title', { type: 'post.edited', object: { ...POST, title: 42 } }, 'object.title'],
    ['a string author', { type: 'post.created', object: { ...POST, author: 'Sally' } }, 'object.author'],
    ['a string imageURLs', { type: 'post.created', object: { ...POST, imageURLs: 'https://img.example/a.png' } }, 'object.imageURLs'],
    ['a status change without status', { type: 'post.status_changed', object: { ...POST, status: undefined } }, 'object.status'],
    ['a numeric change comment', { type: 'post.status_changed', object: { ...POST, changeComment: { value: 5 } } }, 'object.changeComment.value'],
    ['a non-object Jira issue', { type: 'post.jira_issue_linked', object: { ...POST, jira: { linkedIssues: [5] } } }, 'object.jira.linkedIssues[0]'],
    ['a numeric Jira issue key', { type: 'post.jira_issue_linked', object: { post: POST, issue: { key: 427 } } }, 'object.issue.key'],
    [
      'a Jira issue next to a post without board',
      { type: 'post.jira_issue_unlinked', object: { post: { ...POST, board: undefined }, issue: { key: 'A-1' } } },
      'object.post.board',
    ],
    ['a string changer', { type: 'post.status_changed', object: { ...POST, changer: 'Ada' } }, 'object.changer'],
    ['a comment without post', { type: 'comment.created', object: { board: BOARD, value: 'Hi' } }, 'object.post'],
    ['a vote with a string score', { type: 'vote.created', object: { board: BOARD, post: { ...POST, score: 'ten' } } }, 'object.post.score'],
    ['a vote whose post has no id', { type: 'vote.created', object: { board: BOARD, post: { ...POST, id: '' } } }, 'object.post.id'],
  ])('rejects %s with InvalidPayloadError naming %s', async (_case, payload, field) => {
    const error = await failure(run(payload))
    expect(error).toBeInstanceOf(InvalidPayloadError)
    expect((error as InvalidPayloadError).field).toBe(field)
  })

  it('answers an unknown event 200 with the reason, listing the known ones', async () => {
    const outcome = await run({ type: 'post.merged', object: POST })
    expect(outcome.kind).toBe('skipped')
    expect(outcome.kind === 'skipped' && outcome.reason).toMatch(/unknown event "post.merged" for provider canny; known events: post.created, .*vote.deleted/)
    expect(() => provider.process({ type: 'post.merged', object: POST }, new WebhookRequest(), {})).toThrow(UnsupportedEventError)
  })

  it('reads the event from type', () => {
    expect(provider.event({ type: 'vote.created' }, new WebhookRequest())).toBe('vote.created')
    expect(provider.event({}, new WebhookRequest())).toBeUndefined()
  })
})
