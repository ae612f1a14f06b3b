/**
 * Heroku's legacy HTTP deploy hook (the "Deploy Hooks" add-on, HTTP Post Hook plan), posted
 * exactly as Missive's hosted Heroku integration posts it, so that a team moving over keeps
 * landing in the same conversations: reference and subject = the app name, pretext
 * "USER deployed version *RELEASE* of <URL|APP>", the git log as Markdown, color #430098.
 * @see https://github.com/missive/missive-webhooks/blob/master/lib/integrations/heroku.js
 * @see https://devcenter.heroku.com/articles/deploy-hooks#http-post-hook
 */
import { bold, link, rich, truncate, type IntegrationResult, type PayloadReader, type WebhookEvent } from '@missive-integrations/core'

/** Heroku purple: the hosted integration's attachment color. */
export const DEPLOY_COLOR = '#430098'

/** A git log longer than this is cut: a deploy of hundreds of commits should not make a wall of text. */
export const MAX_GIT_LOG = 5000

/**
 * The fields of a deploy hook, read liberally: the hook posts them form-encoded (`app=…&user=…`)
 * or, through a relay, as JSON; only `app` is essential (it is the thread).
 */
export interface DeployHook {
  app: string
  user: string | undefined
  url: string | undefined
  /** `release` (`v42`), else `head` (the short sha), as the hosted integration shows it. */
  version: string | undefined
  gitLog: string | undefined
}

export function readDeployHook(p: PayloadReader): DeployHook {
  const app = p.string('app').trim()
  if (app === '') throw p.invalid('app', 'a non-empty app name')
  return {
    app,
    user: field(p, 'user'),
    url: field(p, 'url'),
    version: field(p, 'release') ?? field(p, 'head'),
    gitLog: p.optionalString('git_log')?.trimEnd() || undefined,
  }
}

/** The deploy hook's post: one conversation per app. */
export function deployHook({ p }: WebhookEvent): IntegrationResult {
  const hook = readDeployHook(p)
  const version = hook.version === undefined ? 'a new version' : rich`version ${bold(hook.version)}`
  const pretext = rich`${hook.user ?? 'Someone'} deployed ${version} of ${link(hook.url, hook.app)}`
  return {
    references: [hook.app],
    subject: hook.app,
    notification: pretext.plain,
    attachment: {
      pretext: pretext.text,
      // The git log is Markdown the hosted integration posted as it came (`  * Ada: Fix login`).
      ...(hook.gitLog === undefined ? {} : { markdown: truncate(hook.gitLog, MAX_GIT_LOG) }),
      color: DEPLOY_COLOR,
    },
  }
}

/** A one-line field, trimmed (a JSON relay may send `release` as a number); empty reads as absent. */
function field(p: PayloadReader, name: string): string | undefined {
  const value = p.get(name)
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return p.optionalString(name)?.trim() || undefined
}
