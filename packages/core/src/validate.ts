import { InvalidResultError } from './errors.js'
import { isSkip, type ProcessOutput, type ValidResult } from './result.js'

/** The outcome of `process`, checked: posts to make, or a reasoned skip. */
export type ValidatedOutput = { kind: 'posts'; results: ValidResult[] } | { kind: 'skipped'; reason: string }

export interface ValidationContext {
  provider: string
  event: string | undefined
}

const RESULT_KEYS = new Set([
  'references',
  'conversation',
  'subject',
  'update_existing_conversation_subject',
  'color',
  'notification',
  'text',
  'markdown',
  'attachment',
  'attachments',
])
/** The result fields copied as they are, in the order posts have always listed them. */
const COPIED_KEYS = [...RESULT_KEYS].filter((key) => key !== 'attachment' && key !== 'attachments')
const ATTACHMENT_STRING_KEYS = [
  'author_name',
  'author_link',
  'author_icon',
  'color',
  'pretext',
  'title',
  'title_link',
  'text',
  'markdown',
  'image_url',
  'footer',
  'footer_icon',
] as const
const ATTACHMENT_KEYS = new Set<string>([...ATTACHMENT_STRING_KEYS, 'fields', 'timestamp'])
const NAMED_COLORS = new Set(['good', 'warning', 'danger'])
const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i
/** Missive rejects longer references; a thread key this long is a provider bug. */
const MAX_REFERENCE_LENGTH = 900

/** True for a color Missive accepts: `#rgb`, `#rrggbb`, `good`, `warning` or `danger`. */
export function isColor(value: unknown): boolean {
  return typeof value === 'string' && (HEX_COLOR.test(value) || NAMED_COLORS.has(value))
}

/**
 * Check what `process` returned. Nothing (undefined, null, `[]`) and `skip(reason)` are skips;
 * anything else must be one result or a list of results that Missive can post. Throws
 * `InvalidResultError` naming the provider, the event and the field.
 */
export function validateOutput(output: ProcessOutput, context: ValidationContext): ValidatedOutput {
  const event = context.event ? `event "${context.event}"` : 'this event'
  if (output === undefined || output === null) {
    return { kind: 'skipped', reason: `${context.provider} posts nothing for ${event}` }
  }
  if (isSkip(output)) return { kind: 'skipped', reason: output.skip }
  const list: readonly unknown[] = Array.isArray(output) ? output : [output]
  if (list.length === 0) return { kind: 'skipped', reason: `${context.provider} posts nothing for ${event}` }
  return { kind: 'posts', results: list.map((item, i) => validateResult(item, context, list.length > 1 ? `results[${i}]` : 'result')) }
}

/** Check one result and fold `attachment` into `attachments`. */
export function validateResult(value: unknown, context: ValidationContext, name = 'result'): ValidResult {
  const fail = (field: string, reason: string) => new InvalidResultError(context.provider, context.event, field, reason)
  if (!isPlainObject(value)) throw fail(name, `must be an object, got ${kindOf(value)}`)

  for (const key of Object.keys(value)) {
    if (!RESULT_KEYS.has(key)) {
      throw fail(`${name}.${key}`, `is not a result field; known fields: ${[...RESULT_KEYS].join(', ')}`)
    }
  }
  const r = value as Record<string, unknown>

  const references = r.references
  if (references !== undefined) {
    if (!Array.isArray(references)) throw fail(`${name}.references`, `must be an array of strings, got ${kindOf(references)}`)
    references.forEach((ref, i) => {
      if (typeof ref !== 'string' || ref.trim() === '') {
        throw fail(`${name}.references[${i}]`, `must be a non-empty string, got ${kindOf(ref)}`)
      }
      if (ref.length > MAX_REFERENCE_LENGTH) throw fail(`${name}.references[${i}]`, `is longer than ${MAX_REFERENCE_LENGTH} characters`)
    })
  }
  if (r.conversation !== undefined && (typeof r.conversation !== 'string' || r.conversation.trim() === '')) {
    throw fail(`${name}.conversation`, `must be a conversation id string, got ${kindOf(r.conversation)}`)
  }
  const hasReferences = Array.isArray(references) && references.length > 0
  if (!hasReferences && r.conversation === undefined) {
    throw fail(name, 'has neither references nor a conversation: give at least one reference to thread the post')
  }

  for (const key of ['subject', 'notification', 'text', 'markdown'] as const) {
    if (r[key] !== undefined && typeof r[key] !== 'string') throw fail(`${name}.${key}`, `must be a string, got ${kindOf(r[key])}`)
  }
  if (r.update_existing_conversation_subject !== undefined && typeof r.update_existing_conversation_subject !== 'boolean') {
    throw fail(`${name}.update_existing_conversation_subject`, `must be a boolean, got ${kindOf(r.update_existing_conversation_subject)}`)
  }
  if (r.color !== undefined && !isColor(r.color)) {
    throw fail(`${name}.color`, `must be a hex color (#rgb or #rrggbb) or good, warning or danger, got ${JSON.stringify(r.color)}`)
  }

  if (r.attachment !== undefined && r.attachments !== undefined) {
    throw fail(name, 'has both attachment and attachments: use one')
  }
  let attachments: ValidResult['attachments']
  if (r.attachment !== undefined) {
    attachments = [validateAttachment(r.attachment, `${name}.attachment`, fail)]
  } else if (r.attachments !== undefined) {
    if (!Array.isArray(r.attachments)) throw fail(`${name}.attachments`, `must be an array of attachment objects, got ${kindOf(r.attachments)}`)
    attachments = r.attachments.map((item, i) => validateAttachment(item, `${name}.attachments[${i}]`, fail))
  }

  const hasText = (typeof r.text === 'string' && r.text !== '') || (typeof r.markdown === 'string' && r.markdown !== '')
  if (!hasText && (!attachments || attachments.length === 0)) {
    throw fail(name, 'has no text, markdown or attachments: a post needs content')
  }

  const result: Record<string, unknown> = {}
  for (const key of COPIED_KEYS) {
    const value = r[key]
    if (value !== undefined) result[key] = key === 'references' ? [...(value as string[])] : value
  }
  if (attachments) result.attachments = attachments
  return result as ValidResult
}

type Fail = (field: string, reason: string) => InvalidResultError

function validateAttachment(value: unknown, name: string, fail: Fail): NonNullable<ValidResult['attachments']>[number] {
  if (!isPlainObject(value)) throw fail(name, `must be an attachment object, got ${kindOf(value)}`)
  const a = value as Record<string, unknown>
  for (const key of Object.keys(a)) {
    if (!ATTACHMENT_KEYS.has(key)) throw fail(`${name}.${key}`, `is not an attachment field; known fields: ${[...ATTACHMENT_KEYS].join(', ')}`)
  }
  for (const key of ATTACHMENT_STRING_KEYS) {
    if (a[key] !== undefined && typeof a[key] !== 'string') throw fail(`${name}.${key}`, `must be a string, got ${kindOf(a[key])}`)
  }
  if (a.color !== undefined && !isColor(a.color)) {
    throw fail(`${name}.color`, `must be a hex color (#rgb or #rrggbb) or good, warning or danger, got ${JSON.stringify(a.color)}`)
  }
  if (a.timestamp !== undefined && (typeof a.timestamp !== 'number' || !Number.isFinite(a.timestamp))) {
    throw fail(`${name}.timestamp`, `must be a Unix time in seconds, got ${kindOf(a.timestamp)}`)
  }
  const copy: Record<string, unknown> = {}
  for (const key in a) if (a[key] !== undefined) copy[key] = a[key]
  if (a.fields !== undefined) {
    if (!Array.isArray(a.fields)) throw fail(`${name}.fields`, `must be an array of {title, value, short}, got ${kindOf(a.fields)}`)
    copy.fields = a.fields.map((field, i) => {
      const at = `${name}.fields[${i}]`
      if (!isPlainObject(field)) throw fail(at, `must be an object {title, value, short}, got ${kindOf(field)}`)
      const f = field as Record<string, unknown>
      for (const key of Object.keys(f)) {
        if (key !== 'title' && key !== 'value' && key !== 'short') throw fail(`${at}.${key}`, 'is not a field key; use title, value and short')
      }
      if (typeof f.title !== 'string') throw fail(`${at}.title`, `must be a string, got ${kindOf(f.title)}`)
      if (typeof f.value !== 'string') throw fail(`${at}.value`, `must be a string, got ${kindOf(f.value)}`)
      if (f.short !== undefined && typeof f.short !== 'boolean') throw fail(`${at}.short`, `must be a boolean, got ${kindOf(f.short)}`)
      return f.short === undefined ? { title: f.title, value: f.value } : { title: f.title, value: f.value, short: f.short }
    })
  }
  return copy
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'function') return 'a function (results must be plain data, not callbacks)'
  if (typeof value === 'object') return `an instance of ${(value as object).constructor?.name ?? 'an unknown class'}`
  return `${typeof value} ${JSON.stringify(value)}`
}
