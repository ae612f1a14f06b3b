import type { IntegrationInfo } from './integration.js'
import type { Attachment, AttachmentField, ValidResult } from './result.js'
import { stripInvisible } from './text.js'

/**
 * Endpoint-level post options, merged into every post of the endpoint (the legacy token's
 * `options`; `--post-option` when minting a sealed one).
 * @see https://missiveapp.com/help/api-documentation/rest-endpoints#create-a-post
 */
export interface PostOptions {
  organization?: string
  team?: string
  add_shared_labels?: string[]
  remove_shared_labels?: string[]
  add_users?: string[]
  add_assignees?: string[]
  add_to_inbox?: boolean
  add_to_team_inbox?: boolean
  close?: boolean
  reopen?: boolean
  force_team?: boolean
  [option: string]: unknown
}

/** The `posts` object of a `POST /v1/posts` request body. */
export interface MissivePost extends PostOptions {
  username: string
  /** Absent when the provider has no icon: Missive shows its default. */
  username_icon?: string
  notification: { title: string; body: string }
  references?: string[]
  conversation?: string
  conversation_subject?: string
  conversation_color?: string
  conversation_icon?: string
  update_existing_conversation_subject?: boolean
  text?: string
  markdown?: string
  attachments?: Attachment[]
}

/** Post options that share or modify a conversation: dropped when a result targets one by id. */
const CONVERSATION_SHARING_OPTIONS = ['organization', 'add_shared_labels', 'add_users'] as const

/** Fields the mapping owns: an endpoint's post options cannot override them. */
const MAPPED_FIELDS = new Set([
  'username',
  'username_icon',
  'notification',
  'references',
  'conversation',
  'conversation_subject',
  'conversation_color',
  'conversation_icon',
  'update_existing_conversation_subject',
  'text',
  'markdown',
  'attachments',
])

/** `ref` → `<PROVIDER/ref@missive-integrations>`: the hosted service's namespacing, kept exactly. */
export function namespaceReference(provider: string, ref: string): string {
  return `<${provider}/${ref}@missive-integrations>`
}

/**
 * Map a validated result to the Missive post, field by field as the hosted service does, so that
 * posts land in the same conversations when a team moves over:
 * - references are namespaced; `conversation_subject` = subject, `conversation_color` = color,
 *   `conversation_icon` = the integration's icon, `update_existing_conversation_subject` defaults
 *   to false;
 * - a result with a `conversation` posts into that conversation only: organization,
 *   add_shared_labels and add_users are dropped and the conversation's subject, color and icon are
 *   left alone, so the referenced conversation is not modified or shared unexpectedly;
 * - `username` = the integration's name, `username_icon` = its avatar, notification =
 *   `{ title: subject, body: notification }` (falling back to the name and the post's text, as
 *   Missive requires a notification);
 * - invisible characters that can disguise text (bidirectional overrides, zero-width spaces) are
 *   dropped from every text, whether or not the provider built it with the rich-text helpers.
 */
export function toMissivePost(
  integration: Pick<IntegrationInfo, 'id' | 'name' | 'avatar' | 'icon'>,
  result: ValidResult,
  postOptions: Readonly<PostOptions> = {},
): MissivePost {
  const post: Record<string, unknown> = {}
  for (const key in postOptions) {
    const value = postOptions[key]
    // A copy: posts are queued and must not share arrays with a cached endpoint.
    if (value !== undefined && Object.hasOwn(postOptions, key) && !MAPPED_FIELDS.has(key)) post[key] = copyJson(value)
  }

  post.username = integration.name
  if (integration.avatar !== undefined) post.username_icon = integration.avatar
  post.notification = {
    title: stripInvisible(result.subject ?? integration.name),
    body: stripInvisible(result.notification ?? fallbackNotification(result)),
  }

  if (result.conversation !== undefined) {
    post.conversation = result.conversation
    for (const key of CONVERSATION_SHARING_OPTIONS) delete post[key]
  } else {
    post.references = (result.references ?? []).map((ref) => namespaceReference(integration.id, ref))
    if (result.subject !== undefined) post.conversation_subject = stripInvisible(result.subject)
    if (result.color !== undefined) post.conversation_color = result.color
    if (integration.icon !== undefined) post.conversation_icon = integration.icon
    post.update_existing_conversation_subject = result.update_existing_conversation_subject ?? false
  }

  if (result.text !== undefined) post.text = stripInvisible(result.text)
  if (result.markdown !== undefined) post.markdown = stripInvisible(result.markdown)
  if (result.attachments !== undefined) post.attachments = result.attachments.map(visibleAttachment)
  return post as MissivePost
}

/** Map every result of a delivery, in order (a push's own post first, then its follow-ups). */
export function toMissivePosts(
  integration: Pick<IntegrationInfo, 'id' | 'name' | 'avatar' | 'icon'>,
  results: readonly ValidResult[],
  postOptions: Readonly<PostOptions> = {},
): MissivePost[] {
  return results.map((result) => toMissivePost(integration, result, postOptions))
}

/** The attachment itself when nothing in it needs stripping (nearly always), else a cleaned copy. */
function visibleAttachment(attachment: Attachment): Attachment {
  let copy: Record<string, unknown> | undefined
  for (const key in attachment) {
    const value = (attachment as Record<string, unknown>)[key]
    if (typeof value !== 'string') continue
    const visible = stripInvisible(value)
    if (visible !== value) (copy ??= { ...attachment })[key] = visible
  }
  const fields = attachment.fields
  if (fields !== undefined) {
    const cleaned = fields.map(visibleField)
    if (cleaned.some((field, i) => field !== fields[i])) (copy ??= { ...attachment }).fields = cleaned
  }
  return (copy ?? attachment) as Attachment
}

function visibleField(field: AttachmentField): AttachmentField {
  const title = stripInvisible(field.title)
  const value = stripInvisible(field.value)
  return title === field.title && value === field.value ? field : { ...field, title, value }
}

/** A deep copy of JSON data (post options), cheaper than structuredClone for the small values they are. */
function copyJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(copyJson)
  const copy: Record<string, unknown> = {}
  for (const key in value) if (Object.hasOwn(value, key)) copy[key] = copyJson((value as Record<string, unknown>)[key])
  return copy
}

function fallbackNotification(result: ValidResult): string {
  if (result.text) return stripMarkup(result.text)
  if (result.markdown) return result.markdown
  const first = result.attachments?.[0]
  const text = first?.pretext ?? first?.title ?? first?.text ?? first?.markdown ?? ''
  return stripMarkup(text)
}

/** `<url|label>` → label, `<url>` → url, `*x*` → x: a best effort for results without a notification. */
function stripMarkup(text: string): string {
  return text
    .replace(/<([^<>|]+)\|([^<>]*)>/g, '$2')
    .replace(/<([^<>|]+)>/g, '$1')
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replace(/`([^`\n]+)`/g, '$1')
}
