/**
 * What `Integration.process` returns: plain, serialisable data (posts are queued durably and
 * delivered later, so no callbacks). Field names are Missive's own.
 * @see https://missiveapp.com/help/api-documentation/webhook-integrations-develop
 */

/** A conversation color: a hex code or one of Missive's named colors. */
export type Color = `#${string}` | 'good' | 'warning' | 'danger'

/** One field of an attachment; `short` fields are shown side by side. */
export interface AttachmentField {
  title: string
  value: string
  short?: boolean
}

/** A Missive post attachment. @see https://missiveapp.com/help/api-documentation/rest-endpoints#create-a-post */
export interface Attachment {
  author_name?: string
  author_link?: string
  author_icon?: string
  color?: Color | string
  pretext?: string
  title?: string
  title_link?: string
  text?: string
  markdown?: string
  fields?: AttachmentField[]
  image_url?: string
  /** Unix time in seconds. */
  timestamp?: number
  footer?: string
  footer_icon?: string
}

/** One post, as a provider describes it. */
export interface IntegrationResult {
  /** Thread key(s), namespaced by the server as `<provider/ref@missive-integrations>`. */
  references?: string[]
  /** Post into this conversation id instead of threading by references. */
  conversation?: string
  /** Subject of new conversations; also the notification title. */
  subject?: string
  /** Also rewrite the subject of an existing conversation (default false). */
  update_existing_conversation_subject?: boolean
  /** Conversation color. */
  color?: Color | string
  /** Plain-text notification body. */
  notification?: string
  text?: string
  markdown?: string
  attachment?: Attachment
  attachments?: Attachment[]
}

/** A deliberate "no post" with its reason, answered 200 so the sender keeps the endpoint. */
export interface Skip {
  skip: string
}

/** Everything `process` may return, synchronously or as a promise. */
export type ProcessOutput = IntegrationResult | readonly IntegrationResult[] | Skip | null | undefined | void

/** Say that an event is deliberately not posted, and why. */
export function skip(reason: string): Skip {
  return { skip: reason }
}

export function isSkip(value: unknown): value is Skip {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { skip?: unknown }).skip === 'string' &&
    Object.keys(value).length === 1
  )
}

/** A validated result: `attachment` folded into `attachments`. */
export type ValidResult = Omit<IntegrationResult, 'attachment'>
