import { createHmac, timingSafeEqual } from 'node:crypto'
import {
  Integration,
  SignatureError,
  UnsupportedEventError,
  bold,
  link,
  readPayload,
  rich,
  skip,
  type Payload,
  type ProcessOutput,
  type WebhookRequest,
} from '../src/index.ts'

/** A small provider used to test the core: signs with HMAC-SHA256 hex in X-Acme-Signature. */
export class Acme extends Integration {
  override get schema() {
    return { options: [{ key: 'channel', type: 'String' as const, required: true }] }
  }
  override get events() {
    return ['deploy']
  }
  override get skippedEvents() {
    return { ping: 'ping is a connectivity check' }
  }
  override get eventField() {
    return 'kind'
  }
  override deliveryId(request: WebhookRequest): string | undefined {
    return request.header('x-acme-delivery')
  }
  override verify(request: WebhookRequest, secrets: readonly string[]): void {
    const given = request.header('x-acme-signature') ?? ''
    const ok = secrets.some((secret) => {
      const expected = Buffer.from(signAcme(request.bodyText, secret))
      const actual = Buffer.from(given)
      return expected.length === actual.length && timingSafeEqual(expected, actual)
    })
    if (!ok) throw new SignatureError('X-Acme-Signature does not match the endpoint secret')
  }
  process(payload: Payload, _request: WebhookRequest, options: Record<string, unknown>): ProcessOutput {
    const event = typeof payload.kind === 'string' ? payload.kind : undefined
    if (event === 'ping') return skip(this.skippedEvents.ping!)
    if (event !== 'deploy') throw new UnsupportedEventError(this.id, event, this.events)
    const p = readPayload(payload, this.id, event)
    const sentence = rich`${bold(p.string('user'))} deployed ${link(p.string('url'), p.string('app'))} to ${p.string('env')}`
    return {
      references: [`${p.string('app')}/${p.string('env')}`],
      subject: `${p.string('app')} [${p.string('env')}]`,
      color: 'good',
      notification: sentence.plain,
      attachment: { pretext: sentence.text, text: rich`${p.string('message')}`.text, footer: String(options.channel), color: '#0a0' },
    }
  }
}

export function signAcme(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}
