import { createHmac, timingSafeEqual } from 'node:crypto'
import {
  Integration,
  SignatureError,
  UnsupportedEventError,
  readPayload,
  skip,
  type Payload,
  type ProcessOutput,
  type Schema,
  type WebhookRequest,
} from '@missive-integrations/core'
import type { Logger } from 'pino'
import { buildApp } from '../../src/app.js'
import { createLogger } from '../../src/logger.js'
import { createMetrics } from '../../src/metrics.js'
import { sealToken, type EndpointSpec } from '../../src/tokens.js'
import { MemoryQueue } from './memory-queue.js'

export const MISSIVE_TOKEN = 'missive-secret-token-abc123'
export const WEBHOOK_SECRET = 'webhook-secret-xyz789'
export const KEY = Buffer.alloc(32, 7)

/** A small inline provider that covers every branch of the request path. */
export class Acme extends Integration {
  override get id() {
    return 'acme'
  }
  override get name() {
    return 'Acme'
  }
  override get schema(): Schema {
    return { options: [{ key: 'limit', type: 'Number' }, { key: 'account', type: 'String' }] }
  }
  override get events() {
    return ['item.created', 'multi']
  }
  override get skippedEvents() {
    return { ping: 'ping only checks that the endpoint answers' }
  }
  override get eventHeader() {
    return 'x-acme-event'
  }
  override deliveryId(request: WebhookRequest): string | undefined {
    return request.header('x-acme-delivery')
  }
  override verify(request: WebhookRequest, secrets: readonly string[]): void {
    const given = Buffer.from(request.header('x-acme-signature') ?? '')
    for (const secret of secrets) {
      const expected = Buffer.from(sign(secret, request.rawBody))
      if (given.length === expected.length && timingSafeEqual(given, expected)) return
    }
    throw new SignatureError('x-acme-signature does not match the endpoint secret')
  }
  override process(payload: Payload, request: WebhookRequest): ProcessOutput {
    const event = this.event(payload, request)
    if (event === 'ping') return skip(this.skippedEvents.ping)
    if (event === 'boom') throw new Error('kaboom')
    if (event === 'bad.result') return { references: ['x'], text: 5 } as never
    const p = readPayload(payload, this.id, event)
    if (event === 'item.created') {
      const item = p.object('item')
      return { references: [item.id('id')], subject: item.string('title'), text: item.string('title') }
    }
    if (event === 'multi') return [{ references: ['a'], text: 'one' }, { references: ['b'], text: 'two' }]
    throw new UnsupportedEventError(this.id, event, this.events)
  }
}

export function sign(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
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

export function testApp(options: { legacyTokens?: boolean; bodyLimit?: number; providers?: Integration[] } = {}) {
  const queue = new MemoryQueue()
  const { logger, lines } = captureLogger()
  const metrics = createMetrics({ processMetrics: false })
  const app = buildApp({
    providers: options.providers ?? [new Acme()],
    queue,
    config: { secretKey: KEY, legacyTokens: options.legacyTokens ?? true, bodyLimit: options.bodyLimit ?? 1024 * 1024 },
    logger,
    metrics,
  })
  return { app, queue, lines, metrics }
}
