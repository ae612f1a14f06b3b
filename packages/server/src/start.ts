import { MissiveClient, type Integration } from '@missive-integrations/core'
import type { FastifyInstance } from 'fastify'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { buildApp } from './app.js'
import { missiveTimeoutMs, type Config } from './config.js'
import { DeliveryWorker } from './delivery/worker.js'
import { createLogger } from './logger.js'
import { createMetrics } from './metrics.js'
import { iconFilesOf, integrationsOf, loadProviders } from './providers.js'
import { openQueue } from './queue/open-queue.js'
import type { PostQueue } from './queue/types.js'

export interface StartOptions {
  logger?: Logger
  /** Export conditions for importing provider packages (see `loadProviders`). */
  conditions?: readonly string[]
  /** Human-readable start-up lines (default: stderr, so stdout stays JSON log lines). */
  print?: (line: string) => void
}

export interface RunningServer {
  app: FastifyInstance
  providers: ReadonlyMap<string, Integration>
  queue: PostQueue
  /** `http://127.0.0.1:8080` */
  address: string
  /** Stop accepting requests, finish those in flight, stop the worker, close the queue. */
  close(): Promise<void>
}

/**
 * Compose and start the server: load the installed providers, open the queue in DATA_DIR, start
 * the delivery worker and listen.
 */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const print = options.print ?? ((line: string) => process.stderr.write(`${line}\n`))
  const loaded = await loadProviders({
    projectPackageJson: config.projectPackageJson,
    ...(config.providers ? { only: config.providers } : {}),
    ...(options.conditions ? { conditions: options.conditions } : {}),
  })
  const providers = integrationsOf(loaded)
  // Whatever header a loaded provider signs with is censored in every log line.
  const secretKeys = [...providers.values()].flatMap((integration) => integration.signatureHeaders)
  const logger = options.logger ?? createLogger({ level: config.logLevel, secretKeys })
  if (providers.size === 0) {
    logger.warn({ project: config.projectPackageJson }, 'no provider package is installed: every webhook will be answered 404')
  }
  if (config.legacyTokens) {
    logger.warn(
      'legacy tokens are accepted: their Missive token is readable by anyone who sees the webhook URL; mint sealed URLs with `missive-integrations url` and set LEGACY_TOKENS=false once moved over',
    )
  }
  if (config.secretKeySource === 'generated') {
    logger.info(
      { file: `${config.dataDir}/secret.key` },
      'generated a secret key for sealed tokens; back it up with DATA_DIR, URLs minted with it stop working without it',
    )
  }

  const { queue, backend, location } = await openQueue(config, { role: 'server' })
  const metrics = createMetrics()
  const playground = config.playground ? [...loaded.values()].map(({ integration, dir }) => ({ integration, fixturesDir: join(dir, 'fixtures') })) : undefined
  const app = buildApp({ providers, queue, config, logger, metrics, icons: iconFilesOf(loaded), ...(playground ? { playground } : {}) })
  const worker = new DeliveryWorker({
    queue,
    client: new MissiveClient({ baseUrl: config.missiveApiBaseUrl, timeoutMs: missiveTimeoutMs(config) }),
    logger: logger.child({ component: 'worker' }),
    observer: metrics.observer,
    limits: config.rateLimits,
  })

  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    await queue.close()
    throw error
  }
  worker.start()

  const bound = app.server.address()
  const port = typeof bound === 'object' && bound ? bound.port : config.port
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  const address = `http://${host}:${port}`
  const ids = [...providers.keys()]
  logger.info({ address, providers: ids, queue: backend, location }, 'listening')
  print(`missive-integrations listening on ${address} with providers: ${ids.join(', ') || 'none'}`)
  if (config.host === '127.0.0.1' || config.host === 'localhost') {
    print('only this machine can connect; set HOST=0.0.0.0 behind a proxy on another host or in a container')
  }
  print(`queue: ${backend} (${location})`)
  if (playground) print(`playground: ${address}/playground (PLAYGROUND=false or NODE_ENV=production turns it off)`)

  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      await app.close()
      await worker.stop()
      await queue.close()
      logger.info('stopped')
    })())
  return { app, providers, queue, address, close }
}
