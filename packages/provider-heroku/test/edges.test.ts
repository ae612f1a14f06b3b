import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { answerOf, handleWebhook, InvalidPayloadError, SignatureError, WebhookRequest, type Endpoint } from '@missive-integrations/core'
import { processPayload, rejectionOf } from '@missive-integrations/core/testing'
import Heroku, { DEPLOY_HOOK_EVENT, MAX_GIT_LOG, SIGNATURE, SKIP_REASONS } from '../src/index.ts'

const heroku = new Heroku()
const endpoint = (secrets?: string[]) => (): Endpoint => ({ token: 'missive-token', ...(secrets ? { secrets } : {}) })

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')
}

/** The base64 HMAC-SHA256 Heroku puts in Heroku-Webhook-Hmac-SHA256, computed here independently of core. */
function herokuSignature(body: string | Uint8Array, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64')
}

/** A request as Heroku's deploy hook sends it: flat form fields. */
function form(fields: Record<string, string>, headers: Record<string, string> = {}): WebhookRequest {
  return new WebhookRequest({
    url: '/heroku',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  })
}

/** The outcome of a hand-written JSON payload on the server's request path. */
const run = (payload: unknown) => processPayload(heroku, payload)

const posted = async (payload: unknown) => {
  const outcome = await run(payload)
  if (outcome.kind !== 'posts') throw new Error(`expected posts, got ${outcome.kind}: ${outcome.kind === 'skipped' ? outcome.reason : ''}`)
  return outcome.posts
}

const APP = { id: '4335bcdb-5f6f-41f8-a31b-84697ec96475', name: 'sample-project' }
const DASHBOARD = 'https://dashboard.heroku.com/apps/sample-project/activity'

describe('telling the deploy hook from app webhooks', () => {
  it('names app webhooks by the body resource, and anything without one the deploy hook', () => {
    const request = new WebhookRequest()
    expect(heroku.event({ resource: 'release' }, request)).toBe('release')
    expect(heroku.event({ app: 'sample-project', user: 'ada@example.com' }, request)).toBe(DEPLOY_HOOK_EVENT)
    // Without `resource`, the subscription entity names it (`api:build` → build).
    expect(heroku.event({ webhook_metadata: { event: { include: 'api:build' } } }, request)).toBe('build')
    expect(heroku.event({ webhook_metadata: { event: { include: 'dyno' } } }, request)).toBe('dyno')
    expect(heroku.event({ resource: '' }, request)).toBe(DEPLOY_HOOK_EVENT)
  })

  it('reads flat form fields (Heroku posts the deploy hook form-encoded, not as payload=<json>)', async () => {
    const { event, outcome } = await handleWebhook(
      heroku,
      form({ app: 'sample-project', user: 'ada@example.com', release: 'v42', url: 'https://sample-project.herokuapp.com' }),
      endpoint(),
    )
    expect(event).toBe('deploy')
    expect(outcome.kind === 'posts' && outcome.results).toEqual([
      {
        references: ['sample-project'],
        subject: 'sample-project',
        notification: 'ada@example.com deployed version v42 of sample-project',
        attachments: [{ pretext: 'ada@example.com deployed version *v42* of <https://sample-project.herokuapp.com|sample-project>', color: '#430098' }],
      },
    ])
  })

  it('answers an unknown resource 200 with the known events, so Heroku keeps the endpoint', async () => {
    const outcome = await run({ resource: 'ssl-endpoint', action: 'create', data: { app: APP } })
    expect(outcome.kind).toBe('skipped')
    expect(outcome.kind === 'skipped' && outcome.reason).toMatch(
      /unknown event "ssl-endpoint" for provider heroku; known events: deploy, release, build, dyno, formation, addon/,
    )
  })
})

describe('deploy hook: liberal in what it accepts', () => {
  it('needs only the app: no user, version, url or git log', async () => {
    const posts = await posted({ app: 'sample-project' })
    expect(posts[0]).toMatchObject({
      references: ['<heroku/sample-project@missive-integrations>'],
      conversation_subject: 'sample-project',
      notification: { title: 'sample-project', body: 'Someone deployed a new version of sample-project' },
      attachments: [{ pretext: 'Someone deployed a new version of sample-project', color: '#430098' }],
    })
    expect(posts[0]!.attachments![0]).not.toHaveProperty('markdown')
  })

  it('reads nulls as absent, ignores extra fields, falls back from release to head and trims form values', async () => {
    const posts = await posted({
      app: ' sample-project\n',
      user: null,
      url: null,
      release: '',
      head: '3eb5f44',
      git_log: null,
      prev_head: 'x',
      extra: { any: 1 },
    })
    expect(posts[0]!.attachments).toEqual([{ pretext: 'Someone deployed version *3eb5f44* of sample-project', color: '#430098' }])
    expect(posts[0]!.references).toEqual(['<heroku/sample-project@missive-integrations>'])
  })

  it('takes a release sent as a number by a JSON relay', async () => {
    const posts = await posted({ app: 'sample-project', user: 'ada@example.com', release: 42 })
    expect(posts[0]!.attachments![0]!.pretext).toBe('ada@example.com deployed version *42* of sample-project')
  })

  it('links only a safe URL', async () => {
    const posts = await posted({ app: 'sample-project', user: 'ada@example.com', release: 'v1', url: 'javascript:alert(1)' })
    expect(posts[0]!.attachments![0]!.pretext).toBe('ada@example.com deployed version *v1* of sample-project')
  })

  it('cuts a very long git log', async () => {
    const gitLog = Array.from({ length: 400 }, (_, i) => `  * Ada: commit number ${i}`).join('\n')
    const posts = await posted({ app: 'sample-project', git_log: gitLog })
    const markdown = posts[0]!.attachments![0]!.markdown!
    expect(Array.from(markdown)).toHaveLength(MAX_GIT_LOG)
    expect(markdown.endsWith('…')).toBe(true)
  })

  it('shows hostile values as typed: no link or formatting injected', async () => {
    const posts = await posted({ app: 'sample-project', user: '<https://evil.example|admin> *urgent*', release: 'v1*|`' })
    expect(posts[0]!.attachments![0]!.pretext).toBe('‹https://evil.example∣admin› ∗urgent∗ deployed version *v1∗∣ˋ* of sample-project')
    expect(posts[0]!.notification).toEqual({ title: 'sample-project', body: '<https://evil.example|admin> *urgent* deployed version v1*|` of sample-project' })
  })

  it('answers 422 naming app when it is missing or empty (it is the thread)', async () => {
    for (const payload of [{ user: 'ada@example.com', release: 'v1' }, { app: '  ' }, { app: 42 }]) {
      const error = await rejectionOf(run(payload))
      expect(error).toBeInstanceOf(InvalidPayloadError)
      expect(answerOf({ kind: 'rejected', error: error as InvalidPayloadError }).status).toBe(422)
      expect(error.message).toMatch(/\bapp\b/)
    }
  })

  it('answers 400 for an empty form body: there is nothing to read', async () => {
    const { outcome } = await handleWebhook(heroku, form({}), endpoint())
    expect(outcome.kind === 'rejected' && answerOf(outcome).status).toBe(400)
  })
})

const release = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  resource: 'release',
  action: 'update',
  actor: { email: 'actor@example.com' },
  data: { id: 'r-1', app: APP, ...data },
  ...extra,
})

describe('releases: liberal in what they accept', () => {
  it('posts without a version, description or user (the actor stands in), and with nulls and extra fields', async () => {
    const posts = await posted(
      release({ status: 'succeeded', version: null, description: null, user: null, current: null, something_new: [1] }, { webhook_metadata: null }),
    )
    expect(posts[0]!.attachments).toEqual([{ pretext: `actor@example.com released <${DASHBOARD}|sample-project>`, color: '#430098' }])
    expect(posts[0]!.notification!.body).toBe('actor@example.com released sample-project')
  })

  it('names Someone when neither the user nor the actor is known, and threads by name alone without an app id', async () => {
    const posts = await posted({ resource: 'release', data: { app: { name: 'sample-project' }, status: 'failed', version: 7 } })
    expect(posts[0]!.references).toEqual(['<heroku/sample-project@missive-integrations>'])
    expect(posts[0]!.attachments).toEqual([{ pretext: `Release *v7* of <${DASHBOARD}|sample-project> by Someone failed`, color: '#c6474e' }])
  })

  it('threads every release of an app in the deploy hook conversation, and follows the app id through a rename', async () => {
    const [hook] = await posted({ app: 'sample-project' })
    const [webhook] = await posted(release({ status: 'succeeded' }))
    expect(webhook!.references).toEqual([hook!.references![0], '<heroku/app/4335bcdb-5f6f-41f8-a31b-84697ec96475@missive-integrations>'])
    expect(webhook!.conversation_subject).toBe(hook!.conversation_subject)
  })

  it('skips a pending release, and an unknown status with its name', async () => {
    expect(await run(release({ status: 'pending' }))).toEqual({ kind: 'skipped', reason: SKIP_REASONS.releasePending })
    expect(await run(release({ status: 'expired' }))).toEqual({
      kind: 'skipped',
      reason: 'release status "expired" is not posted: only succeeded and failed releases are',
    })
  })

  it('answers 422 naming data.status or data.app.name when missing', async () => {
    const noStatus = await rejectionOf(run(release({})))
    expect(noStatus).toBeInstanceOf(InvalidPayloadError)
    expect(noStatus.message).toMatch(/data\.status/)
    const noApp = await rejectionOf(run({ resource: 'release', data: { status: 'succeeded', app: { id: APP.id } } }))
    expect(noApp).toBeInstanceOf(InvalidPayloadError)
    expect(noApp.message).toMatch(/data\.app\.name/)
    const noData = await rejectionOf(run({ resource: 'release' }))
    expect(noData.message).toMatch(/\bdata\b/)
  })

  it('escapes a hostile description', async () => {
    const posts = await posted(release({ status: 'succeeded', version: 3, description: 'Deploy <https://evil.example|here> *now*' }))
    expect(posts[0]!.attachments![0]!.text).toBe('Deploy ‹https://evil.example∣here› ∗now∗')
  })
})

const build = (data: Record<string, unknown>) => ({ resource: 'build', action: 'update', data: { app: APP, ...data } })

describe('builds: liberal in what they accept', () => {
  it('posts without an id, a source, a user or an actor', async () => {
    const posts = await posted(build({ status: 'succeeded', source_blob: null, slug: null, user: null }))
    expect(posts[0]!.attachments).toEqual([{ pretext: `Someone built for <${DASHBOARD}|sample-project>`, color: '#430098' }])
  })

  it('shows the commit message and a non-sha source version as it is', async () => {
    const posts = await posted(
      build({
        id: 'b-1',
        status: 'failed',
        user: { email: 'ada@example.com' },
        source_blob: { version: 'v1.2.3', version_description: 'Fix *login*\n\nLonger body' },
      }),
    )
    expect(posts[0]!.attachments).toEqual([
      {
        pretext: `<${DASHBOARD}/builds/b-1|Build> of \`v1.2.3\` for <${DASHBOARD}|sample-project> by ada@example.com failed`,
        text: 'Fix ∗login∗',
        color: '#c6474e',
      },
    ])
  })

  it('skips a pending build; answers 422 naming data.status when missing', async () => {
    expect(await run(build({ status: 'pending' }))).toEqual({ kind: 'skipped', reason: SKIP_REASONS.buildPending })
    const error = await rejectionOf(run(build({})))
    expect(error).toBeInstanceOf(InvalidPayloadError)
    expect(error.message).toMatch(/data\.status/)
  })
})

const dyno = (data: Record<string, unknown>) => ({ resource: 'dyno', action: 'destroy', data: { app: APP, ...data } })

describe('dynos: liberal in what they accept', () => {
  it('posts a crash without a name, exit status, command, release or size', async () => {
    const posts = await posted(dyno({ state: 'crashed', name: null, exit_status: null, command: null, release: null }))
    expect(posts[0]!.attachments).toEqual([{ pretext: `A dyno of <${DASHBOARD}|sample-project> crashed`, color: '#c6474e' }])
  })

  it('skips every other state with its name', async () => {
    for (const state of ['up', 'starting', 'stopping', 'down', 'idle']) {
      expect(await run(dyno({ state }))).toEqual({ kind: 'skipped', reason: `dyno state "${state}" is not posted: only crashed dynos are` })
    }
  })

  it('answers 422 naming data.state when missing', async () => {
    const error = await rejectionOf(run(dyno({})))
    expect(error).toBeInstanceOf(InvalidPayloadError)
    expect(error.message).toMatch(/data\.state/)
  })
})

describe('redeliveries', () => {
  it('an app webhook is known by its delivery id, the same on every attempt', () => {
    const body = JSON.parse(fixture('dyno__crashed')) as Record<string, unknown>
    expect(heroku.deliveryId(new WebhookRequest(), body)).toBe('8c1e3a5b-7d9f-4b2a-a6c8-e0f2a4b6c8d0')
  })

  it('a release or a build by its id and outcome, so the create and update of one release post once', () => {
    expect(heroku.deliveryId(new WebhookRequest(), JSON.parse(fixture('build__failed')) as Record<string, unknown>)).toBe(
      'build/b6d5ff62-08db-4044-b96c-b8e9e41f1191/failed',
    )
    expect(heroku.deliveryId(new WebhookRequest(), release({ status: 'failed' }))).toBe('release/r-1/failed')
  })

  it('a deploy hook, which numbers nothing, by its body (the server hashes it)', () => {
    expect(heroku.deliveryId(new WebhookRequest(), { app: 'sample-project' })).toBeUndefined()
  })
})

describe('signature', () => {
  const body = fixture('build__succeeded')
  const signed = (signature: string | undefined, bytes: string | Uint8Array = body) =>
    new WebhookRequest({
      url: '/heroku',
      headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'Heroku-Webhook-Hmac-SHA256': signature }) },
      body: bytes,
    })

  it('accepts the base64 HMAC-SHA256 of the raw body under the endpoint secret', async () => {
    const { outcome } = await handleWebhook(heroku, signed(herokuSignature(body, 'secret')), endpoint(['secret']))
    expect(outcome.kind).toBe('posts')
  })

  it('accepts a rotated secret: any of the endpoint secrets', async () => {
    const { outcome } = await handleWebhook(heroku, signed(herokuSignature(body, 'old')), endpoint(['new', 'old']))
    expect(outcome.kind).toBe('posts')
  })

  it('refuses a wrong, missing or malformed signature with 401, never naming the secret', async () => {
    const secret = 'hk-s3cret-7f9a2c'
    for (const signature of [herokuSignature(body, 'other'), undefined, 'not base64 at all', herokuSignature(body, secret).slice(0, 20)]) {
      const { outcome } = await handleWebhook(heroku, signed(signature), endpoint([secret]))
      expect(outcome.kind === 'rejected' && outcome.error).toBeInstanceOf(SignatureError)
      expect(answerOf(outcome).status).toBe(401)
      expect(JSON.stringify(answerOf(outcome).body)).not.toContain(secret)
    }
  })

  it('refuses a body changed after signing', async () => {
    const { outcome } = await handleWebhook(heroku, signed(herokuSignature(body, 'secret'), body.replace('succeeded', 'failed')), endpoint(['secret']))
    expect(outcome.kind === 'rejected' && outcome.error).toBeInstanceOf(SignatureError)
  })

  it('checks the raw bytes, even when they are not valid UTF-8', async () => {
    const at = body.indexOf('sample-project')
    const raw = Buffer.concat([Buffer.from(body.slice(0, at)), Buffer.from([0xc3, 0x28]), Buffer.from(body.slice(at))])
    const { outcome } = await handleWebhook(heroku, signed(herokuSignature(raw, 'secret'), raw), endpoint(['secret']))
    expect(outcome.kind).toBe('posts')
    // Signing the decoded text instead signs other bytes.
    const decoded = await handleWebhook(heroku, signed(herokuSignature(raw.toString('utf8'), 'secret'), raw), endpoint(['secret']))
    expect(decoded.outcome.kind).toBe('rejected')
  })

  it('refuses an unsigned deploy hook on an endpoint minted with a secret: deploy hooks get their own URL without one', async () => {
    const { outcome } = await handleWebhook(heroku, form({ app: 'sample-project' }), endpoint(['secret']))
    expect(outcome.kind === 'rejected' && outcome.error.message).toMatch(/missing Heroku-Webhook-Hmac-SHA256 header/)
  })

  it('declares its signature header so the server never logs it', () => {
    expect(heroku.signatureHeaders).toEqual([SIGNATURE.header])
    expect(SIGNATURE).toMatchObject({ algorithm: 'sha256', encoding: 'base64' })
  })
})

describe('deprecated, like the hosted integration', () => {
  it('is deprecated (GET /integrations leaves it out) and still describes itself for the playground', () => {
    expect(heroku.deprecated).toBe(true)
    // No options of its own: only the burst-digest options core adds to every provider.
    expect(heroku.toJSON()).toMatchObject({ id: 'heroku', name: 'Heroku' })
    expect(heroku.toJSON().schema.options.map((option) => option.key)).toEqual(['burst_limit', 'burst_window'])
  })
})
