import {
  Integration,
  signHmac,
  verifyHmac,
  type FilterSpec,
  type Handlers,
  type HmacScheme,
  type Schema,
  type WebhookRequest,
} from '@missive-integrations/core'
import type { Logger } from 'pino'
import { buildApp, type AppConfig } from '../../src/app.js'
import { createLogger } from '../../src/logger.js'
import { createMetrics } from '../../src/metrics.js'
import { sealToken, type EndpointSpec } from '../../src/tokens.js'
import { MemoryQueue } from './memory-queue.js'

export const MISSIVE_TOKEN = 'missive-secret-token-abc123'
export const WEBHOOK_SECRET = 'webhook-secret-xyz789'
export const KEY = Buffer.alloc(32, 7)

export const SIGNATURE: HmacScheme = { header: 'x-acme-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=', sender: 'Acme' }

/** A small declarative provider that covers every branch of the request path. */
export class Acme extends Integration {
  override get id() {
    return 'acme'
  }
  override get name() {
    return 'Acme'
  }
  override get schema(): Schema {
    return {
      options: [
        { key: 'limit', type: 'Number' },
        { key: 'account', type: 'String' },
      ],
    }
  }
  override get eventHeader() {
    return 'x-acme-event'
  }
  override get deliveryHeader() {
    return 'x-acme-delivery'
  }
  override get signatureHeaders() {
    return [SIGNATURE.header]
  }
  override get handlers(): Handlers {
    return HANDLERS
  }
  override get skipped(): Readonly<Record<string, string>> {
    return { ping: 'ping only checks that the endpoint answers' }
  }
  override get filters(): readonly FilterSpec[] {
    return [
      {
        key: 'exclude_titles',
        kind: 'list',
        exclude: true,
        noun: 'title',
        label: 'Exclude titles',
        description: 'drop items with these titles',
        read: (p) => p.optionalString('item.title'),
      },
    ]
  }
  override verify(request: WebhookRequest, secrets: readonly string[]): void {
    verifyHmac(request, secrets, SIGNATURE)
  }
}

const HANDLERS: Handlers = {
  'item.created': ({ p }) => {
    const item = p.object('item')
    return { references: [item.id('id')], subject: item.string('title'), text: item.string('title') }
  },
  multi: () => [
    { references: ['a'], text: 'one' },
    { references: ['b'], text: 'two' },
  ],
  boom: () => {
    throw new Error('kaboom')
  },
  'bad.result': () => ({ references: ['x'], text: 5 }) as never,
}

export function sign(secret: string, body: Buffer | string): string {
  return signHmac(SIGNATURE, body, secret)
}

export function sealed(endpoint: Partial<EndpointSpec> = {}, provider = 'acme', key = KEY): string {
  return sealToken(provider, { token: MISSIVE_TOKEN, ...endpoint }, key)
}

export function legacy(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64')
}

/** Log lines captured as text (through the server's own logger and its redaction), to assert no secret is written. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = []
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } })
  return { logger, lines }
}

export function testApp(options: { legacyTokens?: boolean; bodyLimit?: number; providers?: Integration[]; config?: Partial<AppConfig> } = {}) {
  const queue = new MemoryQueue()
  const { logger, lines } = captureLogger()
  const metrics = createMetrics({ processMetrics: false })
  const app = buildApp({
    providers: options.providers ?? [new Acme()],
    queue,
    config: { secretKey: KEY, legacyTokens: options.legacyTokens ?? true, bodyLimit: options.bodyLimit ?? 1024 * 1024, ...options.config },
    logger,
    metrics,
  })
  return { app, queue, lines, metrics }
}
