/**
 * Burst digests: a storm on one Sentry issue (its events, alerts and state changes) or on one
 * metric alert rule (its incidents' transitions) as one post that counts them.
 */
import { bold, countList, describeSpan, formatCount, lines, link, readPayload, rich, tally, type Digest, type PayloadReader } from '@missive-integrations/core'
import { tag } from './format/event.js'
import { COLORS, levelColor, levelOf, objectAt, textAt, type Level, type SentryOptions } from './format/shared.js'

/** What a burst digest of one conversation keeps: counts, the issue or rule it links to, not the payloads. */
export interface SentryDigest {
  /** The issue's title (or the metric alert rule's name), from the first folded delivery that has one. */
  title: string | undefined
  /** The issue's page (or the metric alert's). */
  url: string | undefined
  /** Folded issue deliveries by kind: `events`, `alerts`, `resolved`, `archived`, `assigned`, … */
  kinds: Record<string, number>
  /** The levels and environments of the folded events and alerts. */
  levels: Partial<Record<Level, number>>
  environments: Record<string, number>
  /** Folded metric alert transitions by state: `critical`, `warning`, `resolved`, … */
  states: Record<string, number>
  /** The latest metric alert state. */
  state: string | undefined
  /** The latest folded post's color, for a digest with neither levels nor states (issue state changes only). */
  color: string | undefined
}

/** Levels from the most severe: a digest is colored by the worst it folded. */
const SEVERITY: readonly Level[] = ['fatal', 'error', 'warning', 'info', 'debug']

/** The order kinds are listed in; any other comes after them, by name. */
const KINDS = [
  'events',
  'alerts',
  'created',
  'resolved',
  'archived',
  'assigned',
  'unresolved',
  'regressed',
  'escalating',
  'comments',
  'edited comments',
  'deleted comments',
]
const STATES = ['critical', 'warning', 'open', 'resolved']

/** How an issue delivery is counted: as its post says it (`ignored` is posted as archived). */
const ISSUE_KINDS: Readonly<Record<string, string>> = { created: 'created', resolved: 'resolved', ignored: 'archived', assigned: 'assigned' }
const COMMENT_KINDS: Readonly<Record<string, string>> = { created: 'comments', updated: 'edited comments', deleted: 'deleted comments' }

// `https://sentry.io/organizations/ORG/issues/ID/` of an event's `web_url` (`…/issues/ID/events/EVENT_ID/`).
const ISSUE_PAGE = /^(https?:\/\/[^?#]*?\/issues\/\d+\/)events\//

/** `name count` pairs in a fixed order, then the rest by name. */
function ordered(counts: Record<string, number>, order: readonly string[]): Array<[string, number]> {
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length)
  return Object.entries(counts)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
}

/** `Events 2, alerts 1`. */
function sentence(entries: Array<[string, number]>): string {
  const text = countList(entries)
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** What an `unresolved` issue delivery is, by its substatus (as its post says it). */
function unresolvedKind(issue: PayloadReader | undefined): string {
  const substatus = textAt(issue, 'substatus')?.toLowerCase()
  return substatus === 'regressed' || substatus === 'escalating' ? substatus : 'unresolved'
}

/**
 * "12 more events of ReferenceError: … between 14:00:00 and 14:00:11 UTC", linked to the issue,
 * with the events' and alerts' levels and environments and any state changes that folded with
 * them, colored by the worst level; a metric alert rule's as its critical, warning and resolved
 * transitions, colored by the worst state. Reads tolerantly: an odd field is left out, never a throw.
 */
export const SENTRY_DIGEST: Digest<SentryDigest, SentryOptions> = {
  fold(summary, { event, payload, result }) {
    const next: SentryDigest = summary ?? {
      title: undefined,
      url: undefined,
      kinds: {},
      levels: {},
      environments: {},
      states: {},
      state: undefined,
      color: undefined,
    }
    next.color = result.color ?? next.color
    const p = readPayload(payload, 'sentry', event)
    const action = textAt(p, 'action')?.toLowerCase()
    if (event === 'metric_alert') {
      const incident = objectAt(p, 'data.metric_alert')
      next.title ??= textAt(objectAt(incident, 'alert_rule'), 'name') ?? textAt(incident, 'title')
      next.url ??= textAt(p, 'data.web_url')
      const state = action ?? 'triggered'
      tally(next.states, state)
      next.state = state
      return next
    }
    const occurrence = event === 'error' ? objectAt(p, 'data.error') : event === 'event_alert' ? objectAt(p, 'data.event') : undefined
    if (occurrence) {
      tally(next.kinds, event === 'error' ? 'events' : 'alerts')
      next.title ??= textAt(occurrence, 'title') ?? textAt(occurrence, 'metadata.title') ?? textAt(occurrence, 'message')
      // An event links to its own page, under the issue's: the digest links to the issue.
      next.url ??= ISSUE_PAGE.exec(textAt(occurrence, 'web_url') ?? '')?.[1]
      const level = levelOf(occurrence)
      if (level) tally(next.levels, level)
      const environment = textAt(occurrence, 'environment') ?? tag(occurrence, 'environment')
      if (environment) tally(next.environments, environment)
      return next
    }
    if (event === 'issue') {
      const issue = objectAt(p, 'data.issue')
      next.title ??= textAt(issue, 'title') ?? textAt(issue, 'metadata.title')
      // The issue's own page, as its posts link it, wins over one read from an event's.
      next.url = textAt(issue, 'web_url') ?? textAt(issue, 'permalink') ?? next.url
      tally(next.kinds, action === 'unresolved' ? unresolvedKind(issue) : ((action && ISSUE_KINDS[action]) ?? `issue ${action ?? 'updates'}`))
      return next
    }
    if (event === 'comment') {
      tally(next.kinds, (action && COMMENT_KINDS[action]) ?? 'comments')
      return next
    }
    tally(next.kinds, event ?? 'other')
    return next
  },
  render(summary, burst) {
    const kinds = ordered(summary.kinds, KINDS)
    const states = ordered(summary.states, STATES)
    const only = kinds.length === 1 && states.length === 0 ? kinds[0]![0] : kinds.length === 0 && states.length > 0 ? 'metric alerts' : undefined
    const [one, many] =
      only === 'events'
        ? ['event', 'events']
        : only === 'alerts'
          ? ['alert', 'alerts']
          : only === 'metric alerts'
            ? ['metric alert', 'metric alerts']
            : ['notification', 'notifications']
    const what = `${formatCount(burst.count)} more ${burst.count === 1 ? one : many}`
    const levels = SEVERITY.filter((level) => summary.levels[level]).map((level): [string, number] => [level, summary.levels[level]!])
    const environments = Object.entries(summary.environments).sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    const title = summary.title ?? (states.length > 0 ? 'this alert rule' : 'this issue')
    const text = lines(
      rich`${bold(what)} of ${summary.url ? link(summary.url, title) : title} ${describeSpan(burst.first, burst.last)}`,
      states.length > 0 ? rich`${sentence(states)}${summary.state ? `; latest: ${summary.state}` : ''}` : undefined,
      kinds.length > 0 && only !== 'events' && only !== 'alerts' ? rich`${sentence(kinds)}` : undefined,
      levels.length > 0 ? rich`Levels: ${countList(levels)}` : undefined,
      environments.length > 0 ? rich`Environments: ${countList(environments)}` : undefined,
    )
    const worst = levels[0]?.[0] as Level | undefined
    const state = STATES.find((name) => summary.states[name] && name !== 'resolved') ?? (summary.states.resolved ? 'resolved' : undefined)
    const color = worst
      ? COLORS.level[worst]
      : state
        ? COLORS.metric[state === 'open' ? 'warning' : (state as keyof typeof COLORS.metric)]
        : (summary.color ?? levelColor(undefined))
    return { color, notification: text.plain, attachments: [{ text: text.text, color }] }
  },
}
