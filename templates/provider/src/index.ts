import {
  Integration,
  UnsupportedEventError,
  bold,
  link,
  readPayload,
  rich,
  skip,
  type Payload,
  type ProcessOutput,
  type WebhookRequest,
} from '@missive-integrations/core'

/** Events this provider posts, and those it knowingly skips (answered 200 with the reason). */
const EVENTS = ['item.created'] as const
const SKIPPED_EVENTS: Record<string, string> = {
  ping: 'ping only checks that the endpoint answers',
}

/**
 * __TITLE__ webhooks as Missive posts.
 * @see https://example.com/docs/webhooks (replace with __TITLE__'s webhook reference)
 */
export default class __NAME__ extends Integration {
  override get id(): string {
    return '__ID__'
  }

  override get name(): string {
    return '__TITLE__'
  }

  override get events(): readonly string[] {
    return EVENTS
  }

  override get skippedEvents(): Readonly<Record<string, string>> {
    return SKIPPED_EVENTS
  }

  /** __TITLE__ names the event in the body's `type` field. */
  override get eventField(): string {
    return 'type'
  }

  override process(payload: Payload, request: WebhookRequest): ProcessOutput {
    const event = this.event(payload, request)
    if (event !== undefined && event in SKIPPED_EVENTS) return skip(SKIPPED_EVENTS[event]!)
    if (event !== 'item.created') throw new UnsupportedEventError(this.id, event, EVENTS)

    const p = readPayload(payload, this.id, event)
    const item = p.object('item')
    const sentence = rich`${bold(item.string('author'))} created ${link(item.string('url'), item.string('title'))}`
    return {
      references: [item.id('id')],
      subject: item.string('title'),
      notification: sentence.plain,
      attachment: { pretext: sentence.text, text: item.optionalString('body') ?? '' },
    }
  }
}
