/**
 * Heroku's app webhooks: releases, builds and dyno crashes, each in its app's conversation.
 * Every delivery is `{ id, action, actor, data, resource, version, webhook_metadata, … }`; `data`
 * is the entity as the Platform API returns it, `data.app` names the app.
 * @see https://devcenter.heroku.com/articles/app-webhooks
 * @see https://devcenter.heroku.com/articles/webhook-events
 * @see https://devcenter.heroku.com/articles/webhook-dyno-events
 */
import {
  bold,
  code,
  firstLine,
  join,
  link,
  rich,
  skip,
  truncate,
  type AttachmentField,
  type IntegrationResult,
  type PayloadReader,
  type ProcessOutput,
  type RichText,
  type WebhookEvent,
} from '@missive-integrations/core'
import { DEPLOY_COLOR } from './deploy-hook.js'

export const COLORS = {
  /** Heroku purple, as the deploy hook's posts: a release or build that worked. */
  success: DEPLOY_COLOR,
  /** A failed release or build, a crashed dyno. */
  failure: '#c6474e',
} as const

/** Skip reasons answered to Heroku for deliveries of posted events that do not post. */
export const SKIP_REASONS = {
  releasePending: 'a pending release is not posted: its outcome (succeeded or failed) is',
  releaseNotCurrent: 'a release that is no longer current is not posted again: Heroku reports the previous release when a new one replaces it',
  buildPending: 'a pending build is not posted: its outcome (succeeded or failed) is',
} as const

/** The app a delivery is about: its name is the thread (as the deploy hook's), its id survives a rename. */
export interface App {
  name: string
  id: string | undefined
}

export function readApp(data: PayloadReader): App {
  const app = data.object('app')
  const name = app.string('name').trim()
  if (name === '') throw app.invalid('name', 'a non-empty app name')
  return { name, id: app.optionalId('id') }
}

/**
 * The app's conversation: reference = the app name, exactly as the deploy hook threads (so a
 * team moving from the deploy hook to app webhooks keeps its conversation), plus `app/<id>`, so
 * the conversation follows the app through a rename. Subject = the app name.
 */
export function appThread(app: App): Pick<IntegrationResult, 'references' | 'subject'> {
  return { references: app.id === undefined ? [app.name] : [app.name, `app/${app.id}`], subject: app.name }
}

/** The app's activity page in the Heroku Dashboard (builds and releases are listed there). */
export function dashboardUrl(app: App): string {
  return `https://dashboard.heroku.com/apps/${encodeURIComponent(app.name)}/activity`
}

/** The app name, linking to its activity page. */
export function appLink(app: App): RichText {
  return link(dashboardUrl(app), app.name)
}

/** Whoever started it: the release's or build's user, else the webhook's actor. */
function who(p: PayloadReader, data: PayloadReader): string {
  return data.optionalString('user.email') || p.optionalString('actor.email') || 'Someone'
}

/** `v42` in bold, or undefined when the payload has no version. */
function versionOf(data: PayloadReader, path: string): RichText | undefined {
  const version = data.optionalId(path)
  return version === undefined ? undefined : bold(`v${version}`)
}

/** Status read once, as every handler needs it: `pending`, `succeeded`, `failed`. */
function statusOf(data: PayloadReader): string {
  return data.string('status')
}

function unknownStatus(resource: string, status: string): ProcessOutput {
  return skip(`${resource} status ${JSON.stringify(truncate(status, 40))} is not posted: only succeeded and failed ${resource}s are`)
}

/** A post whose pretext is the sentence, with an optional body and fields. */
function post(app: App, pretext: RichText, color: string, body?: string, fields: AttachmentField[] = []): IntegrationResult {
  const text = body === undefined ? undefined : rich`${body}`
  return {
    ...appThread(app),
    notification: text === undefined ? pretext.plain : `${pretext.plain}: ${text.plain}`,
    attachment: {
      pretext: pretext.text,
      ...(text === undefined ? {} : { text: text.text }),
      ...(fields.length > 0 ? { fields } : {}),
      color,
    },
  }
}

/**
 * `api:release`: a release that succeeded or failed. Heroku reports a release more than once (a
 * `create`, then `update`s; with a release phase, pending first): the post is made once per
 * release and outcome (see `Heroku.deliveryId`).
 * @see https://devcenter.heroku.com/articles/webhook-events#api-release
 */
export function release({ p }: WebhookEvent): ProcessOutput {
  const data = p.object('data')
  const status = statusOf(data)
  if (status === 'pending') return skip(SKIP_REASONS.releasePending)
  if (status !== 'succeeded' && status !== 'failed') return unknownStatus('release', status)
  if (status === 'succeeded' && data.optionalBoolean('current') === false) return skip(SKIP_REASONS.releaseNotCurrent)
  const app = readApp(data)
  const user = who(p, data)
  const version = versionOf(data, 'version')
  const description = data.optionalString('description')?.trim() || undefined
  if (status === 'succeeded') {
    const pretext = version ? rich`${user} released ${version} of ${appLink(app)}` : rich`${user} released ${appLink(app)}`
    return post(app, pretext, COLORS.success, description)
  }
  const pretext = version ? rich`Release ${version} of ${appLink(app)} by ${user} failed` : rich`A release of ${appLink(app)} by ${user} failed`
  return post(app, pretext, COLORS.failure, description)
}

/** A commit sha as Heroku shows it (7 characters); any other source version as it is. */
function shortVersion(version: string): string {
  return /^[0-9a-f]{40}$/i.test(version) ? version.slice(0, 7) : truncate(version, 40)
}

/**
 * `api:build`: a build that succeeded or failed, linking to its page in the Dashboard.
 * @see https://devcenter.heroku.com/articles/webhook-events#api-build
 */
export function build({ p }: WebhookEvent): ProcessOutput {
  const data = p.object('data')
  const status = statusOf(data)
  if (status === 'pending') return skip(SKIP_REASONS.buildPending)
  if (status !== 'succeeded' && status !== 'failed') return unknownStatus('build', status)
  const app = readApp(data)
  const user = who(p, data)
  const id = data.optionalId('id')
  const url = id === undefined ? undefined : `${dashboardUrl(app)}/builds/${encodeURIComponent(id)}`
  const source = data.optionalString('source_blob.version') || data.optionalString('slug.commit')
  const commit = source ? code(shortVersion(source)) : undefined
  // The commit message, when the build came from git (`version_description`, or the slug's).
  const message = firstLine(data.optionalString('source_blob.version_description') || data.optionalString('slug.commit_description')) || undefined
  if (status === 'succeeded') {
    const pretext = join([user, link(url, 'built'), commit, rich`for ${appLink(app)}`], ' ')
    return post(app, pretext, COLORS.success, message)
  }
  const pretext = join([link(url, 'Build'), commit ? rich`of ${commit}` : undefined, rich`for ${appLink(app)} by ${user} failed`], ' ')
  return post(app, pretext, COLORS.failure, message)
}

/**
 * `dyno`: a dyno's state changed. Only a crash is posted; a dyno starting, up, stopping or down
 * is the platform doing what it was asked. (`api:dyno` deliveries, a dyno created through the API,
 * carry `resource: "dyno"` too, in state `starting` or `up`: skipped the same way.)
 * @see https://devcenter.heroku.com/articles/webhook-dyno-events
 */
export function dyno({ p }: WebhookEvent): ProcessOutput {
  const data = p.object('data')
  const state = data.string('state')
  if (state !== 'crashed') {
    return skip(`dyno state ${JSON.stringify(truncate(state, 40))} is not posted: only crashed dynos are`)
  }
  const app = readApp(data)
  const name = data.optionalString('name')
  const exit = data.optionalNumber('exit_status')
  const dynoName = name ? rich`Dyno ${code(name)}` : 'A dyno'
  const pretext = rich`${dynoName} of ${appLink(app)} crashed${exit === undefined ? '' : ` with exit status ${exit}`}`
  const fields: AttachmentField[] = []
  const command = data.optionalString('command')
  if (command) fields.push({ title: 'Command', value: rich`${command}`.text, short: false })
  const version = data.optionalId('release.version')
  if (version) fields.push({ title: 'Release', value: `v${version}`, short: true })
  const size = data.optionalString('size')
  if (size) fields.push({ title: 'Size', value: rich`${size}`.text, short: true })
  return post(app, pretext, COLORS.failure, undefined, fields)
}
