import { Integration, bold, link, rich, verifyHmac, type Handlers, type HmacScheme, type WebhookRequest } from '@missive-integrations/core'

/**
 * How Heroku signs a delivery: the hex HMAC-SHA256 of the raw body under the webhook secret,
 * in `x-heroku-signature: sha256=…`. Replace it with what Heroku documents: base64 digests
 * (`encoding: 'base64'`), another header; a sender that sends the secret itself (GitLab's
 * `X-Gitlab-Token`) is checked with `secretMatches` instead.
 * @see https://example.com/docs/webhooks#signatures (replace with Heroku's signature docs)
 */
export const SIGNATURE: HmacScheme = { header: 'x-heroku-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=', sender: 'Heroku' }

/**
 * Heroku webhooks as Missive posts: one conversation per item.
 * @see https://example.com/docs/webhooks (replace with Heroku's webhook reference)
 */
export default class Heroku extends Integration {
  override get id(): string {
    return 'heroku'
  }

  override get name(): string {
    return 'Heroku'
  }

  /** Heroku names the event in the body's `type` (a sender that uses a header: `eventHeader`). */
  override get eventField(): string {
    return 'type'
  }

  /** Heroku's id for a delivery, the same on a redelivery: the server answers those before parsing them. */
  override get deliveryHeader(): string {
    return 'x-heroku-delivery'
  }

  override get signatureHeaders(): readonly string[] {
    return [SIGNATURE.header]
  }

  override get handlers(): Handlers {
    return HANDLERS
  }

  override get skipped(): Readonly<Record<string, string>> {
    return SKIPPED
  }

  override verify(request: WebhookRequest, secrets: readonly string[]): void {
    verifyHmac(request, secrets, SIGNATURE)
  }
}

/**
 * One handler per event Heroku sends, keyed by the event name (or `event.action`, most specific
 * first, once `actionField` names the field that refines it). Read the payload through `p`: a
 * missing field is answered 422 naming it. Put user text in through `rich`, so that a title
 * cannot inject a link or markup.
 */
const HANDLERS: Handlers = {
  'item.created': ({ p }) => {
    const item = p.object('item')
    const sentence = rich`${bold(item.string('author'))} created ${link(item.string('url'), item.string('title'))}`
    return {
      references: [item.id('id')],
      subject: item.string('title'),
      notification: sentence.plain,
      attachment: { pretext: sentence.text, text: rich`${item.optionalString('body')}`.text },
    }
  },
}

/** Events Heroku sends that are knowingly not posted, with the reason answered to it (200, so it keeps the endpoint). */
const SKIPPED: Readonly<Record<string, string>> = {
  ping: 'ping only checks that the endpoint answers',
}
