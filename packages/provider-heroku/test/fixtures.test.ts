import { afterAll, describe, expect, it } from 'vitest'
import { fixtureKit, hmacSigner, type ExpectedPost } from '@missive-integrations/core/testing'
import Heroku, { SIGNATURE, SKIPPED_EVENTS, SKIP_REASONS } from '../src/index.ts'

// One test per fixture: what the Heroku provider decides for each delivery (thread, subject,
// notification, attachment), written out in full. The kit adds the envelope every post shares
// (username, icons, notification title) and compares the exact Missive request.
const kit = fixtureKit(new Heroku(), new URL('../fixtures/', import.meta.url), { sign: hmacSigner(SIGNATURE) })

const DASHBOARD = 'https://dashboard.heroku.com/apps/sample-project/activity'
const SAMPLE_PROJECT = ['sample-project', 'app/4335bcdb-5f6f-41f8-a31b-84697ec96475']

/** The hosted integration's post for zulip's deploy hook capture: reference and subject = app, Markdown git log, #430098. */
const DEPLOY: ExpectedPost = {
  references: ['sample-project'],
  subject: 'sample-project',
  notification: 'user@example.com deployed version v9 of sample-project',
  attachments: [
    {
      pretext: 'user@example.com deployed version *v9* of <http://sample-project.herokuapp.com|sample-project>',
      markdown: '  * Example User: Test commit for Deploy Hook 2',
      color: '#430098',
    },
  ],
}

const RELEASE_V3: ExpectedPost = {
  references: SAMPLE_PROJECT,
  subject: 'sample-project',
  notification: 'user@example.com released v3 of sample-project: Deploy 1a5f89db',
  attachments: [{ pretext: `user@example.com released *v3* of <${DASHBOARD}|sample-project>`, text: 'Deploy 1a5f89db', color: '#430098' }],
}

describe('heroku deploy hook (legacy), as the hosted integration posts it', () => {
  it('deploy__form', () => kit.expectPosts('deploy__form', [DEPLOY]))

  it('deploy__multiple_commits', () =>
    kit.expectPosts('deploy__multiple_commits', [
      {
        ...DEPLOY,
        attachments: [
          {
            ...DEPLOY.attachments![0]!,
            markdown: '  * Example User: Test commit for Deploy Hook\n  * Example User: Second test commit for Deploy Hook 2',
          },
        ],
      },
    ]))

  it('deploy__json', () => kit.expectPosts('deploy__json', [DEPLOY]))
})

describe('heroku app webhooks', () => {
  it('release__created_succeeded', () => kit.expectPosts('release__created_succeeded', [RELEASE_V3]))

  it('release__updated_succeeded', () => kit.expectPosts('release__updated_succeeded', [RELEASE_V3]))

  it('a release reported twice (create, then update) is one post: the second delivery is its duplicate', async () => {
    const created = await kit.deliver('release__created_succeeded')
    const updated = await kit.deliver('release__updated_succeeded')
    const key = (delivery: typeof created) => (delivery.outcome.kind === 'posts' ? delivery.outcome.delivery.dedupeKey : undefined)
    expect(key(created)).toMatch(/^heroku:[0-9a-f]{16}:release\/6be9012f-1c42-4f2d-bb99-af152aad07d8\/succeeded$/)
    expect(key(updated)).toBe(key(created))
  })

  it('release__failed', () =>
    kit.expectPosts('release__failed', [
      {
        references: SAMPLE_PROJECT,
        subject: 'sample-project',
        notification: 'Release v3 of sample-project by user@example.com failed: Deploy 1a5f89db',
        attachments: [{ pretext: `Release *v3* of <${DASHBOARD}|sample-project> by user@example.com failed`, text: 'Deploy 1a5f89db', color: '#c6474e' }],
      },
    ]))

  it('release__pending', () => kit.expectSkip('release__pending', SKIP_REASONS.releasePending))

  it('release__no_longer_current', () => kit.expectSkip('release__no_longer_current', SKIP_REASONS.releaseNotCurrent))

  it('build__succeeded', () =>
    kit.expectPosts('build__succeeded', [
      {
        references: SAMPLE_PROJECT,
        subject: 'sample-project',
        notification: 'user@example.com built 1a5f89d for sample-project',
        attachments: [
          {
            pretext: `user@example.com <${DASHBOARD}/builds/b6d5ff62-08db-4044-b96c-b8e9e41f1191|built> \`1a5f89d\` for <${DASHBOARD}|sample-project>`,
            color: '#430098',
          },
        ],
      },
    ]))

  it('build__failed', () =>
    kit.expectPosts('build__failed', [
      {
        references: SAMPLE_PROJECT,
        subject: 'sample-project',
        notification: 'Build of 1a5f89d for sample-project by user@example.com failed',
        attachments: [
          {
            pretext: `<${DASHBOARD}/builds/b6d5ff62-08db-4044-b96c-b8e9e41f1191|Build> of \`1a5f89d\` for <${DASHBOARD}|sample-project> by user@example.com failed`,
            color: '#c6474e',
          },
        ],
      },
    ]))

  it('build__pending', () => kit.expectSkip('build__pending', SKIP_REASONS.buildPending))

  it('dyno__crashed', () =>
    kit.expectPosts('dyno__crashed', [
      {
        references: ['secret-dawn-52107', 'app/8e8f7f7e-bc0d-41db-a3c1-4d8a49719e47'],
        subject: 'secret-dawn-52107',
        notification: 'Dyno web.1 of secret-dawn-52107 crashed with exit status 1',
        attachments: [
          {
            pretext: 'Dyno `web.1` of <https://dashboard.heroku.com/apps/secret-dawn-52107/activity|secret-dawn-52107> crashed with exit status 1',
            fields: [
              { title: 'Command', value: 'npm start', short: false },
              { title: 'Release', value: 'v5', short: true },
              { title: 'Size', value: 'Eco', short: true },
            ],
            color: '#c6474e',
          },
        ],
      },
    ]))

  it('dyno__starting', () => kit.expectSkip('dyno__starting', 'dyno state "starting" is not posted: only crashed dynos are'))

  // An `api:dyno` delivery (a dyno created through the API) carries `resource: "dyno"` as well.
  it('dyno__api_dyno_up', () => kit.expectSkip('dyno__api_dyno_up', 'dyno state "up" is not posted: only crashed dynos are'))
})

describe('heroku app webhooks that are not posted', () => {
  it.each([
    ['formation__update', 'formation'],
    ['addon__create', 'addon'],
    ['addon-attachment__create', 'addon-attachment'],
    ['app__update', 'app'],
    ['domain__create', 'domain'],
    ['collaborator__create', 'collaborator'],
    ['sni-endpoint__create', 'sni-endpoint'],
  ])('%s', async (name, resource) => {
    await kit.expectSkip(name, SKIPPED_EVENTS[resource]!)
  })

  afterAll(() => kit.assertComplete())
})

describe('heroku fixtures, signed', () => {
  it('an app webhook signed with the endpoint secret posts as unsigned', () =>
    kit.expectPosts('release__created_succeeded', [RELEASE_V3], { secrets: ['heroku-webhook-secret'] }))
})
