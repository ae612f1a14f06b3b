import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixtureNames, InvalidPayloadError, validateOutput, WebhookRequest, type IntegrationResult } from '@missive-integrations/core'
import { oneFieldChanges, processPayload } from '@missive-integrations/core/testing'
import GitLab, { MAX_BODY, SKIP_RULES } from '../src/index.ts'

const gitlab = new GitLab()

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as Json
}

/** Deliver a payload as GitLab would for `event` (`push_hook` is sent as `Push Hook`). */
function send(event: string | undefined, payload: unknown, options: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const sent: Record<string, string> = event === undefined ? {} : { 'x-gitlab-event': gitlab.sentEventName(event) }
  return processPayload(gitlab, payload, { headers: { ...sent, ...headers }, options })
}

/** A bare request naming the event, as GitLab sends it. */
function request(event: string): WebhookRequest {
  return new WebhookRequest({ headers: { 'x-gitlab-event': gitlab.sentEventName(event) } })
}

async function posts(event: string, payload: unknown, options: Record<string, unknown> = {}): Promise<IntegrationResult[]> {
  const outcome = await send(event, payload, options)
  if (outcome.kind !== 'posts') throw new Error(`expected posts, got ${outcome.kind}: ${outcome.kind === 'skipped' ? outcome.reason : ''}`)
  return outcome.results
}

async function skipReason(event: string, payload: unknown): Promise<string> {
  const outcome = await send(event, payload)
  if (outcome.kind !== 'skipped') throw new Error(`expected a skip, got ${outcome.kind}`)
  return outcome.reason
}

async function invalidField(event: string, payload: unknown): Promise<string> {
  const error = await send(event, payload).catch((e: unknown) => e)
  if (!(error instanceof InvalidPayloadError)) throw new Error(`expected an InvalidPayloadError, got ${String(error)}`)
  expect(error.status).toBe(422)
  return error.field
}

const text = (result: IntegrationResult | undefined) => result?.attachments?.[0]?.text ?? result?.attachments?.[0]?.pretext

describe('event names', () => {
  it('names GitLab events without spaces, and back', () => {
    expect(gitlab.eventName('Push Hook')).toBe('push_hook')
    expect(gitlab.eventName('Confidential Note Hook')).toBe('confidential_note_hook')
    expect(gitlab.eventName('merge_request_hook')).toBe('merge_request_hook')
    expect(gitlab.sentEventName('merge_request_hook')).toBe('Merge Request Hook')
    expect(gitlab.sentEventName('Resource Access Token Hook')).toBe('Resource Access Token Hook')
  })

  it('reads the legacy Build Hook as a Job Hook', async () => {
    const payload = fixture('job_hook__failed')
    const outcome = await processPayload(gitlab, payload, { headers: { 'x-gitlab-event': 'Build Hook' } })
    expect(outcome.kind).toBe('posts')
  })

  it('falls back on object_kind (and event_type) when a proxy dropped X-Gitlab-Event', () => {
    const none = new WebhookRequest({ headers: {} })
    expect(gitlab.event({ object_kind: 'push' }, none)).toBe('push_hook')
    expect(gitlab.event({ object_kind: 'build' }, none)).toBe('job_hook')
    expect(gitlab.event({ object_kind: 'work_item' }, none)).toBe('issue_hook')
    expect(gitlab.event({ object_kind: 'issue', event_type: 'confidential_issue' }, none)).toBe('confidential_issue_hook')
    expect(gitlab.event({ object_kind: 'note', event_type: 'confidential_note' }, none)).toBe('confidential_note_hook')
    expect(gitlab.event({ object_kind: 'something_new' }, none)).toBeUndefined()
    expect(gitlab.event({ object_kind: 'push' }, new WebhookRequest({ headers: { 'X-Gitlab-Event': 'Tag Push Hook' } }))).toBe('tag_push_hook')
  })

  it('posts a push that came without its header', async () => {
    const outcome = await send(undefined, fixture('push_hook__commits'))
    expect(outcome.kind).toBe('posts')
  })

  it('answers an unknown event 200 with what it knows', async () => {
    const outcome = await send('Shiny New Hook', { object_kind: 'shiny' })
    expect(outcome).toMatchObject({
      kind: 'skipped',
      reason: expect.stringMatching(/^unknown event "shiny_new_hook" for provider gitlab; known events: push_hook, tag_push_hook, system_hook/),
    })
  })

  it('takes the delivery id from Idempotency-Key, never from X-Gitlab-Event-UUID (shared by the webhooks one webhook triggers)', () => {
    const request = new WebhookRequest({ headers: { 'Idempotency-Key': 'k-1', 'X-Gitlab-Event-UUID': 'e-1' } })
    expect(gitlab.deliveryId(request, {})).toBe('k-1')
    expect(gitlab.deliveryId(new WebhookRequest({ headers: { 'X-Gitlab-Event-UUID': 'e-1' } }), {})).toBeUndefined()
  })
})

describe('liberal in what it accepts', () => {
  it('posts a push with nulls, missing optional fields and extra fields', async () => {
    const payload = fixture('push_hook__commits')
    delete payload.user_name
    delete payload.total_commits_count
    payload.checkout_sha = null
    payload.something_new = { nested: [1, 2] }
    payload.commits[0].author = null
    delete payload.commits[1].url
    const [result] = await posts('push_hook', payload)
    expect(result!.notification).toBe('ada pushed 2 commits to tomek')
    expect(result!.attachments![0]!.text).toContain(
      '<https://gitlab.com/ada/my-awesome-project/-/commit/eb6ae1e591e0819dc5bf187c6bfe18ec065a80e9|`eb6ae1e5`> c',
    )
  })

  it('posts a merge request without a description, assignees, branches or labels', async () => {
    const payload = fixture('merge_request_hook__opened')
    payload.object_attributes.description = null
    delete payload.assignees
    delete payload.object_attributes.source_branch
    delete payload.object_attributes.target_branch
    payload.labels = null
    const [result] = await posts('merge_request_hook', payload)
    expect(result!.references).toEqual(['20677423/!1'])
    expect(result!.attachments![0]).toEqual({
      pretext: '*Barbara Liskov* opened <https://gitlab.com/barbara/demo-project/-/merge_requests/1|merge request !1>',
      title: 'Make a trivial change to the README.',
      title_link: 'https://gitlab.com/barbara/demo-project/-/merge_requests/1',
      color: '#108548',
    })
  })

  it('posts a pipeline without builds, a note without a url, an issue without a user', async () => {
    const pipeline = fixture('pipeline_hook__failed')
    pipeline.builds = null
    expect((await posts('pipeline_hook', pipeline))[0]!.notification).toBe('Pipeline #4414206 failed on master at 6f88e719')
    const note = fixture('note_hook__issue')
    delete note.object_attributes.url
    expect((await posts('note_hook', note))[0]!.notification).toBe('Katherine Johnson commented on issue #1')
    const issue = fixture('issue_hook__closed')
    delete issue.user
    expect((await posts('issue_hook', issue))[0]!.notification).toBe('Someone closed issue #1')
  })

  it('answers 422 naming the field only when something essential is missing', async () => {
    expect(await invalidField('push_hook', {})).toBe('ref')
    expect(await invalidField('push_hook', { ...fixture('push_hook__commits'), project: null })).toBe('project')
    const commitless = fixture('push_hook__commits')
    delete commitless.commits[1].message
    expect(await invalidField('push_hook', commitless)).toBe('commits[1].message')
    expect(await invalidField('merge_request_hook', { ...fixture('merge_request_hook__merged'), object_attributes: undefined })).toBe('object_attributes')
    const iidless = fixture('merge_request_hook__merged')
    delete iidless.object_attributes.iid
    expect(await invalidField('merge_request_hook', iidless)).toBe('object_attributes.iid')
    const statusless = fixture('job_hook__failed')
    delete statusless.build_status
    expect(await invalidField('job_hook', statusless)).toBe('build_status')
    expect(
      await invalidField('pipeline_hook', {
        ...fixture('pipeline_hook__failed'),
        object_attributes: { status: 'failed' },
        project: { web_url: 'https://gitlab.example.com/a/b', id: 1 },
      }),
    ).toBe('object_attributes.ref')
  })

  it('never crashes on a fixture with any one field removed or null: it posts, skips, or names the field', async () => {
    const names = fixtureNames(new URL('../fixtures/', import.meta.url))
    const crashes: string[] = []
    let runs = 0
    for (const name of names) {
      const event = name.slice(0, name.indexOf('__'))
      for (const { path, replacement, payload } of oneFieldChanges(fixture(name), 3, [undefined, null])) {
        runs++
        // The provider alone (the request path around it is core's, tested there): fast enough for thousands of runs.
        try {
          validateOutput(await gitlab.process(payload, request(event), {}), { provider: 'gitlab', event })
        } catch (error) {
          if (!(error instanceof InvalidPayloadError)) crashes.push(`${name} ${path}=${String(replacement)}: ${String(error)}`)
        }
      }
    }
    expect(crashes).toEqual([])
    expect(runs).toBeGreaterThan(4000)
  })
})

describe('what a reader sees', () => {
  const HOSTILE = '<https://evil.example|click> *urgent*'

  it('cannot be given links or markup through commit messages, titles, branch names or labels', async () => {
    const push = fixture('push_hook__commits')
    push.commits[0].message = HOSTILE
    push.ref = 'refs/heads/x|<https://evil.example|y>'
    const [pushed] = await posts('push_hook', push)
    expect(pushed!.attachments![0]!.text).toContain('‹https://evil.example∣click› ∗urgent∗')
    expect(pushed!.attachments![0]!.pretext).toContain(
      '<https://gitlab.com/ada/my-awesome-project/-/tree/x%7C%3Chttps%3A//evil.example%7Cy%3E|`x∣‹https://evil.example∣y›`>',
    )
    const mr = fixture('merge_request_hook__opened')
    mr.object_attributes.title = HOSTILE
    const [opened] = await posts('merge_request_hook', mr)
    expect(opened!.attachments![0]!.title).toBe('‹https://evil.example∣click› ∗urgent∗')
    expect(opened!.subject).toBe(`!1 ${HOSTILE} [demo-project:devel]`)
    const labeled = fixture('issue_hook__renamed_and_labeled')
    labeled.changes.labels.current[0].title = HOSTILE
    expect(text((await posts('issue_hook', labeled))[0])).toContain('added label `‹https://evil.example∣click› ∗urgent∗` to')
  })

  it('leaves HTML comments out of descriptions, even an unclosed one, and cuts long ones', async () => {
    const issue = fixture('issue_hook__opened_with_hidden_comment')
    issue.object_attributes.description = `Keep this.\n\n<!-- template: fill in -->\n\nAnd this.\n<!-- never closed`
    expect((await posts('issue_hook', issue))[0]!.attachments![0]!.markdown).toBe('Keep this.\n\nAnd this.')
    issue.object_attributes.description = 'x'.repeat(MAX_BODY + 50)
    const markdown = (await posts('issue_hook', issue))[0]!.attachments![0]!.markdown!
    expect(Array.from(markdown)).toHaveLength(MAX_BODY)
    expect(markdown.endsWith('…')).toBe(true)
  })

  it('names the file of a comment on a line of a diff', async () => {
    const note = fixture('note_hook__merge_request')
    note.object_attributes.position = { new_path: 'src/app.rb', old_path: 'src/app.rb' }
    expect((await posts('note_hook', note))[0]!.notification).toBe('Katherine Johnson commented on src/app.rb in merge request !1')
  })

  it('posts a comment on something else (a design) to the project', async () => {
    const note = fixture('note_hook__issue')
    delete note.issue
    note.object_attributes.noteable_type = 'DesignManagement::Design'
    const [result] = await posts('note_hook', note)
    expect(result!.references).toEqual(['46186758'])
    expect(result!.notification).toBe('Katherine Johnson commented on a design')
  })

  it('honours a forced flag where a sender adds one, even with new commits', async () => {
    const push = { ...fixture('push_hook__commits'), forced: true }
    expect((await posts('push_hook', push))[0]!.notification).toBe('Ada Lovelace force-pushed tomek to eb6ae1e5')
  })

  it('threads a job of a merge request pipeline into the merge request', async () => {
    const job = { ...fixture('job_hook__failed'), ref: 'refs/merge-requests/12/head' }
    const [result] = await posts('job_hook', job)
    expect(result!.references).toEqual(['380/!12'])
    expect(result!.notification).toBe('Job test failed on !12 at 2293ada6 (script failure)')
  })

  it('skips what is not news, with the reason', async () => {
    const bookkeeping = fixture('issue_hook__renamed_and_labeled')
    bookkeeping.changes = { updated_at: { previous: 'a', current: 'b' }, total_time_spent: { previous: 0, current: 60 } }
    expect(await skipReason('issue_hook', bookkeeping)).toBe(SKIP_RULES.noNews)
    const mr = fixture('merge_request_hook__reviewers_changed')
    mr.changes = { updated_at: { previous: 'a', current: 'b' } }
    expect(await skipReason('merge_request_hook', mr)).toBe(SKIP_RULES.noNews)
    const system = fixture('note_hook__issue')
    system.object_attributes.system = true
    expect(await skipReason('note_hook', system)).toBe(SKIP_RULES.systemNote)
    const allowed = { ...fixture('job_hook__failed'), build_allow_failure: true }
    expect(await skipReason('job_hook', allowed)).toBe(SKIP_RULES.allowedFailure)
    expect(
      await skipReason('pipeline_hook', {
        ...fixture('pipeline_hook__failed'),
        object_attributes: { ...fixture('pipeline_hook__failed').object_attributes, status: 'canceled' },
      }),
    ).toBe(SKIP_RULES.ciCanceled)
    expect(await skipReason('deployment_hook', { ...fixture('deployment_hook__failed'), status: 'canceled' })).toBe(SKIP_RULES.ciCanceled)
    expect(await skipReason('push_hook', { ...fixture('push_hook__commits'), ref: 'refs/notes/commits' })).toBe(SKIP_RULES.otherRef)
    expect(await skipReason('system_hook', { event_name: 'user_create', name: 'Ada' })).toBe(SKIP_RULES.systemOther)
  })

  it('posts a merge request from a system hook like a project hook', async () => {
    const [result] = await posts('system_hook', fixture('merge_request_hook__merged'))
    expect(result!.notification).toBe('Grace Hopper merged merge request !1 (changes → feature)')
  })

  it('lists failed jobs that may not fail, and posts a deployment that waits for approval', async () => {
    const pipeline = fixture('pipeline_hook__failed')
    pipeline.builds[0] = { ...pipeline.builds[0], status: 'failed', allow_failure: true }
    expect((await posts('pipeline_hook', pipeline))[0]!.notification).toBe('Pipeline #4414206 failed on master at 6f88e719: job_name (script failure)')
    expect((await posts('deployment_hook', { ...fixture('deployment_hook__failed'), status: 'blocked' }))[0]!.notification).toBe(
      'Radia Perlman’s deployment of 846d8de0 to production is waiting for approval',
    )
  })
})

describe('confidential issues and internal notes', () => {
  it('are posted without title or text by default', async () => {
    const [opened] = await posts('confidential_issue_hook', fixture('confidential_issue_hook__opened'))
    expect(opened!.subject).toBe('#1 (confidential) [testing]')
    expect(JSON.stringify(opened)).not.toContain('Testing')
    const [note] = await posts('confidential_note_hook', fixture('confidential_note_hook__internal_note_on_issue'))
    expect(JSON.stringify(note)).not.toContain('Some more comments')
  })

  it('are posted in full when the endpoint sets the confidential option', async () => {
    const [opened] = await posts('confidential_issue_hook', fixture('confidential_issue_hook__opened'), { confidential: true })
    expect(opened).toEqual({
      references: ['5/#1'],
      subject: '#1 Testing [testing]',
      notification: 'Joan Clarke opened confidential issue #1',
      attachments: [
        {
          pretext: '*Joan Clarke* opened <https://gitlab.example.com/joan.clarke/testing/issues/1|confidential issue #1>',
          title: 'Testing',
          title_link: 'https://gitlab.example.com/joan.clarke/testing/issues/1',
          markdown: 'Testing',
          color: '#c17d10',
        },
      ],
    })
    const [note] = await posts('confidential_note_hook', fixture('confidential_note_hook__on_confidential_issue'), { confidential: true })
    expect(note!.subject).toBe('#1 Add more lines [testing-zulip-gitlab-integration]')
    expect(note!.attachments![0]!.markdown).toBe('Some more comments')
  })

  it('are recognised from the payload too, whatever the header says', async () => {
    const note = fixture('note_hook__issue')
    note.issue.confidential = true
    const [result] = await posts('note_hook', note)
    expect(result!.subject).toBe('#1 (confidential) [testing-zulip-gitlab-integration]')
    expect(result!.attachments![0]!.markdown).toBeUndefined()
    const internal = fixture('note_hook__merge_request')
    internal.object_attributes.internal = true
    expect((await posts('note_hook', internal))[0]!.notification).toBe('Katherine Johnson added an internal note on merge request !1')
    const update = fixture('issue_hook__renamed_and_labeled')
    update.object_attributes.confidential = true
    const [updated] = await posts('issue_hook', update)
    expect(updated!.notification).toBe('Alan Turing updated confidential issue #2')
    expect(updated!.update_existing_conversation_subject).toBeUndefined()
  })
})
