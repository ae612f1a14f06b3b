/**
 * What every Sentry formatter shares: threading, colors, levels, who acted, and tolerant reads of
 * the fields a post can do without.
 * @see https://docs.sentry.io/organization/integrations/integration-platform/webhooks/
 */
import {
  RichText,
  firstLine,
  truncate,
  type AttachmentField,
  type IntegrationResult,
  type PayloadReader,
  type ProviderOptions,
  type WebhookEvent,
} from '@missive-integrations/core'

/** Options of a Sentry endpoint, after core's resolveOptions checked them against the schema. */
export interface SentryOptions extends ProviderOptions {
  instance?: string
}

/** One delivery as a formatter sees it. */
export type Delivery = WebhookEvent<SentryOptions>

/**
 * Colors from Sentry's own palette, so a conversation looks like the issue does in Sentry: levels
 * (fatal and error red, warning amber, info blue, debug grey), resolved green, archived grey, and
 * metric alerts by the state of their incident.
 */
export const COLORS = {
  level: {
    fatal: '#e03e2f',
    error: '#e03e2f',
    warning: '#f5b000',
    info: '#3c74dd',
    debug: '#80708f',
  },
  resolved: '#2ba185',
  archived: '#80708f',
  metric: {
    critical: '#e03e2f',
    warning: '#f5b000',
    resolved: '#2ba185',
  },
} as const

export type Level = keyof typeof COLORS.level

/** The longest subject a conversation gets: Sentry titles can be a whole exception message. */
const MAX_SUBJECT = 200

/**
 * A reference inside the endpoint's `instance`, when it has one. Sentry ids (issues, alert rules)
 * are unique within one Sentry instance only: two self-hosted instances both have an issue 1.
 */
export function scoped(options: SentryOptions, ref: string): string {
  const instance = options.instance?.trim()
  return instance ? `${encodeURIComponent(instance)}/${ref}` : ref
}

/**
 * A Sentry issue's conversation: `issue/ISSUE_ID`. The issue id is the one identifier every
 * resource carries (`data.issue.id`, `data.event.issue_id`, `data.error.issue_id`,
 * `data.issue_id` of a comment; a comment carries no project id), and Sentry's own issue URLs name
 * an issue by it alone.
 */
export function issueThread(options: SentryOptions, issueId: string, subject: string): Pick<IntegrationResult, 'references' | 'subject'> {
  return { references: [scoped(options, `issue/${issueId}`)], subject: subjectOf(subject) }
}

/** A subject on one line, cut to a length a conversation list can show. */
export function subjectOf(title: string): string {
  return truncate(firstLine(title) || title.trim(), MAX_SUBJECT)
}

/**
 * A field a post can do without: its text (a number reads as its digits), or undefined when it is
 * absent, null, empty or of another type, so that an odd value never refuses a delivery.
 */
export function textAt(reader: PayloadReader | undefined, path: string): string | undefined {
  const value = reader?.get(path)
  if (typeof value === 'string') return value.trim() === '' ? undefined : value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return undefined
}

/** An object a post can do without: a reader, or undefined when it is absent or not an object. */
export function objectAt(reader: PayloadReader | undefined, path: string): PayloadReader | undefined {
  const value = reader?.get(path)
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? reader!.object(path) : undefined
}

/** A Sentry level (`fatal`, `error`, `warning`, `info`, `debug`); anything else reads as undefined. */
export function levelOf(reader: PayloadReader | undefined, path = 'level'): Level | undefined {
  const value = textAt(reader, path)?.toLowerCase()
  return value !== undefined && Object.hasOwn(COLORS.level, value) ? (value as Level) : undefined
}

/** The color of a level; an unknown level is an error, Sentry's default level. */
export function levelColor(level: Level | undefined): string {
  return COLORS.level[level ?? 'error']
}

/**
 * Who triggered the webhook: a user's name, an integration's name, or "Sentry" when Sentry acted
 * on its own (auto-resolve, regressions, alert rules).
 */
export function actorName(p: PayloadReader): string {
  return textAt(objectAt(p, 'actor'), 'name') ?? 'Sentry'
}

/** Whether a person (not Sentry or an integration) triggered the webhook: what a bot filter reads. */
export function actorIsUser(p: PayloadReader): boolean {
  return textAt(objectAt(p, 'actor'), 'type') === 'user'
}

/** Attachment fields from label/value pairs, values escaped as user content; empty values are left out. */
export function fields(pairs: ReadonlyArray<readonly [string, string | undefined]>): { fields?: AttachmentField[] } {
  const list = pairs
    .filter((pair): pair is readonly [string, string] => pair[1] !== undefined)
    .map(([title, value]) => ({ title, value: RichText.from(value).text, short: true }))
  return list.length > 0 ? { fields: list } : {}
}
