import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { InvalidPayloadError, type MissivePost } from '@missive-integrations/core'
import { processPayload, rejectionOf } from '@missive-integrations/core/testing'
import Sentry, { COLORS, MAX_COMMENT } from '../src/index.ts'

// Hand-written payloads for what no fixture shows: threading across resources, missing and odd
// optional fields (liberal: posted), missing essential ones (422 naming the field), hostile text.
const sentry = new Sentry()

type Json = Record<string, unknown>
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as Json

async function posts(resource: string, payload: unknown, options: Record<string, unknown> = {}): Promise<MissivePost[]> {
  const outcome = await processPayload(sentry, payload, { headers: { 'sentry-hook-resource': resource }, options })
  if (outcome.kind !== 'posts') throw new Error(`expected posts, got ${outcome.kind}: ${outcome.kind === 'skipped' ? outcome.reason : ''}`)
  return outcome.posts
}
const post = async (resource: string, payload: unknown, options?: Record<string, unknown>) => (await posts(resource, payload, options))[0]!
const text = async (resource: string, payload: unknown) => (await post(resource, payload)).attachments![0]!.text

async function invalidField(resource: string, payload: unknown): Promise<string> {
  const error = await rejectionOf(processPayload(sentry, payload, { headers: { 'sentry-hook-resource': resource } }))
  expect(error).toBeInstanceOf(InvalidPayloadError)
  expect(error.message).toMatch(/^invalid sentry payload for event /)
  return (error as InvalidPayloadError).field
}

/** An issue webhook around a hand-written issue. */
const issueHook = (action: string, issue: Json, data: Json = {}, actor: unknown = { type: 'user', id: 7, name: 'Grace Hopper' }) => ({
  action,
  data: { ...data, issue: { id: '42', shortId: 'WEB-1G', title: 'TypeError: x is undefined', level: 'error', ...issue } },
  actor,
  installation: { uuid: '00000000-0000-4000-8000-000000000000' },
})

describe('threading', () => {
  it('puts an issue, its alerts, its new events, its comments and its state changes in one conversation', async () => {
    const ref = async (resource: string, payload: unknown) => (await post(resource, payload)).references
    const created = await ref('issue', fixture('issue__created'))
    expect(await ref('error', fixture('error__created'))).toEqual(created)
    expect(await ref('comment', { action: 'created', data: { issue_id: 1170820242, comment: 'on it' } })).toEqual(created)
    expect(await ref('issue', issueHook('resolved', { id: 1170820242 }))).toEqual(created)
    expect(await ref('event_alert', fixture('event_alert__triggered_for_exception_python'))).toEqual(
      await ref('issue', fixture('issue__created_for_exception')),
    )
    expect(await ref('event_alert', fixture('event_alert__triggered_for_message_golang'))).toEqual(await ref('issue', fixture('issue__assigned_to_individual')))
  })

  it('namespaces the references as <sentry/…@missive-integrations>', async () => {
    expect((await post('issue', fixture('issue__created'))).references).toEqual(['<sentry/issue/1170820242@missive-integrations>'])
    expect((await post('metric_alert', fixture('metric_alert__critical'))).references).toEqual(['<sentry/metric-alert/7@missive-integrations>'])
  })

  it("keeps several Sentry instances' ids apart with the instance option", async () => {
    expect((await post('issue', fixture('issue__created'), { instance: 'eu' })).references).toEqual(['<sentry/eu/issue/1170820242@missive-integrations>'])
    expect((await post('comment', fixture('comment__created'), { instance: 'eu' })).references).toEqual(['<sentry/eu/issue/100@missive-integrations>'])
    expect((await post('metric_alert', fixture('metric_alert__critical'), { instance: 'self hosted/2' })).references).toEqual([
      '<sentry/self%20hosted%2F2/metric-alert/7@missive-integrations>',
    ])
    expect((await post('issue', fixture('issue__created'), { instance: '  ' })).references).toEqual(['<sentry/issue/1170820242@missive-integrations>'])
  })

  it('reads the issue of an event from issue_id, else from issue_url or web_url', async () => {
    const event = (fields: Json) => ({ action: 'triggered', data: { event: { title: 'Boom', ...fields } } })
    expect((await post('event_alert', event({ issue_id: 5 }))).references).toEqual(['<sentry/issue/5@missive-integrations>'])
    expect((await post('event_alert', event({ issue_url: 'https://sentry.io/api/0/organizations/acme/issues/6/' }))).references).toEqual([
      '<sentry/issue/6@missive-integrations>',
    ])
    expect((await post('event_alert', event({ web_url: 'https://acme.sentry.io/issues/7/events/abc/' }))).references).toEqual([
      '<sentry/issue/7@missive-integrations>',
    ])
  })
})

describe('liberal in what it accepts', () => {
  it('posts an issue that has nothing but an id', async () => {
    const result = await post('issue', { action: 'created', data: { issue: { id: 42 } } })
    expect(result).toMatchObject({
      conversation_subject: 'Sentry issue 42',
      conversation_color: COLORS.level.error,
      notification: { body: 'New issue: Sentry issue 42' },
      attachments: [{ text: 'New issue: Sentry issue 42', color: COLORS.level.error }],
    })
  })

  it('posts when optional fields are null or of an unexpected type, and ignores extra fields', async () => {
    const payload = issueHook(
      'created',
      {
        title: null,
        shortId: 12,
        level: 40,
        project: 'web',
        culprit: ['x'],
        statusDetails: null,
        assignedTo: 'nobody',
        web_url: 7,
        substatus: null,
        brandNew: { x: 1 },
      },
      { extra: true },
      null,
    )
    const result = await post('issue', payload)
    expect(result.conversation_subject).toBe('12')
    expect(result.attachments).toEqual([{ text: 'New issue 12: 12', color: COLORS.level.error }])
    expect(await text('issue', issueHook('resolved', {}, { resolution_type: null }, null))).toBe('*Sentry* resolved WEB-1G')
    expect(await text('issue', issueHook('assigned', {}, { assignee: null }))).toBe('*Grace Hopper* assigned WEB-1G')
  })

  it('reads a title from the metadata, and an event title from its message', async () => {
    expect((await post('issue', { action: 'created', data: { issue: { id: 1, metadata: { title: 'From metadata' } } } })).conversation_subject).toBe(
      'From metadata',
    )
    const event = { action: 'created', data: { error: { issue_id: '9', title: '', message: 'From the message', level: 'fatal' } } }
    expect(await post('error', event)).toMatchObject({ conversation_subject: 'From the message', conversation_color: COLORS.level.fatal })
  })

  it('colors by level: fatal and error red, warning amber, info blue, debug grey; unknown levels read as error', async () => {
    const color = async (level: unknown) => (await post('issue', issueHook('created', { level }))).conversation_color
    expect([
      await color('fatal'),
      await color('ERROR'),
      await color('warning'),
      await color('info'),
      await color('debug'),
      await color('sample'),
      await color(null),
    ]).toEqual(['#e03e2f', '#e03e2f', '#f5b000', '#3c74dd', '#80708f', '#e03e2f', '#e03e2f'])
  })

  it('shows the environment and release of an event, from its fields or its tags', async () => {
    const fields = async (event: Json) =>
      (await post('event_alert', { action: 'triggered', data: { event: { issue_id: 1, title: 'Boom', level: 'warning', ...event } } })).attachments![0]!.fields
    expect(await fields({ environment: 'production', release: 'web@1.4.2' })).toEqual([
      { title: 'Level', value: 'Warning', short: true },
      { title: 'Environment', value: 'production', short: true },
      { title: 'Release', value: 'web@1.4.2', short: true },
    ])
    expect(await fields({ tags: [['environment', 'staging'], { key: 'sentry:release', value: 'web@1.5.0' }, 'odd', null] })).toEqual([
      { title: 'Level', value: 'Warning', short: true },
      { title: 'Environment', value: 'staging', short: true },
      { title: 'Release', value: 'web@1.5.0', short: true },
    ])
  })

  it('says without a rule name that an alert triggered', async () => {
    expect(await text('event_alert', { action: 'triggered', data: { event: { issue_id: 1, title: 'Boom' } } })).toBe('Alert triggered: Boom')
  })

  it('posts a metric alert with only its rule id, and colors an unknown state like a warning', async () => {
    const result = await post('metric_alert', { action: 'open', data: { metric_alert: { alert_rule: { id: 3 } } } })
    expect(result).toMatchObject({
      references: ['<sentry/metric-alert/3@missive-integrations>'],
      conversation_subject: 'Metric alert: alert rule 3',
      conversation_color: COLORS.metric.warning,
      attachments: [{ text: 'Open: alert rule 3', color: COLORS.metric.warning }],
    })
    const named = await post('metric_alert', { data: { metric_alert: { title: 'Sacred Marmot', alert_rule: { id: '3' } } } })
    expect(named.attachments![0]!.text).toBe('Triggered: Sacred Marmot')
  })

  it('accepts a comment whose issue id is a number or a string, without a project or an actor', async () => {
    const result = await post('comment', { action: 'created', data: { issue_id: '55', comment: 'Looking' } })
    expect(result).toMatchObject({ conversation_subject: 'Sentry issue 55', notification: { body: 'Sentry commented: Looking' } })
    expect((await post('comment', { action: 'created', data: { issue_id: 55 } })).attachments).toEqual([{ text: '*Sentry* commented' }])
  })
})

describe('state changes', () => {
  it('says how an issue was resolved', async () => {
    const resolved = (type: unknown, statusDetails: unknown = {}) =>
      text('issue', issueHook('resolved', { status: 'resolved', statusDetails }, { resolution_type: type }))
    expect(await resolved('now')).toBe('*Grace Hopper* resolved WEB-1G')
    expect(await resolved('in_next_release')).toBe('*Grace Hopper* resolved WEB-1G in the next release')
    expect(await resolved('in_upcoming_release')).toBe('*Grace Hopper* resolved WEB-1G in the upcoming release')
    expect(await resolved('in_release', { inRelease: 'web@1.4.2' })).toBe('*Grace Hopper* resolved WEB-1G in release `web@1.4.2`')
    expect(await resolved('in_release')).toBe('*Grace Hopper* resolved WEB-1G in a release')
    expect(await resolved('in_commit', { inCommit: { commit: '9f3c5e2a7b1d4c6e8f0a2b4c6d8e0f1a3b5c7d9e', repository: 'acme/web' } })).toBe(
      '*Grace Hopper* resolved WEB-1G in commit `9f3c5e2a7b1d`',
    )
    expect(await resolved('with_third_party_app')).toBe('*Grace Hopper* resolved WEB-1G (with third party app)')
  })

  it('says until when an issue is archived', async () => {
    const archived = (issue: Json) => text('issue', issueHook('ignored', { status: 'ignored', ...issue }))
    expect(await archived({ substatus: 'archived_until_escalating' })).toBe('*Grace Hopper* archived WEB-1G until it escalates')
    expect(await archived({ statusDetails: { ignoreUntilEscalating: true } })).toBe('*Grace Hopper* archived WEB-1G until it escalates')
    expect(await archived({ statusDetails: { ignoreDuration: 30 } })).toBe('*Grace Hopper* archived WEB-1G for 30 minutes')
    expect(await archived({ statusDetails: { ignoreDuration: 60 } })).toBe('*Grace Hopper* archived WEB-1G for 1 hour')
    expect(await archived({ statusDetails: { ignoreDuration: 10080 } })).toBe('*Grace Hopper* archived WEB-1G for 7 days')
    expect(await archived({ statusDetails: { ignoreCount: 100, ignoreWindow: 60 } })).toBe(
      '*Grace Hopper* archived WEB-1G until it happens 100 more times within 1 hour',
    )
    expect(await archived({ statusDetails: { ignoreCount: 1 } })).toBe('*Grace Hopper* archived WEB-1G until it happens 1 more time')
    expect(await archived({ statusDetails: { ignoreUserCount: 10, ignoreUserWindow: 1440 } })).toBe(
      '*Grace Hopper* archived WEB-1G until it affects 10 more users within 1 day',
    )
    expect(await archived({ substatus: 'archived_forever' })).toBe('*Grace Hopper* archived WEB-1G forever')
  })

  it('says who the issue is assigned to', async () => {
    const assigned = (data: Json, issue: Json = {}) => text('issue', issueHook('assigned', issue, data))
    expect(await assigned({ assignee: { type: 'user', id: 8, name: 'Ada Lovelace', email: 'ada@example.com' } })).toBe(
      '*Grace Hopper* assigned WEB-1G to *Ada Lovelace*',
    )
    expect(await assigned({ assignee: { type: 'user', id: 7, name: 'Grace Hopper' } })).toBe('*Grace Hopper* assigned WEB-1G to themselves')
    expect(await assigned({ assignee: { type: 'user', id: 8, email: 'ada@example.com' } })).toBe('*Grace Hopper* assigned WEB-1G to *ada@example.com*')
    expect(await assigned({}, { assignedTo: { type: 'team', name: 'backend' } })).toBe('*Grace Hopper* assigned WEB-1G to team *backend*')
  })

  it('tells a regression and an escalation from a person unresolving an issue', async () => {
    const unresolved = (substatus: string, actor?: unknown) => post('issue', issueHook('unresolved', { substatus, level: 'warning' }, {}, actor))
    expect(await unresolved('escalating', { type: 'application', id: 'sentry', name: 'Sentry' })).toMatchObject({
      conversation_color: COLORS.level.warning,
      attachments: [{ text: 'WEB-1G is escalating' }],
    })
    expect((await unresolved('ongoing')).attachments![0]!.text).toBe('*Grace Hopper* marked WEB-1G as unresolved')
  })

  it('colors an assignment by the state of the issue', async () => {
    const color = async (status: string) => (await post('issue', issueHook('assigned', { status }))).conversation_color
    expect([await color('resolved'), await color('ignored'), await color('unresolved')]).toEqual([COLORS.resolved, COLORS.archived, COLORS.level.error])
  })
})

describe('a clear 422 when something essential is missing', () => {
  it('names the missing issue or its id', async () => {
    expect(await invalidField('issue', { action: 'created' })).toBe('data.issue')
    expect(await invalidField('issue', { action: 'resolved', data: { issue: { title: 'No id' } } })).toBe('data.issue.id')
    expect(await invalidField('issue', { action: 'assigned', data: { issue: { id: '' } } })).toBe('data.issue.id')
  })

  it('names the event, or its issue when nothing names it', async () => {
    expect(await invalidField('event_alert', { action: 'triggered', data: {} })).toBe('data.event')
    expect(await invalidField('event_alert', { action: 'triggered', data: { event: { title: 'Boom', web_url: 'https://sentry.io/x/' } } })).toBe(
      'data.event.issue_id',
    )
    expect(await invalidField('error', { action: 'created', data: { event: { issue_id: '1' } } })).toBe('data.error')
    expect(await invalidField('error', { action: 'created', data: { error: { title: 'Boom' } } })).toBe('data.error.issue_id')
  })

  it("names a comment's missing issue id", async () => {
    expect(await invalidField('comment', { action: 'created', data: { comment: 'orphan' } })).toBe('data.issue_id')
  })

  it("names a metric alert's missing rule", async () => {
    expect(await invalidField('metric_alert', { action: 'critical', data: {} })).toBe('data.metric_alert')
    expect(await invalidField('metric_alert', { action: 'critical', data: { metric_alert: { id: '4' } } })).toBe('data.metric_alert.alert_rule')
    expect(await invalidField('metric_alert', { action: 'critical', data: { metric_alert: { alert_rule: { name: 'x' } } } })).toBe(
      'data.metric_alert.alert_rule.id',
    )
  })
})

describe('unknown events', () => {
  const run = (headers: Record<string, string>, payload: unknown) => processPayload(sentry, payload, { headers })

  it('answers a resource it does not know 200, listing the known ones', async () => {
    expect(await run({ 'sentry-hook-resource': 'preprod_artifact' }, { action: 'size_analysis_completed' })).toEqual({
      kind: 'skipped',
      reason:
        'unknown event "preprod_artifact" for provider sentry; known events: issue, event_alert, error, comment, metric_alert, installation, seer; see the provider\'s fixtures/ for examples',
    })
  })

  it('answers an action it does not know 200, listing the known actions', async () => {
    const outcome = await run({ 'sentry-hook-resource': 'issue' }, issueHook('merged', {}))
    expect(outcome.kind === 'skipped' && outcome.reason).toMatch(
      /^unknown event "issue\.merged" for provider sentry; known events: issue\.created, issue\.resolved, issue\.ignored, issue\.assigned, issue\.unresolved, issue\.archived;/,
    )
  })

  it('answers a request without Sentry-Hook-Resource (the legacy WebHooks plugin) 200 with the reason', async () => {
    const outcome = await run({}, { project: 'web', message: 'legacy plugin payload' })
    expect(outcome.kind === 'skipped' && outcome.reason).toMatch(/^unknown event \(none given\) for provider sentry/)
  })
})

describe('hostile text', () => {
  const HOSTILE = '<https://evil.example|click> *urgent*'
  const ESCAPED = '‹https://evil.example∣click› ∗urgent∗'

  it('cannot inject a link or markup through a title, a project, a culprit or an actor', async () => {
    const payload = issueHook('created', { title: HOSTILE, shortId: null, project: { slug: HOSTILE }, culprit: HOSTILE }, {}, { type: 'user', name: HOSTILE })
    const result = await post('issue', payload)
    expect(result.attachments![0]!.text).toBe(`New issue in *${ESCAPED}*: ${ESCAPED}\n\`${ESCAPED}\``)
    expect(result.notification.body).toBe(`New issue in ${HOSTILE}: ${HOSTILE}`)
    expect(await text('issue', issueHook('resolved', {}, {}, { type: 'user', name: HOSTILE }))).toBe(`*${ESCAPED}* resolved WEB-1G`)
  })

  it('cannot inject through an alert rule, an event title or a metric alert description', async () => {
    const event = {
      action: 'triggered',
      data: { triggered_rule: HOSTILE, event: { issue_id: 1, title: HOSTILE, web_url: 'https://acme.sentry.io/issues/1/events/e/' } },
    }
    expect(await text('event_alert', event)).toBe(`Alert *${ESCAPED}* triggered: <https://acme.sentry.io/issues/1/events/e/|${ESCAPED}>`)
    const metric = {
      action: 'critical',
      data: { description_title: HOSTILE, description_text: HOSTILE, metric_alert: { alert_rule: { id: 1, name: HOSTILE } } },
    }
    expect(await text('metric_alert', metric)).toBe(`${ESCAPED}\n${ESCAPED}`)
  })

  it('links only to http(s) pages', async () => {
    const event = { action: 'triggered', data: { event: { issue_id: 1, title: 'Boom', web_url: 'javascript:alert(1)//issues/1/' } } }
    expect(await text('event_alert', event)).toBe('Alert triggered: Boom')
  })

  it('drops invisible characters that disguise text', async () => {
    const result = await post('issue', issueHook('created', { title: 'pay\u202Efdp.exe', shortId: 'WEB\u200B-1G' }))
    expect(result.conversation_subject).toBe('payfdp.exe')
    expect(result.attachments![0]!.text).toBe('New issue WEB-1G: payfdp.exe')
  })
})

describe('lengths', () => {
  it('keeps a subject to the first line of the title, at most 200 characters', async () => {
    const long = 'E'.repeat(300)
    expect((await post('issue', issueHook('created', { title: `${long}\n  at frame` }))).conversation_subject).toBe(`${'E'.repeat(199)}…`)
    expect((await post('issue', issueHook('created', { title: 'Error: boom\n  at frame' }))).conversation_subject).toBe('Error: boom')
  })

  it('leaves HTML comments out of a comment, and its text out when nothing else is left', async () => {
    const comment = (value: string) => ({ action: 'created', data: { issue_id: 1, comment: value }, actor: { type: 'user', name: 'Ada' } })
    const result = await post('comment', comment('<!-- triage note -->\nFixed in `checkout.js` <!-- ask Grace'))
    expect(result.attachments![0]!.markdown).toBe('Fixed in `checkout.js`')
    expect(result.notification.body).toBe('Ada commented: Fixed in `checkout.js`')
    const empty = await post('comment', comment('<!-- only this -->'))
    expect(empty.attachments).toEqual([{ text: '*Ada* commented' }])
  })

  it(`cuts a comment at ${MAX_COMMENT} characters`, async () => {
    const result = await post('comment', {
      action: 'created',
      data: { issue_id: 1, comment: 'x'.repeat(MAX_COMMENT + 50) },
      actor: { type: 'user', name: 'Ada' },
    })
    expect(result.attachments![0]!.markdown).toBe(`${'x'.repeat(MAX_COMMENT - 1)}…`)
    expect(result.notification.body).toBe(`Ada commented: ${'x'.repeat(199)}…`)
  })
})
