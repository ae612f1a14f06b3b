/**
 * Metric alerts (`Sentry-Hook-Resource: metric_alert`): one conversation per alert rule, so each
 * incident of the rule, from critical or warning to resolved, follows the last.
 * @see https://docs.sentry.io/organization/integrations/integration-platform/webhooks/metric-alerts/
 */
import { capitalize, lines, link, type IntegrationResult, type PayloadReader } from '@missive-integrations/core'
import { COLORS, fields, scoped, subjectOf, textAt, type Delivery } from './shared.js'

/**
 * The incident's state, as Sentry names it in `action`: `critical`, `warning` and `resolved`
 * (also `open`, for an incident without a threshold, colored like a warning).
 */
function stateColor(action: string | undefined): string {
  return action !== undefined && Object.hasOwn(COLORS.metric, action) ? COLORS.metric[action as keyof typeof COLORS.metric] : COLORS.metric.warning
}

/** The projects an alert rule watches, as Sentry lists their slugs. */
function projectsOf(...readers: PayloadReader[]): string | undefined {
  for (const reader of readers) {
    const projects = reader.get('projects')
    if (Array.isArray(projects)) {
      const slugs = projects.filter((slug): slug is string => typeof slug === 'string' && slug !== '')
      if (slugs.length > 0) return slugs.join(', ')
    }
  }
  return undefined
}

export function metricAlert({ p, action, options }: Delivery): IntegrationResult {
  const incident = p.object('data.metric_alert')
  const rule = incident.object('alert_rule')
  const ruleId = rule.id('id')
  const name = textAt(rule, 'name') ?? textAt(incident, 'title') ?? `alert rule ${ruleId}`
  const state = action ?? 'triggered'
  const color = stateColor(action)
  const headline = link(textAt(p, 'data.web_url'), textAt(p, 'data.description_title') ?? `${capitalize(state)}: ${name}`)
  const text = lines(headline, textAt(p, 'data.description_text'))
  const facts = fields([
    ['Projects', projectsOf(rule, incident)],
    ['Environment', textAt(rule, 'environment')],
  ])
  return {
    references: [scoped(options, `metric-alert/${ruleId}`)],
    subject: subjectOf(`Metric alert: ${name}`),
    color,
    notification: text.plain,
    attachment: { text: text.text, color, ...facts },
  }
}
