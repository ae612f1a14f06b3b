import { Integration, valueAt, verifyHmac, type Handlers, type HmacScheme, type Payload, type WebhookRequest } from '@missive-integrations/core'
import { build, dyno, release } from './app-webhooks.js'
import { deployHook } from './deploy-hook.js'

export { COLORS, SKIP_REASONS, appThread, dashboardUrl, readApp, type App } from './app-webhooks.js'
export { DEPLOY_COLOR, MAX_GIT_LOG, readDeployHook, type DeployHook } from './deploy-hook.js'

/**
 * How Heroku signs an app webhook delivery: `Heroku-Webhook-Hmac-SHA256: <base64 HMAC-SHA256 of
 * the raw body under the webhook's secret>`. The legacy deploy hook does not sign.
 * @see https://devcenter.heroku.com/articles/app-webhooks#securing-webhook-requests
 */
export const SIGNATURE: HmacScheme = { header: 'Heroku-Webhook-Hmac-SHA256', algorithm: 'sha256', encoding: 'base64', sender: 'Heroku' }

/**
 * The event name of a legacy deploy hook delivery. App webhook deliveries are named by their
 * body's `resource` (`release`, `build`, `dyno`, …); a deploy hook's flat fields
 * (`app`, `user`, `url`, `head`, `git_log`, `release`) carry no `resource`.
 */
export const DEPLOY_HOOK_EVENT = 'deploy'

/** Resources Heroku's app webhooks send that are knowingly not posted, with the reason answered to Heroku. */
export const SKIPPED_EVENTS: Readonly<Record<string, string>> = {
  formation: 'formation changes (scaling, dyno sizes) are not posted: someone made them on purpose; dyno crashes are posted',
  addon: 'add-on changes (provisioned, plan changed, removed) are not posted: releases, builds and dyno crashes are',
  'addon-attachment': 'add-on attachments are not posted: releases, builds and dyno crashes are',
  app: 'app changes (settings, maintenance, renames) are not posted: releases, builds and dyno crashes are',
  domain: 'domain changes are not posted: releases, builds and dyno crashes are',
  collaborator: 'collaborator changes are not posted: releases, builds and dyno crashes are',
  'sni-endpoint': 'SNI endpoint (certificate) changes are not posted: releases, builds and dyno crashes are',
}

/** One handler per posted event: the deploy hook, then the app webhook resources. */
const HANDLERS: Handlers = {
  [DEPLOY_HOOK_EVENT]: deployHook,
  release,
  build,
  dyno,
}

/**
 * Heroku as Missive posts, in one conversation per app: the legacy deploy hook, exactly as
 * Missive's hosted (now deprecated) Heroku integration posts it, and Heroku's app webhooks
 * (releases, builds, dyno crashes). Deprecated like the hosted one: not listed by
 * `GET /integrations`, still served at `POST /heroku`.
 * @see https://github.com/missive/missive-webhooks/blob/master/lib/integrations/heroku.js
 * @see https://devcenter.heroku.com/articles/app-webhooks
 */
export default class Heroku extends Integration {
  override get id(): string {
    return 'heroku'
  }

  override get name(): string {
    return 'Heroku'
  }

  override get deprecated(): boolean {
    return true
  }

  /** App webhooks name the entity in the body's `resource`; see `event` for the deploy hook. */
  override get eventField(): string {
    return 'resource'
  }

  override get handlers(): Handlers {
    return HANDLERS
  }

  override get skipped(): Readonly<Record<string, string>> {
    return SKIPPED_EVENTS
  }

  override get signatureHeaders(): readonly string[] {
    return [SIGNATURE.header]
  }

  /**
   * An app webhook's `resource` (or, without one, its subscription entity
   * `webhook_metadata.event.include` less the `api:` prefix); anything else is the legacy deploy
   * hook, whose flat fields name no event.
   */
  override event(payload: Payload, request: WebhookRequest): string | undefined {
    const resource = super.event(payload, request)
    if (resource) return resource
    const include = valueAt(payload, 'webhook_metadata.event.include')
    if (typeof include === 'string' && include !== '') return include.replace(/^api:/, '')
    return DEPLOY_HOOK_EVENT
  }

  /**
   * What makes two deliveries the same post, so the server drops the second:
   * - a release or build: its id and status. Heroku reports one release as `create` and then
   *   `update` with the same outcome (see fixtures/release__*_succeeded.json): one post, not two;
   *   a redelivery of either is dropped too;
   * - any other app webhook: its delivery id (`webhook_metadata.delivery.id`), the same on every
   *   attempt of a delivery (each attempt has its own `attempt.id`);
   * - a deploy hook, which numbers nothing: a hash of the body (the server's default).
   */
  override deliveryId(_request: WebhookRequest, payload: Payload): string | undefined {
    const resource = payload.resource
    if (resource === 'release' || resource === 'build') {
      const id = valueAt(payload, 'data.id')
      const status = valueAt(payload, 'data.status')
      if (typeof id === 'string' && id !== '' && typeof status === 'string') return `${resource}/${id}/${status}`
    }
    const delivery = valueAt(payload, 'webhook_metadata.delivery.id')
    return typeof delivery === 'string' && delivery !== '' ? delivery : undefined
  }

  /** App webhooks signed with the endpoint's secret; mint deploy hook URLs without one (the hook does not sign). */
  override verify(request: WebhookRequest, secrets: readonly string[]): void {
    verifyHmac(request, secrets, SIGNATURE)
  }
}
