import type { FilterSpec, PayloadReader } from '@missive-integrations/core'

/** Sentry's event levels, lowest first: the scale of the `min_level` filter. */
export const LEVELS = ['debug', 'info', 'warning', 'error', 'fatal'] as const

/** The event an alert or an error delivery carries (`data.event`, `data.error`). */
function eventOf(p: PayloadReader): PayloadReader | undefined {
  return p.optionalObject('data.event') ?? p.optionalObject('data.error')
}

/** A tag's value from an event's `tags`, sent as `[key, value]` pairs (or `{ key, value }` objects). */
function tagOf(event: PayloadReader, key: string): string | undefined {
  for (const tag of event.optionalArray('tags')) {
    if (Array.isArray(tag) && tag[0] === key && typeof tag[1] === 'string') return tag[1]
    if (tag !== null && typeof tag === 'object' && (tag as { key?: unknown }).key === key) {
      const value = (tag as { value?: unknown }).value
      if (typeof value === 'string') return value
    }
  }
  return undefined
}

// An event names its project by numeric id only; its API URL names it by slug:
// https://sentry.io/api/0/projects/ORG/PROJECT/events/ID/ (see fixtures/error__created.json).
const EVENT_URL_PROJECT = /\/api\/0\/projects\/[^/]+\/([^/]+)\/events\//

/**
 * The project slug(s) a delivery is about: an issue's `project.slug`, a comment's `project_slug`,
 * an event's from its API URL, a metric alert rule's `projects`; undefined when none is sent.
 */
function projectsOf(p: PayloadReader): string | readonly string[] | undefined {
  const slug = p.optionalString('data.issue.project.slug') ?? p.optionalString('data.project_slug')
  if (slug !== undefined) return slug
  const event = eventOf(p)
  const url = event?.optionalString('url')
  const fromUrl = url === undefined ? undefined : EVENT_URL_PROJECT.exec(url)?.[1]
  if (fromUrl !== undefined) return decodeURIComponent(fromUrl)
  const rule = p.optionalObject('data.metric_alert.alert_rule')
  return rule?.has('projects') ? rule.array('projects').filter((project): project is string => typeof project === 'string') : undefined
}

/** Noise control for a Sentry endpoint: `--option min_level=error --option environments=production`. */
export const FILTERS: readonly FilterSpec[] = [
  {
    key: 'min_level',
    kind: 'level',
    levels: LEVELS,
    noun: 'level',
    label: 'Minimum level',
    description: 'post only issues, errors and alerts on events at this level or above; comments and metric alerts pass',
    read: (p) => p.optionalString('data.issue.level') ?? eventOf(p)?.optionalString('level'),
  },
  {
    key: 'environments',
    kind: 'list',
    noun: 'environment',
    label: 'Environments',
    description: 'post only events and metric alerts of these environments (an issue carries none: it passes)',
    read: (p) => {
      const event = eventOf(p)
      return (event && (event.optionalString('environment') ?? tagOf(event, 'environment'))) ?? p.optionalString('data.metric_alert.alert_rule.environment')
    },
  },
  {
    key: 'projects',
    kind: 'list',
    noun: 'project',
    label: 'Projects',
    description: 'post only issues, events, comments and metric alerts of these projects (project slugs)',
    read: projectsOf,
  },
]
