/**
 * Security alerts. Each alert gets its own conversation (`REPO_ID/<kind>/<number>`), so its
 * whole life (created, dismissed, fixed, reopened) reads as one thread.
 * @see https://docs.github.com/en/code-security
 */
import { bold, code, link, rich, type PayloadReader, type ProcessOutput, type RichText } from '@missive-integrations/core'
import { actor, actorName, COLORS, readRepo, sentence, words, type Delivery } from './shared.js'

/** Actions that mean the alert is gone: shown without the alarm color. */
const CLOSING = new Set(['fixed', 'dismissed', 'dismiss', 'resolved', 'resolve', 'closed_by_user', 'auto_dismissed', 'withdrawn'])

/** @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#dependabot_alert */
export function dependabotAlert({ p, action = 'updated' }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const alert = p.object('alert')
  const number = alert.number('number')
  const pkg = alert.string('dependency.package.name')
  const severity = alert.optionalString('security_advisory.severity')
  const summary = alert.optionalString('security_advisory.summary')
  const name = link(alert.optionalString('html_url') ?? `${repo.url}/security/dependabot/${number}`, `Dependabot alert #${number}`)
  const text = rich`${actor(p)} ${words(action)} ${name}: ${severity ? rich`${bold(severity)} ` : ''}vulnerability in ${code(pkg)}${summary ? ` (${summary})` : ''}`
  return sentence(
    { references: [`${repo.id}/dependabot/${number}`], subject: `Dependabot alert #${number}: ${pkg} [${repo.name}]` },
    text,
    CLOSING.has(action) ? undefined : COLORS.rejected,
  )
}

/**
 * A code scanning alert's life, in words: GitHub raises, fixes and reopens alerts as analyses run
 * (the sender is then the github bot, so it is not named); people close and reopen them.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#code_scanning_alert
 */
export function codeScanningAlert({ p, action = 'updated' }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const alert = p.object('alert')
  const number = alert.number('number')
  const rule = alert.optionalString('rule.description') ?? alert.string('rule.id')
  const severity = alert.optionalString('rule.security_severity_level') ?? alert.optionalString('rule.severity')
  const tool = alert.optionalString('tool.name')
  const url = alert.optionalString('html_url') ?? `${repo.url}/security/code-scanning/${number}`
  const what = rich`${severity ? rich`${bold(severity)} ` : ''}${rule}${tool ? ` (${tool})` : ''}`
  const text = rich`${codeScanningSentence(p, action, (label) => link(url, `${label} #${number}`))}: ${what}`
  return sentence(
    { references: [`${repo.id}/code-scanning/${number}`], subject: `Code scanning alert #${number}: ${rule} [${repo.name}]` },
    text,
    CLOSING.has(action) ? undefined : COLORS.rejected,
  )
}

/** What happened to the alert, from the raw action; `alert` links it, labelled for where it stands in the sentence. */
function codeScanningSentence(p: PayloadReader, action: string, alert: (label: string) => RichText): RichText {
  const Alert = alert('Code scanning alert')
  const where = refPlace(p.optionalString('ref'))
  const at = where ? rich` ${where.at}` : rich``
  switch (action) {
    case 'created':
      return rich`${Alert} was created${at}`
    case 'appeared_in_branch':
      return rich`${Alert} appeared in ${where ? where.in : 'another branch'}`
    case 'fixed':
      return rich`${Alert} was fixed${at}`
    case 'reopened':
      // GitHub found the alert again in a later analysis, after it was fixed.
      return rich`${Alert} was reopened${at}`
    case 'closed_by_user': {
      const who = p.optionalString('alert.dismissed_by.login') ?? actorName(p)
      const reason = p.optionalString('alert.dismissed_reason')
      const comment = p.optionalString('alert.dismissed_comment')
      return rich`${bold(who)} closed ${alert('code scanning alert')}${reason ? ` as ${reason}` : ''}${comment ? ` (“${comment}”)` : ''}`
    }
    case 'reopened_by_user':
      return rich`${actor(p)} reopened ${alert('code scanning alert')}`
    default:
      return rich`${Alert} (${words(action)})`
  }
}

/**
 * Where an analysis ran, from the payload's `ref` (empty when a person acted):
 * `refs/heads/main` → on / in branch `main`; `refs/pull/11/merge` → in pull request #11.
 */
function refPlace(ref: string | undefined): { at: RichText; in: RichText } | undefined {
  if (!ref) return undefined
  const pull = /^refs\/pull\/(\d+)\//.exec(ref)
  if (pull) return { at: rich`in pull request #${pull[1]}`, in: rich`pull request #${pull[1]}` }
  const branch = code(ref.replace(/^refs\/(heads|tags)\//, ''))
  return { at: rich`on ${branch}`, in: rich`branch ${branch}` }
}

/** @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#secret_scanning_alert */
export function secretScanningAlert({ p, action = 'updated' }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const alert = p.object('alert')
  const number = alert.number('number')
  const type = alert.optionalString('secret_type_display_name') ?? alert.string('secret_type')
  const name = link(alert.optionalString('html_url') ?? `${repo.url}/security/secret-scanning/${number}`, `secret scanning alert #${number}`)
  const resolution = alert.optionalString('resolution')
  const text = rich`${actor(p)} ${words(action)} ${name}: ${code(type)} exposed${resolution ? ` (${words(resolution)})` : ''}`
  return sentence(
    { references: [`${repo.id}/secret-scanning/${number}`], subject: `Secret scanning alert #${number}: ${type} [${repo.name}]` },
    text,
    CLOSING.has(action) ? undefined : COLORS.rejected,
  )
}

/** The older vulnerability alert, superseded by dependabot_alert. @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#repository_vulnerability_alert */
export function repositoryVulnerabilityAlert({ p, action = 'updated' }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const alert = p.object('alert')
  const id = alert.id('id')
  const pkg = alert.string('affected_package_name')
  const identifier = alert.optionalString('external_identifier') ?? alert.optionalString('ghsa_id')
  const advisory = identifier ? link(alert.optionalString('external_reference'), identifier) : rich`a vulnerability`
  const fixedIn = alert.optionalString('fixed_in')
  const severity = alert.optionalString('severity')
  const verb = action === 'create' ? 'New' : action === 'dismiss' ? 'Dismissed' : action === 'resolve' ? 'Resolved' : words(action)
  const text = rich`${verb} vulnerability alert: ${severity ? rich`${bold(severity)} ` : ''}${advisory} in ${code(pkg)}${alert.optionalString('affected_range') ? rich` ${code(alert.optionalString('affected_range'))}` : ''}${fixedIn ? `, fixed in ${fixedIn}` : ''}`
  return sentence(
    { references: [`${repo.id}/vulnerability/${id}`], subject: `Vulnerability alert: ${pkg} [${repo.name}]` },
    text,
    CLOSING.has(action) ? undefined : COLORS.rejected,
  )
}

/** A GitHub-reviewed advisory (published, updated, withdrawn), threaded by its GHSA id. @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#security_advisory */
export function securityAdvisory({ p, action = 'updated' }: Delivery): ProcessOutput {
  const advisory = p.object('security_advisory')
  const ghsa = advisory.string('ghsa_id')
  const summary = advisory.string('summary')
  const severity = advisory.optionalString('severity')
  const packages = [
    ...new Set(
      advisory
        .objects('vulnerabilities')
        .map((v) => v.optionalString('package.name'))
        .filter((n): n is string => !!n),
    ),
  ]
  const url = advisory.optionalString('html_url') ?? `https://github.com/advisories/${ghsa}`
  const text = rich`Advisory ${link(url, ghsa)} ${words(action)}: ${severity ? rich`${bold(severity)} ` : ''}${summary}${packages.length > 0 ? ` (${packages.join(', ')})` : ''}`
  return sentence({ references: [`advisories/${ghsa}`], subject: `${ghsa}: ${summary}` }, text, CLOSING.has(action) ? undefined : COLORS.rejected)
}
