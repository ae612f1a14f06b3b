import { BURST_OPTIONS, type Digest } from './burst.js'
import { dispatch, dispatchTable, type Handlers } from './dispatch.js'
import { schemaOf, type FilterHost, type FilterSpec } from './filters.js'
import type { Payload } from './parse-body.js'
import { valueAt } from './payload-reader.js'
import type { WebhookRequest } from './request.js'
import type { ProcessOutput } from './result.js'
import { defaultIcon } from './icons.js'

/** The type of a provider option, spelled as the hosted service's `/integrations` lists it. */
export type OptionType = 'String' | 'Number' | 'Boolean'

/** One option a user configures for a provider's endpoint (Rollbar's `account`, …). */
export interface OptionSpec {
  key: string
  type: OptionType
  required?: boolean
  /** Human label for forms (the playground, docs). */
  label?: string
  description?: string
  /** Used when the endpoint does not set the option. */
  default?: string | number | boolean
  /** For a Number: the smallest and largest values allowed, and whether it must be whole. */
  min?: number
  max?: number
  integer?: boolean
}

/** A provider's options schema, in the hosted service's shape: `{ options: [...] }`. */
export interface Schema {
  options: OptionSpec[]
}

/** Provider options after validation: values typed as their spec says. */
export type ProviderOptions = Record<string, string | number | boolean | undefined>

/** What `GET /integrations` lists for a provider (the hosted service's `toJSON` shape). */
export interface IntegrationInfo {
  id: string
  name: string
  /** Absent when the provider has no icon (see `iconsOf`). */
  avatar?: string
  icon?: string
  schema: Schema
}

/**
 * The Integration contract, as Missive documents it: extend this class and implement `process`.
 *
 *   export default class Acme extends Integration {
 *     process(payload, req, options) {
 *       return { references: ['some-ref'], text: 'My text' }
 *     }
 *   }
 *
 * `process` receives the parsed body, the request (headers, query, raw body) and the endpoint's
 * provider options, and returns a result, several, nothing, or `skip(reason)`, directly or as a
 * promise. Results must be plain data: posts are queued and delivered later.
 *
 * Or declare the provider instead of writing `process`: where the sender names the event
 * (`eventHeader` or `eventField`, refined by `actionField`), a `handlers` table keyed by `event`
 * or `event.action`, the `skipped` events with their reasons, `verify` and `signatureHeaders`.
 * Core derives `events`, dispatches from the most specific name to the least and answers events
 * it does not know with `UnsupportedEventError`.
 * @see https://missiveapp.com/help/api-documentation/webhook-integrations-develop
 */
export abstract class Integration<Options extends ProviderOptions = ProviderOptions> {
  /** The provider id, used in the webhook URL (`POST /github`) and in references. */
  get id(): string {
    return this.constructor.name.replace(/Integration$/, '').toLowerCase()
  }

  /** The post's author name (default: the class name). */
  get name(): string {
    return this.constructor.name
  }

  /**
   * The post author's image (`username_icon`). Default: the hosted service's icon for the
   * providers it hosts, else none; a server with `PUBLIC_URL` serves the package's
   * `assets/icon.png` instead (see `iconsOf`). Override it to choose another image: it then wins.
   */
  get avatar(): string | undefined {
    return defaultIcon(this.id)
  }

  /** The conversation's icon in the conversation list (`conversation_icon`); defaults as `avatar` does. */
  get icon(): string | undefined {
    return defaultIcon(this.id)
  }

  /** The options a user configures for an endpoint. */
  get schema(): Schema {
    return { options: [] }
  }

  /**
   * What a burst digest of this provider's posts says (Rollbar, Sentry: occurrences by level and
   * environment; GitHub, GitLab: pushes and failures by who and what). Without one, a digest counts the folded posts by event
   * and lists their one-line summaries (core's `genericDigest`).
   */
  get digest(): Digest<unknown, Options> | undefined {
    return undefined
  }

  /**
   * Noise-control filters a user sets per endpoint like options (`--option branches=main`):
   * core adds them to the schema, checks their values and applies them after `process`, so a
   * filtered delivery is answered 200 `filtered` with the reason.
   */
  get filters(): readonly FilterSpec[] {
    return []
  }

  /** A deprecated provider still processes webhooks but is not listed by `GET /integrations`. */
  get deprecated(): boolean {
    return false
  }

  /**
   * One handler per event the provider posts, keyed by the event (`push`) or the event and its
   * action (`issues.opened`); the most specific name wins. A handler returns what `process`
   * would: a result, several, or `skip(reason)`.
   */
  get handlers(): Handlers<Options> {
    return {}
  }

  /**
   * Events (or `event.action`s) the provider knowingly does not post, each with the reason
   * answered to the sender (200, so it keeps the endpoint).
   */
  get skipped(): Readonly<Record<string, string>> {
    return {}
  }

  /** Event names this provider posts (docs, playground, fixture completeness check): derived from `handlers`. */
  get events(): readonly string[] {
    return dispatchTable(this).events
  }

  /** Whole events this provider knowingly does not post, with their reasons: derived from `skipped`. */
  get skippedEvents(): Readonly<Record<string, string>> {
    return dispatchTable(this).skippedEvents
  }

  /** The request header that carries the event name, when the sender puts it in a header. */
  get eventHeader(): string | undefined {
    return undefined
  }

  /** The body field (a dot path) that carries the event name, when the sender puts it in the body. */
  get eventField(): string | undefined {
    return undefined
  }

  /** The body field (a dot path) whose value refines the event (GitHub's `action`): handlers may be keyed `event.action`. */
  get actionField(): string | undefined {
    return undefined
  }

  /** The request header carrying the sender's id for a delivery (`X-GitHub-Delivery`): a redelivery is answered before its body is parsed. */
  get deliveryHeader(): string | undefined {
    return undefined
  }

  /** The request headers that carry a signature or a shared secret: never logged. */
  get signatureHeaders(): readonly string[] {
    return []
  }

  /**
   * The provider's name for an event as the sender spells it, when the two differ: GitLab sends
   * `X-Gitlab-Event: Merge Request Hook`, and its handlers and fixtures say `merge_request_hook`
   * (a file name cannot start with what has spaces in it). Applied to the event header or field;
   * it should also accept its own names. Without it, an event is named as sent.
   */
  eventName?(sent: string): string

  /**
   * How the sender spells one of the provider's event names, the inverse of `eventName`
   * (`merge_request_hook` → `Merge Request Hook`): the testing kit, the preview and the
   * playground put this in the event header, so they send what the sender sends.
   */
  sentEventName?(event: string): string

  /** The event name of a delivery (for logs, metrics, dispatch and fixtures): the event header, else the event field, named by `eventName`. */
  event(payload: Payload, request: WebhookRequest): string | undefined {
    if (this.eventHeader) return eventNamed(this, request.header(this.eventHeader))
    const field = this.eventField
    if (field === undefined) return undefined
    const value = valueAt(payload, field)
    return typeof value === 'string' ? eventNamed(this, value) : undefined
  }

  /** The sender's id for this delivery, used to drop redeliveries (default: the `deliveryHeader`); undefined hashes the body. */
  deliveryId(request: WebhookRequest, _payload: Payload): string | undefined {
    return this.deliveryHeader === undefined ? undefined : request.header(this.deliveryHeader)
  }

  /**
   * Verify the sender's signature against the endpoint's secrets (several while rotating one);
   * throw `SignatureError` on mismatch. Providers whose sender does not sign leave it undefined.
   */
  verify?(request: WebhookRequest, secrets: readonly string[]): void | Promise<void>

  /**
   * Turn a delivery into posts. By default, the handler for its `event.action` or `event` runs
   * (or its `skipped` reason is answered); a hand-written integration overrides this instead.
   */
  process(payload: Payload, request: WebhookRequest, options: Options): ProcessOutput | Promise<ProcessOutput> {
    return dispatch(this, payload, request, options, this.event(payload, request))
  }

  toJSON(): IntegrationInfo {
    const { avatar, icon } = this
    return { id: this.id, name: this.name, ...(avatar === undefined ? {} : { avatar }), ...(icon === undefined ? {} : { icon }), schema: endpointSchema(this) }
  }
}

/**
 * Every option an endpoint of this provider takes: the provider's own, its filters, then the ones
 * core adds to every provider (burst digests), unless the provider declares one of those itself.
 */
export function endpointSchema(integration: FilterHost): Schema {
  const own = schemaOf(integration).options
  return { options: [...own, ...coreOptionSpecs(own)] }
}

/** The options core adds that a provider's own options (and filters) do not already declare. */
export function coreOptionSpecs(own: readonly OptionSpec[]): readonly OptionSpec[] {
  return BURST_OPTIONS.filter((core) => !own.some((spec) => spec.key === core.key))
}

/** A sent event name as the provider names it (its `eventName`, when it declares one). */
export function eventNamed(integration: Pick<Integration<never>, 'eventName'>, sent: string | undefined): string | undefined {
  return sent === undefined || integration.eventName === undefined ? sent : integration.eventName(sent)
}

/** True for an object that fulfils the Integration contract (also across duplicated core copies). */
export function isIntegration(value: unknown): value is Integration {
  if (value instanceof Integration) return true
  if (value === null || typeof value !== 'object') return false
  const candidate = value as Partial<Record<keyof Integration, unknown>>
  const schema = candidate.schema as { options?: unknown } | undefined
  return (
    typeof candidate.process === 'function' &&
    typeof candidate.id === 'string' &&
    typeof candidate.name === 'string' &&
    typeof candidate.event === 'function' &&
    typeof candidate.deliveryId === 'function' &&
    typeof candidate.toJSON === 'function' &&
    typeof schema === 'object' &&
    schema !== null &&
    Array.isArray(schema.options)
  )
}
