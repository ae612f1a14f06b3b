import { Integration, bold, link, rich, signHmac, verifyHmac, type HmacScheme, type Handlers, type WebhookRequest } from '../src/index.ts'

/** Acme signs the raw body: `X-Acme-Signature: sha256=<hex HMAC-SHA256>`. */
export const SIGNATURE: HmacScheme = { header: 'X-Acme-Signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=', sender: 'Acme' }

/** A small declarative provider used to test the core: events in the body's `kind`. */
export class Acme extends Integration {
  override get schema() {
    return { options: [{ key: 'channel', type: 'String' as const, required: true }] }
  }
  override get eventField() {
    return 'kind'
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
    return { ping: 'ping is a connectivity check' }
  }
  override verify(request: WebhookRequest, secrets: readonly string[]): void {
    verifyHmac(request, secrets, SIGNATURE)
  }
}

const HANDLERS: Handlers = {
  deploy: ({ p, options }) => {
    const sentence = rich`${bold(p.string('user'))} deployed ${link(p.string('url'), p.string('app'))} to ${p.string('env')}`
    return {
      references: [`${p.string('app')}/${p.string('env')}`],
      subject: `${p.string('app')} [${p.string('env')}]`,
      color: 'good',
      notification: sentence.plain,
      attachment: { pretext: sentence.text, text: rich`${p.string('message')}`.text, footer: String(options.channel), color: '#0a0' },
    }
  },
}

export function signAcme(body: string, secret: string): string {
  return signHmac(SIGNATURE, body, secret)
}
