import type { IncomingMessage } from 'node:http'
import { performance } from 'node:perf_hooks'
import {
  IntegrationError,
  InvalidBodyError,
  PayloadTooLargeError,
  WebhookRequest,
  answerOf,
  handleWebhook,
  iconPath,
  integrationInfo,
  type BodyReader,
  type IconSettings,
  type Integration,
} from '@missive-integrations/core'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { registerAssets } from './assets.js'
import type { Config } from './config.js'
import { createLogger, pathOf } from './logger.js'
import { createMetrics, type Metrics, type WebhookOutcomeLabel } from './metrics.js'
import { registerPlayground, type PlaygroundProvider } from './playground/route.js'
import { providersOf, type Providers } from './providers.js'
import type { PostQueue } from './queue/types.js'
import { EndpointCache } from './tokens.js'

export { QueueUnavailableError } from '@missive-integrations/core'

/** The configuration the HTTP layer reads. */
export type AppConfig = Pick<Config, 'bodyLimit' | 'secretKey' | 'legacyTokens'> & Partial<Pick<Config, 'requestTimeoutMs' | 'maxConnections' | 'publicUrl'>>

export interface BuildAppOptions {
  /** Providers by id (as `loadProviders` returns them), or a list of instances. */
  providers: Providers | Iterable<Integration>
  queue: PostQueue
  config: AppConfig
  logger?: Logger
  metrics?: Metrics
  /** Serve the playground at /playground for these providers (with their fixtures folders). */
  playground?: readonly PlaygroundProvider[]
  /**
   * Provider icons by id (`iconFilesOf(loaded)`: each package's `assets/icon.png`), served at
   * `/assets/<id>.png`; with `PUBLIC_URL` set, those providers' posts point there.
   */
  icons?: ReadonlyMap<string, string>
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

/** A whole request (headers and body) must arrive within this long (REQUEST_TIMEOUT). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000
/** Connections open at once (MAX_CONNECTIONS); more are refused by the socket. */
export const DEFAULT_MAX_CONNECTIONS = 1024
/** Event names are the sender's text: logged at most this long. */
const MAX_LOGGED_EVENT = 100

/**
 * Build the HTTP app: a thin adapter from fastify to core's `handleWebhook`, which runs the
 * ordered checks of `POST /:provider` (see the README's table). Fastify routes and answers; the
 * body is read only once the URL token is known to be good.
 */
export function buildApp(options: BuildAppOptions): FastifyInstance {
  const providers: Providers = options.providers instanceof Map ? options.providers : providersOf(options.providers as Iterable<Integration>)
  const { queue, config } = options
  const logger = options.logger ?? createLogger({ level: 'silent' })
  const metrics = options.metrics ?? createMetrics({ processMetrics: false })
  metrics.watchQueue(queue)
  const tokenSettings = { key: config.secretKey, legacyTokens: config.legacyTokens }
  const endpoints = new EndpointCache()
  const requestTimeout = config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
  // Only the loaded providers' icons are served; core decides what URL a post carries (iconsOf).
  const icons = new Map([...(options.icons ?? [])].filter(([id]) => providers.has(id)))
  const iconSettings = (id: string): IconSettings => (config.publicUrl !== undefined && icons.has(id) ? { publicUrl: config.publicUrl } : {})

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Fastify's request lines carry the full URL (with ?t=): the webhook route logs its own line.
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request (a pino child costs microseconds on every webhook): lines that
    // need the request id carry it themselves.
    childLoggerFactory: (logger) => logger,
    bodyLimit: config.bodyLimit,
    // Fastify's defaults (0) also turn Node's own limits off: a peer that sends part of a body and
    // stalls would hold its connection, and what it sent, forever.
    requestTimeout,
    connectionTimeout: requestTimeout,
  })
  app.server.headersTimeout = Math.min(app.server.headersTimeout, requestTimeout)
  app.server.maxConnections = config.maxConnections ?? DEFAULT_MAX_CONNECTIONS

  // Keep the raw bytes for every content type on the other routes (the playground's preview);
  // the webhook route below reads its body itself.
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
      request.log.warn(
        { reqId: request.id, provider: provider.id, outcome: 'rejected', status, path: pathOf(request.url), error: error.code },
        'webhook rejected',
      )
    }
    if (error instanceof IntegrationError) return reply.code(error.status).send(error.toJSON())
    if (status === 413) return reply.code(413).send(new PayloadTooLargeError(config.bodyLimit).toJSON())
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: status === 415 ? 'unsupported_media_type' : 'bad_request', message: error.message })
    }
    request.log.error({ reqId: request.id, err: error, path: pathOf(request.url) }, 'unexpected error')
    return reply.code(500).send({ error: 'internal_error', message: 'the server failed to handle this request; it has been logged' })
  })

  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(homePage(providers, icons, iconSettings)))
  // The hosted service answers `Pong` here; some senders check the base URL with a POST.
  if (options.playground)
    registerPlayground(
      app,
      options.playground.map((provider) => ({ ...iconSettings(provider.integration.id), ...provider })),
    )
  registerAssets(app, icons)
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
    for (const [id, integration] of providers) if (!integration.deprecated) listed[id] = integrationInfo(integration, iconSettings(id))
    return listed
  })
  app.get('/metrics', async (_request, reply) => {
    const body = await metrics.registry.metrics()
    return reply.type(metrics.registry.contentType).send(body)
  })

  // The whole webhook is answered in onRequest, before fastify looks at the body: fastify would
  // refuse a malformed Content-Type (415) or read a body before the URL token is checked, and
  // handleWebhook reads the body itself once the token is good.
  app.post<{ Params: { provider: string } }>('/:provider', {
    onRequest: async (request, reply) => {
      const integration = providers.get(request.params.provider)
      if (!integration) {
        metrics.webhook('(unknown)', '', 'rejected')
        return reply
          .code(404)
          .header('connection', 'close')
          .send(new UnknownProviderError(request.params.provider, [...providers.keys()]).toJSON())
      }
      const started = performance.now()
      const body = bodyOf(request.raw)
      const token = tokenParam(request)
      const { event, outcome } = await handleWebhook(
        integration,
        toWebhookRequest(request, body.read),
        () => endpoints.resolve(integration.id, token, tokenSettings),
        {
          bodyLimit: config.bodyLimit,
          store: queue,
          ...iconSettings(integration.id),
        },
      )
      const answer = answerOf(outcome)
      const label: WebhookOutcomeLabel = outcome.kind === 'posts' ? 'queued' : outcome.kind === 'queued' && outcome.folded ? 'folded' : outcome.kind
      metrics.webhook(integration.id, eventLabel(integration, event), label)
      const line = {
        reqId: request.id,
        provider: integration.id,
        event: event !== undefined && event.length > MAX_LOGGED_EVENT ? `${event.slice(0, MAX_LOGGED_EVENT)}…` : event,
        outcome: label,
        status: answer.status,
        path: pathOf(request.url),
        ms: Math.round((performance.now() - started) * 10) / 10,
      }
      if (outcome.kind === 'error') request.log.error({ ...line, err: outcome.error }, outcome.error.message)
      else if (outcome.kind === 'rejected') request.log.warn({ ...line, error: outcome.error.code }, 'webhook rejected')
      else request.log.info(line, 'webhook')
      // A body left unread (a bad token, a body over the limit) is not drained: the connection closes.
      if (!body.complete) void reply.header('connection', 'close')
      return reply.code(answer.status).send(answer.body)
    },
    // Never reached: onRequest has answered.
    handler: async (_request, reply) => reply,
  })

  return app
}

/** The framework-free request a provider sees; the token parameter is not part of it. */
function toWebhookRequest(request: FastifyRequest, body: BodyReader): WebhookRequest {
  const query = { ...(request.query as Record<string, string | string[] | undefined>) }
  delete query.t
  return new WebhookRequest({ method: request.method, url: pathOf(request.url), headers: request.headers, query, body })
}

/**
 * The body of a request, read when the pipeline asks for it: at most `limit` bytes (a declared
 * Content-Length over it is refused before a byte is read), and never buffered beyond it.
 */
function bodyOf(raw: IncomingMessage): { read: BodyReader; readonly complete: boolean } {
  let complete = false
  const read: BodyReader = (limit) =>
    new Promise((resolve, reject) => {
      const declared = Number(raw.headers['content-length'])
      if (declared > limit) return reject(new PayloadTooLargeError(limit))
      const chunks: Buffer[] = []
      let size = 0
      const stop = (error: Error) => {
        raw.off('data', onData).off('end', onEnd).off('error', stop).off('aborted', onAborted)
        raw.pause()
        reject(error)
      }
      const onData = (chunk: Buffer) => {
        size += chunk.length
        if (size > limit) return stop(new PayloadTooLargeError(limit))
        chunks.push(chunk)
      }
      const onEnd = () => {
        complete = true
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size))
      }
      const onAborted = () => stop(new InvalidBodyError('the request body ended before it was complete'))
      raw.on('data', onData).once('end', onEnd).once('error', stop).once('aborted', onAborted)
    })
  return {
    read,
    get complete() {
      return complete || raw.readableEnded
    },
  }
}

function tokenParam(request: FastifyRequest): string | undefined {
  const t = (request.query as Record<string, unknown>).t
  const first = Array.isArray(t) ? t[0] : t
  return typeof first === 'string' ? first : undefined
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

function homePage(providers: Providers, icons: ReadonlyMap<string, string>, iconSettings: (id: string) => IconSettings): string {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  // The browser reaches this server already: its own copy of an icon, else what posts carry.
  const iconOf = (p: Integration) => (icons.has(p.id) ? iconPath(p.id) : integrationInfo(p, iconSettings(p.id)).icon)
  const items = [...providers.values()]
    .filter((p) => !p.deprecated)
    .map((p) => {
      const icon = iconOf(p)
      return `<li>${icon === undefined ? '' : `<img src="${escape(icon)}" alt="" width="16" height="16"> `}${escape(p.name)} — <code>POST /${escape(p.id)}?t=…</code></li>`
    })
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
