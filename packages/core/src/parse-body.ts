import { InvalidBodyError, UnsupportedEncodingError, UnsupportedMediaTypeError } from './errors.js'
import type { WebhookRequest } from './request.js'

/** A parsed webhook payload: always a JSON object. */
export type Payload = Record<string, unknown>

export interface ParseBodyOptions {
  /** Deepest allowed nesting of objects and arrays (default 256): deeper is an attack, not a webhook. */
  maxDepth?: number
}

const JSON_TYPES = new Set(['application/json', 'text/json', 'text/plain'])
const FORM_TYPE = 'application/x-www-form-urlencoded'

/**
 * Parse a webhook body: JSON, or form-encoded (`payload=<json>` as GitHub sends it with the
 * "application/x-www-form-urlencoded" content type, else the form's fields as an object).
 * Throws `UnsupportedEncodingError` or `UnsupportedMediaTypeError` (415) or `InvalidBodyError`
 * (400); never anything else, and never with the body's bytes in the message.
 */
export function parseBody(request: WebhookRequest, options: ParseBodyOptions = {}): Payload {
  const maxDepth = options.maxDepth ?? 256
  const encoding = request.header('content-encoding')
  if (encoding !== undefined && encoding.trim() !== '' && encoding.trim().toLowerCase() !== 'identity') throw new UnsupportedEncodingError(encoding)
  const type = request.contentType
  // A missing content type is read as JSON: several senders (and curl users) leave it out.
  if (type === undefined || JSON_TYPES.has(type) || type.endsWith('+json')) {
    return parseJsonObject(request.bodyText, 'body', maxDepth)
  }
  if (type === FORM_TYPE) {
    const form = new URLSearchParams(request.bodyText)
    const payload = form.get('payload')
    if (payload !== null) return parseJsonObject(payload, 'form field "payload"', maxDepth)
    const fields = Object.fromEntries(form)
    if (Object.keys(fields).length === 0) throw new InvalidBodyError('form body is empty')
    return fields
  }
  throw new UnsupportedMediaTypeError(request.header('content-type'))
}

/** Parse text as a JSON object, with depth checked before parsing so nesting bombs cost nothing. */
export function parseJsonObject(text: string, what = 'body', maxDepth = 256): Payload {
  // Nesting deeper than maxDepth needs more than maxDepth opening brackets: a count with the
  // native indexOf rules out nearly every real payload before the character-by-character scan.
  if (hasMoreBrackets(text, maxDepth) && jsonDepth(text) > maxDepth) {
    throw new InvalidBodyError(`${what} nests deeper than ${maxDepth} levels`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    if (text.trim() === '') throw new InvalidBodyError(`${what} is empty; expected a JSON object`)
    throw new InvalidBodyError(`${what} is not valid JSON: ${printable((error as Error).message)}`)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`
    throw new InvalidBodyError(`${what} must be a JSON object, got ${kind}`)
  }
  return value as Payload
}

/** True when the text holds more than `limit` opening brackets, inside strings or not. */
function hasMoreBrackets(text: string, limit: number): boolean {
  let count = 0
  for (const bracket of ['{', '[']) {
    for (let at = text.indexOf(bracket); at !== -1; at = text.indexOf(bracket, at + 1)) {
      if (++count > limit) return true
    }
  }
  return false
}

/** Deepest bracket nesting of a JSON text, ignoring brackets inside strings. Linear, no recursion. */
export function jsonDepth(text: string): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92 /* \ */) i++
      else if (c === 34 /* " */) inString = false
    } else if (c === 34) {
      inString = true
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) max = depth
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--
    }
  }
  return max
}

/**
 * A parser's message made safe to echo: V8 quotes the start of the text it could not parse, which
 * for a binary body (a gzip stream, …) would send control characters back.
 */
function printable(message: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = message.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return escaped.length > 200 ? `${escaped.slice(0, 199)}…` : escaped
}
