import { createHash } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import {
  IntegrationError,
  InvalidPayloadError,
  InvalidResultError,
  PayloadTooLargeError,
  ProviderError,
  UnsupportedEventError,
  WebhookRequest,
  parseBody,
  resolveOptions,
  runIntegration,
  verifySignature,
  type Integration,
  type Payload,
} from '@missive-integrations/core'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import type { Config } from './config.js'
import { createLogger, pathOf } from './logger.js'
import { createMetrics, type Metrics, type WebhookOutcomeLabel } from './metrics.js'
import { registerPlayground, type PlaygroundProvider } from './playground/route.js'
import { providersOf, type Providers } from './providers.js'
import type { EnqueueRequest, PostQueue } from './queue/types.js'
import { EndpointCache } from './tokens.js'

/** The configuration the HTTP layer reads. */
export type AppConfig = Pick<Config, 'bodyLimit' | 'secretKey' | 'legacyTokens'>

export interface BuildAppOptions {
  /** Providers by id (as `loadProviders` returns them), or a list of instances. */
  providers: Providers | Iterable<Integration>
  queue: PostQueue
  config: AppConfig
  logger?: Logger
  metrics?: Metrics
  /** Serve the playground at /playground for these providers (with their fixtures folders). */
  playground?: readonly PlaygroundProvider[]
}

/** The 404 for a provider that is not installed. */
export class UnknownProviderError extends IntegrationError {
  readonly status = 404
  readonly code = 'unknown_provider'
  constructor(provider: string, installed: readonly string[]) {
    const name = JSON.stringify(provider.length > 64 ? `${provider.slice(0, 64)}…` : provider)
    super(`no provider ${name} is installed here; installed providers: ${installed.join(', ') || 'none'} (install a provider package to add one)`)
  }
}

/** The queue could not commit the posts: the sender should retry (503, never a silent loss). */
export class QueueUnavailableError extends IntegrationError {
  readonly status = 503
  readonly code = 'queue_unavailable'
}

/** A sender's delivery id longer than this is hashed, so a dedupe key stays a key. */
const MAX_DELIVERY_ID = 200

/**
 * Build the HTTP app: a thin adapter from fastify to core. `POST /:provider` runs the ordered
 * checks (404, 413/415/400, 401/400, 401, 422/200, then 202 once the posts are committed).
 */
export function buildApp(options: BuildAppOptions): FastifyInstance {
  const providers: Providers = options.providers instanceof Map ? options.providers : providersOf(options.providers as Iterable<Integration>)
  const { queue, config } = options
  const logger = options.logger ?? createLogger({ level: 'silent' })
  const metrics = options.metrics ?? createMetrics({ processMetrics: false })
  metrics.watchQueue(queue)
  const tokenSettings = { key: config.secretKey, legacyTokens: config.legacyTokens }
  const endpoints = new EndpointCache()

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Fastify's request lines carry the full URL (with ?t=): the webhook route logs its own line.
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request (a pino child costs microseconds on every webhook): lines that
    // need the request id carry it themselves.
    childLoggerFactory: (logger) => logger,
    bodyLimit: config.bodyLimit,
  })

  // Keep the raw bytes (signatures are computed over them) for every content type; core's
  // parseBody decides 415/400. Fastify enforces the limit: Content-Length first, then a byte count
  // while streaming that stops reading at the cap.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: config.bodyLimit }, (_request, body, done) => done(null, body))

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: 'not_found', message: `no route for ${request.method} ${pathOf(request.url)}` })
  })

  app.setErrorHandler((error: FastifyError | IntegrationError, request, reply) => {
    const status = error instanceof IntegrationError ? error.status : (error.statusCode ?? 500)
    const provider = webhookProvider(request, providers)
    if (provider) {
      metrics.webhook(provider.id, '', 'rejected')
      request.log.warn({ reqId: request.id, provider: provider.id, outcome: 'rejected', status, path: pathOf(request.url), error: error.code }, 'webhook rejected')
    }
    if (error instanceof IntegrationError) return reply.code(error.status).send(error.toJSON())
    if (status === 413) return reply.code(413).send(new PayloadTooLargeError(config.bodyLimit).toJSON())
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: status === 415 ? 'unsupported_media_type' : 'bad_request', message: error.message })
    }
    request.log.error({ reqId: request.id, err: error, path: pathOf(request.url) }, 'unexpected error')
    return reply.code(500).send({ error: 'internal_error', message: 'the server failed to handle this request; it has been logged' })
  })

  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(homePage(providers)))
  // The hosted service answers `Pong` here; some senders check the base URL with a POST.
  if (options.playground) registerPlayground(app, options.playground)
  app.post('/', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('Pong'))
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    const { ready, backend, reason } = await queue.ready().catch(() => ({ ready: false, backend: 'unknown', reason: undefined }))
    if (ready) return { status: 'ready', queue: backend }
    const why = reason ? `: ${reason}` : ''
    return reply.code(503).send({ error: 'not_ready', queue: backend, message: `the delivery queue (${backend}) cannot accept work right now${why}` })
  })
  app.get('/integrations', async () => {
    const listed: Record<string, unknown> = {}
    for (const [id, integration] of providers) if (!integration.deprecated) listed[id] = integration.toJSON()
    return listed
  })
  app.get('/metrics', async (_request, reply) => {
    const body = await metrics.registry.metrics()
    return reply.type(metrics.registry.contentType).send(body)
  })

  app.post<{ Params: { provider: string } }>('/:provider', {
    // Before the body is read: an unknown provider costs nothing.
    onRequest: (request, reply, done) => {
      if (providers.has(request.params.provider)) return done()
      metrics.webhook('(unknown)', '', 'rejected')
      void reply.code(404).send(new UnknownProviderError(request.params.provider, [...providers.keys()]).toJSON())
    },
    handler: async (request, reply) => {
      const integration = providers.get(request.params.provider)!
      const started = performance.now()
      const answer = await handleWebhook(integration, request)
      metrics.webhook(integration.id, eventLabel(integration, answer.event), answer.outcome)
      const line = {
        reqId: request.id,
        provider: integration.id,
        event: answer.event,
        outcome: answer.outcome,
        status: answer.status,
        path: pathOf(request.url),
        ms: Math.round((performance.now() - started) * 10) / 10,
      }
      if (answer.outcome === 'error') request.log.error({ ...line, err: answer.error }, answer.error?.message ?? 'webhook failed')
      else if (answer.outcome === 'rejected') request.log.warn({ ...line, error: answer.body.error }, 'webhook rejected')
      else request.log.info(line, 'webhook')
      return reply.code(answer.status).send(answer.body)
    },
  })

  async function handleWebhook(integration: Integration, request: FastifyRequest): Promise<Answer> {
    const seen: { event?: string | undefined } = {}
    try {
      const prepared = await prepare(integration, request, seen)
      if (prepared.kind === 'skipped') {
        return { status: 200, outcome: 'skipped', event: seen.event, body: { status: 'skipped', reason: prepared.reason } }
      }
      let result
      try {
        result = await queue.enqueue(prepared.delivery)
      } catch (error) {
        // The queue's own refusals (a delivery over its post limit, …) say what is wrong; anything
        // else means the commit failed, and the sender should try again.
        if (error instanceof IntegrationError) throw error
        throw new QueueUnavailableError('the delivery queue could not commit this webhook; nothing was queued, please retry', { cause: error })
      }
      if (result.status === 'duplicate') return { status: 200, outcome: 'duplicate', event: seen.event, body: { status: 'duplicate' } }
      return { status: 202, outcome: 'queued', event: seen.event, body: { status: 'queued', posts: result.queued } }
    } catch (error) {
      const event = seen.event
      if (error instanceof UnsupportedEventError) {
        // Senders disable endpoints that keep failing: an event we do not post is not a failure.
        return { status: 200, outcome: 'skipped', event: error.event ?? event, body: { status: 'skipped', reason: error.message } }
      }
      if (error instanceof IntegrationError) {
        const failed = error instanceof ProviderError || error instanceof InvalidResultError || error instanceof QueueUnavailableError
        const errorEvent = error instanceof InvalidPayloadError || failed ? ((error as { event?: string }).event ?? event) : event
        return { status: error.status, outcome: failed ? 'error' : 'rejected', event: errorEvent, body: error.toJSON(), error }
      }
      // Only reached by a bug here; still a clear answer and a log line, never a crash.
      const wrapped = new ProviderError(integration.id, event, error)
      return { status: wrapped.status, outcome: 'error', event, body: wrapped.toJSON(), error: wrapped }
    }
  }

  /**
   * Steps 2–5 of the request path: parse, open the token, check the signature, process. The
   * payload and the request view stay in here, so they are garbage while the posts wait for the
   * disk. `seen.event` is set as soon as it is known, for the answer to a later failure.
   */
  async function prepare(
    integration: Integration,
    request: FastifyRequest,
    seen: { event?: string | undefined },
  ): Promise<{ kind: 'skipped'; reason: string } | { kind: 'posts'; delivery: EnqueueRequest }> {
    const webhook = toWebhookRequest(request)
    const payload = parseBody(webhook)
    seen.event = safeEvent(integration, payload, webhook)
    const endpoint = endpoints.resolve(integration.id, tokenParam(request), tokenSettings)
    const options = resolveOptions(integration, endpoint.options)
    await verifySignature(integration, webhook, endpoint.secrets)
    const outcome = await runIntegration(integration, payload, webhook, options, endpoint.postOptions)
    seen.event = outcome.event
    if (outcome.kind === 'skipped') return { kind: 'skipped', reason: outcome.reason }
    const dedupeKey = dedupeKeyOf(integration, webhook, payload, endpoint.token)
    return { kind: 'posts', delivery: { provider: integration.id, event: outcome.event, dedupeKey, token: endpoint.token, posts: outcome.posts } }
  }

  return app
}

interface Answer {
  status: number
  outcome: WebhookOutcomeLabel
  event: string | undefined
  body: Record<string, unknown> & { error?: string }
  error?: Error
}

/** The framework-free request a provider sees; the token parameter is not part of it. */
function toWebhookRequest(request: FastifyRequest): WebhookRequest {
  const query = { ...(request.query as Record<string, string | string[] | undefined>) }
  delete query.t
  return new WebhookRequest({
    method: request.method,
    url: pathOf(request.url),
    headers: request.headers,
    query,
    body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
  })
}

function tokenParam(request: FastifyRequest): string | undefined {
  const t = (request.query as Record<string, unknown>).t
  const first = Array.isArray(t) ? t[0] : t
  return typeof first === 'string' ? first : undefined
}

/** The event for logs and metrics; a provider that throws here is caught again by runIntegration. */
function safeEvent(integration: Integration, payload: Payload, request: WebhookRequest): string | undefined {
  try {
    return integration.event(payload, request)
  } catch {
    return undefined
  }
}

/**
 * `provider:<delivery id>` when the sender numbers its deliveries (GitHub's X-GitHub-Delivery),
 * else a hash of provider, token and body: a byte-identical redelivery to the same endpoint.
 */
function dedupeKeyOf(integration: Integration, request: WebhookRequest, payload: Payload, token: string): string {
  let id: string | undefined
  try {
    id = integration.deliveryId?.(request, payload)
  } catch (error) {
    throw new ProviderError(integration.id, safeEvent(integration, payload, request), error)
  }
  if (typeof id === 'string' && id !== '') {
    return id.length <= MAX_DELIVERY_ID ? `${integration.id}:${id}` : `${integration.id}:sha256:${sha256(id)}`
  }
  return `${integration.id}:body:${createHash('sha256').update(integration.id).update('\0').update(token).update('\0').update(request.rawBody).digest('hex')}`
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/**
 * Metric labels must not grow with what senders type: an event the provider does not declare is
 * counted as `other`.
 */
function eventLabel(integration: Integration, event: string | undefined): string {
  if (event === undefined) return ''
  if (integration.events.includes(event) || Object.hasOwn(integration.skippedEvents, event)) return event
  return 'other'
}

/** The provider of a `POST /:provider` request that failed before its handler (body too large, …). */
function webhookProvider(request: FastifyRequest, providers: Providers): Integration | undefined {
  if (request.method !== 'POST' || request.routeOptions.url !== '/:provider') return undefined
  return providers.get((request.params as { provider?: string }).provider ?? '')
}

function homePage(providers: Providers): string {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  const items = [...providers.values()]
    .filter((p) => !p.deprecated)
    .map((p) => `<li><img src="${escape(p.icon)}" alt="" width="16" height="16"> ${escape(p.name)} — <code>POST /${escape(p.id)}?t=…</code></li>`)
    .join('\n      ')
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>missive-integrations</title></head>
  <body>
    <h1>missive-integrations</h1>
    <p>A webhook bridge that turns webhooks into Missive posts.</p>
    <ul>
      ${items || '<li>No provider installed.</li>'}
    </ul>
    <p>Mint a webhook URL with <code>missive-integrations url &lt;provider&gt; --token &lt;missive-api-token&gt;</code>.
    See <a href="/integrations">/integrations</a>, <a href="/healthz">/healthz</a>, <a href="/metrics">/metrics</a>.</p>
  </body>
</html>
`
}
