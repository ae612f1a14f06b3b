/**
 * Events of an issue: an issue alert rule that fired (`event_alert`) and a new error event
 * (`error`). Both carry the event, not the issue, but name its issue, so they land in the issue's
 * conversation next to its `issue` posts.
 * @see https://docs.sentry.io/organization/integrations/integration-platform/webhooks/issue-alerts/
 * @see https://docs.sentry.io/organization/integrations/integration-platform/webhooks/errors/
 */
import { bold, capitalize, code, lines, link, rich, type IntegrationResult, type PayloadReader, type RichText } from '@missive-integrations/core'
import { fields, issueThread, levelColor, levelOf, textAt, type Delivery, type Level } from './shared.js'

/** What the posts of an event read; only the issue it belongs to is essential. */
export interface EventFacts {
  issueId: string
  title: string
  /** The event's page in Sentry (`web_url`). */
  url: string | undefined
  level: Level | undefined
  culprit: string | undefined
  environment: string | undefined
  release: string | undefined
}

// `/issues/1170820242/` in `issue_url` (`/api/0/issues/ID/`, or `/api/0/organizations/ORG/issues/ID/`) and `web_url`.
const ISSUE_IN_URL = /\/issues\/(\d+)(?:[/?#]|$)/

/**
 * The event at `path` (`data.event`, `data.error`). Its issue is `issue_id`; payloads from before
 * Sentry added it only name the issue in `issue_url` and `web_url`, which are read instead.
 */
export function readEvent(p: PayloadReader, path: string): EventFacts {
  const event = p.object(path)
  const issueId =
    textAt(event, 'issue_id') ?? ISSUE_IN_URL.exec(textAt(event, 'issue_url') ?? '')?.[1] ?? ISSUE_IN_URL.exec(textAt(event, 'web_url') ?? '')?.[1]
  if (issueId === undefined) throw event.invalid('issue_id', "the id of the event's issue (or an issue_url or web_url naming it)")
  return {
    issueId,
    title:
      textAt(event, 'title') ??
      textAt(event, 'metadata.title') ??
      textAt(event, 'message') ??
      textAt(event, 'logentry.formatted') ??
      `Sentry event ${textAt(event, 'event_id') ?? `in issue ${issueId}`}`,
    url: textAt(event, 'web_url'),
    level: levelOf(event),
    culprit: textAt(event, 'culprit'),
    environment: textAt(event, 'environment') ?? tag(event, 'environment'),
    release: textAt(event, 'release') ?? tag(event, 'sentry:release') ?? tag(event, 'release'),
  }
}

/** A tag's value: Sentry sends tags as `[key, value]` pairs (or, in places, `{key, value}` objects). */
export function tag(event: PayloadReader, key: string): string | undefined {
  const tags = event.get('tags')
  if (!Array.isArray(tags)) return undefined
  for (const item of tags as unknown[]) {
    const [name, value] = Array.isArray(item)
      ? item
      : item !== null && typeof item === 'object'
        ? [(item as Record<string, unknown>).key, (item as Record<string, unknown>).value]
        : []
    if (name === key && typeof value === 'string' && value !== '') return value
  }
  return undefined
}

function eventPost({ options }: Delivery, event: EventFacts, sentence: RichText): IntegrationResult {
  const color = levelColor(event.level)
  const text = lines(sentence, event.culprit === undefined ? undefined : code(event.culprit))
  const facts = fields([
    ['Level', event.level && capitalize(event.level)],
    ['Environment', event.environment],
    ['Release', event.release],
  ])
  return {
    ...issueThread(options, event.issueId, event.title),
    color,
    notification: sentence.plain,
    attachment: { text: text.text, color, ...facts },
  }
}

/** An issue alert rule fired for an event: `triggered` is the only action Sentry sends. */
export function eventAlert(delivery: Delivery): IntegrationResult {
  const event = readEvent(delivery.p, 'data.event')
  const rule = textAt(delivery.p, 'data.triggered_rule') ?? textAt(delivery.p, 'data.issue_alert.title')
  const title = link(event.url, event.title)
  return eventPost(delivery, event, rule === undefined ? rich`Alert triggered: ${title}` : rich`Alert ${bold(rule)} triggered: ${title}`)
}

/** A new error event (`created`, the only action): Sentry sends one per event, on Business plans and up. */
export function errorCreated(delivery: Delivery): IntegrationResult {
  const event = readEvent(delivery.p, 'data.error')
  return eventPost(delivery, event, rich`New event: ${link(event.url, event.title)}`)
}
