import {
  Integration,
  verifyHmac,
  type Digest,
  type FilterSpec,
  type Handlers,
  type HmacScheme,
  type Schema,
  type WebhookRequest,
} from '@missive-integrations/core'
import { SENTRY_DIGEST, type SentryDigest } from './digest.js'
import { SKIPPED_ACTIONS, SKIPPED_EVENTS } from './events.js'
import { FILTERS } from './filters.js'
import { commentCreated, commentDeleted, commentUpdated } from './format/comment.js'
import { errorCreated, eventAlert } from './format/event.js'
import { issueAssigned, issueCreated, issueIgnored, issueResolved, issueUnresolved } from './format/issue.js'
import { metricAlert } from './format/metric-alert.js'
import type { SentryOptions } from './format/shared.js'

export { SENTRY_DIGEST, type SentryDigest } from './digest.js'
export { SKIPPED_ACTIONS, SKIPPED_EVENTS } from './events.js'
export { FILTERS, LEVELS } from './filters.js'
export { COLORS, type SentryOptions } from './format/shared.js'
export { MAX_COMMENT } from './format/comment.js'

/**
 * How Sentry signs deliveries: `Sentry-Hook-Signature: <hex HMAC-SHA256 of the raw body>`, keyed
 * with the integration's Client Secret; no prefix, and the timestamp header is not signed. Core's
 * `verifyHmac` checks it in constant time over the raw bytes, against every endpoint secret.
 * @see https://docs.sentry.io/organization/integrations/integration-platform/webhooks/#sentry-hook-signature
 */
export const SIGNATURE: HmacScheme = { header: 'Sentry-Hook-Signature', algorithm: 'sha256', encoding: 'hex', sender: 'Sentry' }

/**
 * One handler per posted resource (`Sentry-Hook-Resource`) or `resource.action`: core tries
 * `issue.resolved` before `issue`, and derives the provider's event list from these keys.
 */
const HANDLERS: Handlers<SentryOptions> = {
  'issue.created': issueCreated,
  'issue.resolved': issueResolved,
  'issue.ignored': issueIgnored,
  'issue.assigned': issueAssigned,
  'issue.unresolved': issueUnresolved,
  event_alert: eventAlert,
  error: errorCreated,
  'comment.created': commentCreated,
  'comment.updated': commentUpdated,
  'comment.deleted': commentDeleted,
  metric_alert: metricAlert,
}

const SKIPPED: Readonly<Record<string, string>> = { ...SKIPPED_EVENTS, ...SKIPPED_ACTIONS }

/**
 * Sentry integration-platform webhooks as Missive posts: one conversation per Sentry issue (its
 * creation, alerts, new events, comments and state changes), one per metric alert rule.
 * @see https://docs.sentry.io/organization/integrations/integration-platform/webhooks/
 */
export default class Sentry extends Integration<SentryOptions> {
  override get id(): string {
    return 'sentry'
  }

  override get name(): string {
    return 'Sentry'
  }

  /** `instance` keeps the issue ids of several Sentry instances apart. */
  override get schema(): Schema {
    return {
      options: [
        {
          key: 'instance',
          type: 'String',
          label: 'Instance',
          description:
            'only when several Sentry instances (self-hosted, or organizations in different regions) post into one Missive organization: a short name for this one, so that their issue ids, unique within one instance only, never share a conversation',
        },
      ],
    }
  }

  /** Sentry names the resource in a header; the body's `action` refines it (`issue` + `resolved`). */
  override get eventHeader(): string {
    return 'sentry-hook-resource'
  }

  override get actionField(): string {
    return 'action'
  }

  /** Per-endpoint noise control: min_level, environments, projects (see README, "Noise control"). */
  override get filters(): readonly FilterSpec[] {
    return FILTERS
  }

  override get handlers(): Handlers<SentryOptions> {
    return HANDLERS
  }

  override get skipped(): Readonly<Record<string, string>> {
    return SKIPPED
  }

  /** A storm on one issue (events and alerts by level and environment, state changes) or one metric alert rule (its transitions). */
  override get digest(): Digest<SentryDigest, SentryOptions> {
    return SENTRY_DIGEST
  }

  // No `deliveryHeader`: Sentry's `Request-ID` is a new random UUID on every send, retries
  // included, so it cannot recognise a redelivery. The server dedupes on the body instead: a
  // retry of the same webhook carries the same bytes.

  override get signatureHeaders(): readonly string[] {
    return [SIGNATURE.header]
  }

  /** Any of the endpoint's secrets verifies, so a Client Secret can be rotated without losing deliveries. */
  override verify(request: WebhookRequest, secrets: readonly string[]): void {
    verifyHmac(request, secrets, SIGNATURE)
  }
}
