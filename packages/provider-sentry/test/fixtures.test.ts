import { afterAll, describe, it } from 'vitest'
import { fixtureKit, hmacSigner, type ExpectedPost } from '@missive-integrations/core/testing'
import Sentry, { SIGNATURE } from '../src/index.ts'

// One test per fixture: what the Sentry provider decides for each payload (thread, subject,
// color, notification, attachment), written out in full. The kit adds the envelope every post
// shares (username, icons, notification title) and compares the exact Missive request.
const kit = fixtureKit(new Sentry(), new URL('../fixtures/', import.meta.url), { sign: hmacSigner(SIGNATURE) })

const RED = '#e03e2f'
const AMBER = '#f5b000'
const BLUE = '#3c74dd'
const GREEN = '#2ba185'
const GREY = '#80708f'

const ISSUE_E = { references: ['issue/1638821441'], subject: 'Exception: program has entered an invalid state.' }

const ISSUE_CREATED: ExpectedPost = {
  references: ['issue/1170820242'],
  subject: 'ReferenceError: blooopy is not defined',
  color: RED,
  notification: 'New issue FRONT-END-9 in front-end: ReferenceError: blooopy is not defined',
  attachment: {
    text: 'New issue FRONT-END-9 in *front-end*: ReferenceError: blooopy is not defined\n`?(runner)`',
    color: RED,
    fields: [{ title: 'Level', value: 'Error', short: true }],
  },
}

const METRIC_CRITICAL: ExpectedPost = {
  references: ['metric-alert/7'],
  subject: 'Metric alert: Too many errors',
  color: RED,
  notification: 'Critical: Too many errors\n1000 events in the last 10 minutes\nFilter: level:error',
  attachment: {
    text: '<https://sentry.io/organizations/baz/alerts/1/|Critical: Too many errors>\n1000 events in the last 10 minutes\nFilter: level:error',
    color: RED,
    fields: [
      { title: 'Projects', value: 'bar', short: true },
      { title: 'Environment', value: 'production', short: true },
    ],
  },
}

describe('sentry fixtures', () => {
  describe('issue', () => {
    it('issue__created', () => kit.expectPosts('issue__created', [ISSUE_CREATED]))

    it('issue__created, signed with the Client Secret', () => kit.expectPosts('issue__created', [ISSUE_CREATED], { secrets: ['client-secret'] }))

    it('issue__created_with_links', () =>
      kit.expectPosts('issue__created_with_links', [
        {
          references: ['issue/1170820242'],
          subject: 'ReferenceError: blooopy is not defined',
          color: RED,
          notification: 'New issue FRONT-END-9 in front-end: ReferenceError: blooopy is not defined',
          attachment: {
            text: 'New issue <https://test-org.sentry.io/issues/1170820242/|FRONT-END-9> in *front-end*: ReferenceError: blooopy is not defined\n`?(runner)`',
            color: RED,
            fields: [{ title: 'Level', value: 'Error', short: true }],
          },
        },
      ]))

    it('issue__created_for_exception', () =>
      kit.expectPosts('issue__created_for_exception', [
        {
          references: ['issue/1635244907'],
          subject: 'Exception: Custom exception!',
          color: RED,
          notification: 'New issue ZULIP-INTEGRATION-TESTING-2 in zulip-integration-testing: Exception: Custom exception!',
          attachment: {
            // The culprit's angle brackets are shown as look-alikes: they could otherwise open a link.
            text: 'New issue ZULIP-INTEGRATION-TESTING-2 in *zulip-integration-testing*: Exception: Custom exception!\n`__main__ in ‹module›`',
            color: RED,
            fields: [{ title: 'Level', value: 'Error', short: true }],
          },
        },
      ]))

    it('issue__created_for_message (info: blue, no culprit)', () =>
      kit.expectPosts('issue__created_for_message', [
        {
          references: ['issue/1635261062'],
          subject: 'A simple message-based issue.',
          color: BLUE,
          notification: 'New issue ZULIP-INTEGRATION-TESTING-3 in zulip-integration-testing: A simple message-based issue.',
          attachment: {
            text: 'New issue ZULIP-INTEGRATION-TESTING-3 in *zulip-integration-testing*: A simple message-based issue.',
            color: BLUE,
            fields: [{ title: 'Level', value: 'Info', short: true }],
          },
        },
      ]))

    it('issue__assigned_to_individual (to themselves)', () =>
      kit.expectPosts('issue__assigned_to_individual', [
        {
          references: ['issue/1638844654'],
          subject: 'A test message event from golang.',
          color: BLUE,
          notification: 'Ada Lovelace assigned ZULIP-INTEGRATION-TESTING-G to themselves',
          attachment: { text: '*Ada Lovelace* assigned ZULIP-INTEGRATION-TESTING-G to themselves', color: BLUE },
        },
      ]))

    it('issue__assigned_to_team', () =>
      kit.expectPosts('issue__assigned_to_team', [
        {
          ...ISSUE_E,
          color: RED,
          notification: 'Ada Lovelace assigned ZULIP-INTEGRATION-TESTING-E to team lone-wolf',
          attachment: { text: '*Ada Lovelace* assigned ZULIP-INTEGRATION-TESTING-E to team *lone-wolf*', color: RED },
        },
      ]))

    it('issue__ignored (archived: grey)', () =>
      kit.expectPosts('issue__ignored', [
        {
          ...ISSUE_E,
          color: GREY,
          notification: 'Ada Lovelace archived ZULIP-INTEGRATION-TESTING-E',
          attachment: { text: '*Ada Lovelace* archived ZULIP-INTEGRATION-TESTING-E', color: GREY },
        },
      ]))

    it('issue__archived (posted from issue.ignored)', () =>
      kit.expectSkip('issue__archived', 'an archived issue is posted once, from the issue.ignored webhook Sentry sends with it'))

    it('issue__resolved (green)', () =>
      kit.expectPosts('issue__resolved', [
        {
          ...ISSUE_E,
          color: GREEN,
          notification: 'Ada Lovelace resolved ZULIP-INTEGRATION-TESTING-E',
          attachment: { text: '*Ada Lovelace* resolved ZULIP-INTEGRATION-TESTING-E', color: GREEN },
        },
      ]))

    it('issue__unresolved_regressed (back to its level)', () =>
      kit.expectPosts('issue__unresolved_regressed', [
        {
          ...ISSUE_E,
          color: RED,
          notification: 'ZULIP-INTEGRATION-TESTING-E regressed: it happened again after it was resolved',
          attachment: { text: 'ZULIP-INTEGRATION-TESTING-E regressed: it happened again after it was resolved', color: RED },
        },
      ]))
  })

  describe('event_alert', () => {
    it('event_alert__triggered', () =>
      kit.expectPosts('event_alert__triggered', [
        {
          references: ['issue/1117540176'],
          subject: 'ReferenceError: heck is not defined',
          color: RED,
          notification: 'Alert Very Important Alert Rule! triggered: ReferenceError: heck is not defined',
          attachment: {
            text: 'Alert *Very Important Alert Rule!* triggered: <https://sentry.io/organizations/test-org/issues/1117540176/events/e4874d664c3540c1a32eab185f12c5ab/|ReferenceError: heck is not defined>\n`?(‹anonymous›)`',
            color: RED,
            fields: [{ title: 'Level', value: 'Error', short: true }],
          },
        },
      ]))

    it('event_alert__triggered_for_exception_python (no issue_id: read from issue_url)', () =>
      kit.expectPosts('event_alert__triggered_for_exception_python', [
        {
          references: ['issue/1635244907'],
          subject: 'Exception: Custom exception!',
          color: RED,
          notification: 'Alert Send a webhook payload to Webhook.site triggered: Exception: Custom exception!',
          attachment: {
            text: 'Alert *Send a webhook payload to Webhook.site* triggered: <https://sentry.io/organizations/example-org/issues/1635244907/events/599349254a1447a99774b5310711c1a8/|Exception: Custom exception!>\n`__main__ in ‹module›`',
            color: RED,
            fields: [{ title: 'Level', value: 'Error', short: true }],
          },
        },
      ]))

    it('event_alert__triggered_for_message_golang (info)', () =>
      kit.expectPosts('event_alert__triggered_for_message_golang', [
        {
          references: ['issue/1638844654'],
          subject: 'A test message event from golang.',
          color: BLUE,
          notification: 'Alert Send a webhook payload to Webhook.site triggered: A test message event from golang.',
          attachment: {
            text: 'Alert *Send a webhook payload to Webhook.site* triggered: <https://sentry.io/organizations/example-org/issues/1638844654/events/01ecb45633bc4f5ca940ada671124c8f/|A test message event from golang.>',
            color: BLUE,
            fields: [{ title: 'Level', value: 'Info', short: true }],
          },
        },
      ]))
  })

  describe('error', () => {
    it('error__created', () =>
      kit.expectPosts('error__created', [
        {
          references: ['issue/1170820242'],
          subject: 'ReferenceError: blooopy is not defined',
          color: RED,
          notification: 'New event: ReferenceError: blooopy is not defined',
          attachment: {
            text: 'New event: <https://sentry.io/organizations/test-org/issues/1170820242/events/bb78c1407cea4519aa397afc059c793d/|ReferenceError: blooopy is not defined>\n`?(runner)`',
            color: RED,
            fields: [{ title: 'Level', value: 'Error', short: true }],
          },
        },
      ]))
  })

  describe('comment', () => {
    const THREAD = { references: ['issue/100'], subject: 'Sentry issue 100 in sentry' }

    it('comment__created', () =>
      kit.expectPosts('comment__created', [
        {
          ...THREAD,
          notification: 'Ada Lovelace commented: adding a comment',
          attachment: { pretext: '*Ada Lovelace* commented', markdown: 'adding a comment' },
        },
      ]))

    it('comment__updated (the new text)', () =>
      kit.expectPosts('comment__updated', [
        {
          ...THREAD,
          notification: 'Ada Lovelace edited a comment: adding a comment: the fix is in `checkout.js`, see https://github.com/example/shop/pull/42',
          attachment: {
            pretext: '*Ada Lovelace* edited a comment',
            markdown: 'adding a comment: the fix is in `checkout.js`, see https://github.com/example/shop/pull/42',
          },
        },
      ]))

    it('comment__deleted (without the deleted text)', () =>
      kit.expectPosts('comment__deleted', [
        {
          ...THREAD,
          notification: 'Ada Lovelace deleted a comment',
          attachment: { text: '*Ada Lovelace* deleted a comment' },
        },
      ]))
  })

  describe('metric_alert', () => {
    it('metric_alert__critical (red)', () => kit.expectPosts('metric_alert__critical', [METRIC_CRITICAL]))

    it('metric_alert__critical, signed', () => kit.expectPosts('metric_alert__critical', [METRIC_CRITICAL], { secrets: ['client-secret'] }))

    it('metric_alert__warning (amber)', () =>
      kit.expectPosts('metric_alert__warning', [
        {
          references: ['metric-alert/7'],
          subject: 'Metric alert: Too many errors',
          color: AMBER,
          notification: 'Warning: Too many errors\n600 events in the last 10 minutes\nFilter: level:error',
          attachment: {
            text: '<https://sentry.io/organizations/baz/alerts/1/|Warning: Too many errors>\n600 events in the last 10 minutes\nFilter: level:error',
            color: AMBER,
            fields: [
              { title: 'Projects', value: 'bar', short: true },
              { title: 'Environment', value: 'production', short: true },
            ],
          },
        },
      ]))

    it('metric_alert__resolved (green; the docs example escapes its newline, shown as sent)', () =>
      kit.expectPosts('metric_alert__resolved', [
        {
          references: ['metric-alert/7'],
          subject: 'Metric alert: Too many errors',
          color: GREEN,
          notification: 'Resolved: Too many errors\n1000 events in the last 10 minutes\\nFilter: level:error',
          attachment: {
            text: '<https://sentry.io/organizations/baz/alerts/1/|Resolved: Too many errors>\n1000 events in the last 10 minutes\\nFilter: level:error',
            color: GREEN,
            fields: [{ title: 'Projects', value: 'bar', short: true }],
          },
        },
      ]))
  })

  describe('skipped', () => {
    it('installation__created', () =>
      kit.expectSkip(
        'installation__created',
        'installation webhooks say that the integration was installed or uninstalled; they concern the integration itself, not an issue, and are not posted',
      ))

    it('seer__root_cause_started', () =>
      kit.expectSkip('seer__root_cause_started', 'Seer (AI issue fix) progress webhooks are not posted; the issue conversation follows the issue itself'))
  })

  afterAll(() => kit.assertComplete())
})
