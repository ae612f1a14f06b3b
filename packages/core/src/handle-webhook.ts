import { createHash } from 'node:crypto'
import { burstPlan, burstSettings, type BurstPlan } from './burst.js'
import { dispatch } from './dispatch.js'
import {
  IntegrationError,
  InvalidPayloadError,
  InvalidResultError,
  ProviderError,
  QueueUnavailableError,
  SignatureError,
  UnsupportedEventError,
} from './errors.js'
import { applyFilters } from './filters.js'
import { iconsOf, type IconSettings } from './icons.js'
import { eventNamed, Integration, type ProviderOptions } from './integration.js'
import { resolveCoreOptions, resolveOptions } from './options.js'
import { parseBody, type Payload } from './parse-body.js'
import { toMissivePosts, type MissivePost, type PostOptions } from './post.js'
import type { WebhookRequest } from './request.js'
import type { ProcessOutput, ValidResult } from './result.js'
import { validateOutput } from './validate.js'

/** Where a delivery's posts go and how it is checked: what a webhook URL's token resolves to. */
export interface Endpoint {
  /** The Missive API token the posts are made with. */
  token: string
  /** Post options merged into every post (organization, team, add_shared_labels, …). */
  postOptions?: PostOptions | undefined
  /** The provider's own options (Rollbar's account and project, …). */
  options?: Record<string, unknown> | undefined
  /** Webhook secrets; when any is set, the provider's signature check must pass with one of them. */
  secrets?: readonly string[] | undefined
}

/**
 * The endpoint a request is for, or an `IntegrationError` saying why not (a missing or invalid
 * URL token is a 401). Called first, before the body is read.
 */
export type ResolveEndpoint = (integration: Integration) => Endpoint | Promise<Endpoint>

/** What a delivery commits: its posts in order (the delivery's own first, then its follow-ups). */
export interface WebhookDelivery {
  provider: string
  event: string | undefined
  /** `provider:endpoint:deliveryId` when the sender numbers its deliveries, else a hash of provider, token and body. */
  dedupeKey: string
  /** The Missive API token the posts are made with. */
  token: string
  posts: MissivePost[]
  /**
   * How the delivery's post folds into a burst digest, when the store finds its conversation
   * already got `limit` posts in the current window (absent: digests off, or several posts).
   */
  burst?: BurstPlan | undefined
}

/** The durable side of a server: where deliveries are deduplicated and committed. */
export interface DeliveryStore {
  /** A hint that this dedupe key was committed recently, so a redelivery is answered before its body is parsed. */
  seen(dedupeKey: string): Promise<boolean>
  /** Commit durably (resolved once on disk); a key committed recently is a duplicate. */
  enqueue(delivery: WebhookDelivery): Promise<{ status: 'queued'; queued: number; folded?: number | undefined } | { status: 'duplicate' }>
}

/**
 * What a delivery came to. Every kind but `posts` is an answer a server sends as it is (see
 * `answerOf`); `posts` is what a run without a store (preview, playground, tests) would commit.
 */
export type WebhookOutcome =
  /** Committed to the store: 202 (`folded`: into its conversation's burst digest instead of a post of its own). */
  | { kind: 'queued'; queued: number; folded?: number | undefined }
  /** Ready to commit (no store was given). */
  | { kind: 'posts'; results: ValidResult[]; posts: MissivePost[]; delivery: WebhookDelivery }
  /** Committed before (the sender's redelivery): 200. */
  | { kind: 'duplicate' }
  /** The provider does not post this event, with the reason: 200, so the sender keeps the endpoint. */
  | { kind: 'skipped'; reason: string }
  /** The endpoint's filters drop this delivery (`branches`, `exclude_bots`, …), with the reason: 200. */
  | { kind: 'filtered'; reason: string }
  /** The request is wrong (token, size, signature, body, payload, options): its error's 4xx. */
  | { kind: 'rejected'; error: IntegrationError }
  /** The provider or the store failed (422 provider bug, 503 queue): logged as an error. */
  | { kind: 'error'; error: IntegrationError }

/** A handled webhook: its event (as far as it is known) and outcome. Never a thrown error. */
export interface HandledWebhook {
  event: string | undefined
  outcome: WebhookOutcome
}

export interface HandleWebhookSettings extends IconSettings {
  /** Largest body in bytes (413 over it; default no limit). */
  bodyLimit?: number
  /** Deepest allowed JSON nesting (default 256). */
  maxDepth?: number
  /** Dedupe and commit here; without a store the outcome is `posts`. */
  store?: DeliveryStore
}

/** A sender's delivery id longer than this is hashed, so a dedupe key stays a key. */
const MAX_DELIVERY_ID = 200

/**
 * The one request path, shared by the server, the CLI preview, the playground and the testing
 * kit, in the order that makes a bad request cheapest to refuse:
 *
 *   1. the endpoint (the URL token: 401; its provider options: 400), before the body is read;
 *   2. the body, at most `bodyLimit` bytes (413);
 *   3. the signature over the raw bytes, when the endpoint has secrets (401);
 *   4. a redelivery by the sender's delivery header: `duplicate`, without parsing;
 *   5. parsing (415 encoding or type, 400 body);
 *   6. the provider (200 skip, 422 payload or provider bug), then the endpoint's filters (200 filtered);
 *   7. the commit to the store (202 queued, 200 duplicate, 503 when it cannot commit).
 *
 * Resolves to `{ event, outcome }` whatever happens: an error is an outcome, not a throw.
 */
export async function handleWebhook(
  integration: Integration,
  request: WebhookRequest,
  resolveEndpoint: ResolveEndpoint,
  settings: HandleWebhookSettings = {},
): Promise<HandledWebhook> {
  const provider = integration.id
  // A header names the event before the body is read, so even a refused request is logged with it.
  let event = integration.eventHeader === undefined ? undefined : eventNamed(integration, request.header(integration.eventHeader))
  try {
    const resolved = resolveEndpoint(integration)
    const endpoint = resolved instanceof Promise ? await resolved : resolved
    const options = resolveOptions(integration, endpoint.options)
    const bursts = burstSettings(resolveCoreOptions(integration, endpoint.options))
    await request.readBody(settings.bodyLimit)
    if (endpoint.secrets !== undefined && endpoint.secrets.length > 0) await checkSignature(integration, request, endpoint.secrets)

    const store = settings.store
    const headerId = integration.deliveryHeader === undefined ? undefined : request.header(integration.deliveryHeader)
    if (store && headerId && (await store.seen(dedupeKeyOf(provider, endpoint.token, headerId, request)))) {
      return { event, outcome: { kind: 'duplicate' } }
    }

    const payload = parseBody(request, settings)
    let output: ProcessOutput
    let deliveryId: string | undefined
    try {
      event = integration.event(payload, request)
      const ran = run(integration, payload, request, options, event)
      output = ran instanceof Promise ? await ran : ran
      deliveryId = integration.deliveryId(request, payload)
    } catch (error) {
      if (error instanceof IntegrationError) throw error
      throw new ProviderError(provider, event, error)
    }
    const validated = validateOutput(output, { provider, event })
    if (validated.kind === 'skipped') return { event, outcome: { kind: 'skipped', reason: validated.reason } }
    const filtered = filterReason(integration, payload, event, options)
    if (filtered !== undefined) return { event, outcome: { kind: 'filtered', reason: filtered } }

    const author = { id: provider, name: integration.name, ...iconsOf(integration, settings) }
    const posts = toMissivePosts(author, validated.results, endpoint.postOptions)
    const burst = burstPlan(integration, bursts, { author, event, payload, options, postOptions: endpoint.postOptions, results: validated.results, posts })
    const delivery: WebhookDelivery = {
      provider,
      event,
      dedupeKey: dedupeKeyOf(provider, endpoint.token, deliveryId, request),
      token: endpoint.token,
      posts,
      burst,
    }
    if (!store) return { event, outcome: { kind: 'posts', results: validated.results, posts, delivery } }
    let committed
    try {
      committed = await store.enqueue(delivery)
    } catch (error) {
      // The store's own refusals (a delivery over its post limit, …) say what is wrong; anything
      // else means the commit failed, and the sender should try again.
      if (error instanceof IntegrationError) throw error
      throw new QueueUnavailableError('the delivery queue could not commit this webhook; nothing was queued, please retry', { cause: error })
    }
    if (committed.status === 'duplicate') return { event, outcome: { kind: 'duplicate' } }
    return {
      event,
      outcome: committed.folded ? { kind: 'queued', queued: committed.queued, folded: committed.folded } : { kind: 'queued', queued: committed.queued },
    }
  } catch (error) {
    return failure(integration, event, error)
  }
}

/** The HTTP answer for an outcome: status and JSON body, as the server sends it. */
export function answerOf(outcome: WebhookOutcome): { status: number; body: Record<string, unknown> } {
  switch (outcome.kind) {
    case 'queued':
      // `folded`: counted in its conversation's digest post, which goes out when the burst's window ends.
      return {
        status: 202,
        body: outcome.folded ? { status: 'queued', posts: outcome.queued, folded: outcome.folded } : { status: 'queued', posts: outcome.queued },
      }
    case 'posts':
      return { status: 202, body: { status: 'queued', posts: outcome.posts.length } }
    case 'duplicate':
      return { status: 200, body: { status: 'duplicate' } }
    case 'skipped':
      return { status: 200, body: { status: 'skipped', reason: outcome.reason } }
    case 'filtered':
      return { status: 200, body: { status: 'filtered', reason: outcome.reason } }
    case 'rejected':
    case 'error':
      return { status: outcome.error.status, body: outcome.error.toJSON() }
  }
}

/** A declarative provider is dispatched with the event already read; a hand-written one runs its own `process`. */
function run(
  integration: Integration,
  payload: Payload,
  request: WebhookRequest,
  options: ProviderOptions,
  event: string | undefined,
): ProcessOutput | Promise<ProcessOutput> {
  if (integration.process === Integration.prototype.process) return dispatch(integration, payload, request, options, event)
  return integration.process(payload, request, options)
}

/** The endpoint's filters, after the provider: a filter's accessor that throws is a provider bug. */
function filterReason(integration: Integration, payload: Payload, event: string | undefined, options: ProviderOptions): string | undefined {
  try {
    return applyFilters(integration, payload, event, options)
  } catch (error) {
    if (error instanceof IntegrationError) throw error
    throw new ProviderError(integration.id, event, error)
  }
}

/**
 * Check the signature when the endpoint has secrets. A provider whose sender does not sign
 * cannot honour a secret: that is refused rather than silently accepting unsigned requests.
 */
async function checkSignature(integration: Integration, request: WebhookRequest, secrets: readonly string[]): Promise<void> {
  const list = secrets.filter((secret) => secret !== '')
  if (list.length === 0) return
  if (!integration.verify) {
    throw new SignatureError(
      `provider ${integration.id} does not sign its webhooks, so this endpoint's secret cannot be checked; mint the URL without a secret`,
    )
  }
  try {
    await integration.verify(request, list)
  } catch (error) {
    if (error instanceof IntegrationError) throw error
    throw new ProviderError(integration.id, undefined, error)
  }
}

/**
 * `provider:<endpoint>:<delivery id>` when the sender numbers its deliveries: scoped to the
 * endpoint (a hash of its Missive token), so two teams' endpoints that receive the same id never
 * drop each other's webhooks. Else a hash of provider, token and body: a byte-identical redelivery.
 */
function dedupeKeyOf(provider: string, token: string, id: string | undefined, request: WebhookRequest): string {
  if (typeof id === 'string' && id !== '') {
    const scope = endpointScope(token)
    return id.length <= MAX_DELIVERY_ID ? `${provider}:${scope}:${id}` : `${provider}:${scope}:sha256:${createHash('sha256').update(id).digest('hex')}`
  }
  return `${provider}:body:${createHash('sha256').update(provider).update('\0').update(token).update('\0').update(request.rawBody).digest('hex')}`
}

/** An endpoint's dedupe scope: 16 hex digits of the token's SHA-256, remembered for the tokens in use. */
function endpointScope(token: string): string {
  let scope = scopes.get(token)
  if (scope === undefined) {
    scope = createHash('sha256').update(token).digest('hex').slice(0, 16)
    if (scopes.size >= MAX_SCOPES) scopes.delete(scopes.keys().next().value!)
    scopes.set(token, scope)
  }
  return scope
}

const scopes = new Map<string, string>()
const MAX_SCOPES = 1000

function failure(integration: Integration, event: string | undefined, error: unknown): HandledWebhook {
  if (error instanceof UnsupportedEventError) {
    // Senders disable endpoints that keep failing: an event we do not post is not a failure.
    return { event: event ?? error.event, outcome: { kind: 'skipped', reason: error.message } }
  }
  if (error instanceof ProviderError || error instanceof InvalidResultError || error instanceof QueueUnavailableError) {
    return { event: error instanceof QueueUnavailableError ? event : (error.event ?? event), outcome: { kind: 'error', error } }
  }
  if (error instanceof IntegrationError) {
    return { event: error instanceof InvalidPayloadError ? (error.event ?? event) : event, outcome: { kind: 'rejected', error } }
  }
  // Only reached by a bug in a resolver or a store: still a clear answer, never a crash.
  const wrapped = new ProviderError(integration.id, event, error)
  return { event, outcome: { kind: 'error', error: wrapped } }
}
