/**
 * Named errors, each with the HTTP status the server answers with. Messages teach: they say what
 * was wrong, where, and what would be right. None of them ever carries a token or a secret.
 */
export abstract class IntegrationError extends Error {
  /** The HTTP status a server answers with when this error ends a webhook request. */
  abstract readonly status: number
  /** A stable, machine-readable code (`unsupported_event`, `invalid_payload`, …). */
  abstract readonly code: string

  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }

  toJSON(): { error: string; message: string } {
    return { error: this.code, message: this.message }
  }
}

/**
 * The sender sent an event the provider does not know. Answered 200 (with the reason), because
 * senders disable endpoints that keep failing.
 */
export class UnsupportedEventError extends IntegrationError {
  readonly status = 200
  readonly code = 'unsupported_event'

  constructor(
    readonly provider: string,
    readonly event: string | undefined,
    readonly knownEvents: readonly string[] = [],
  ) {
    const known = knownEvents.length > 0 ? `; known events: ${knownEvents.join(', ')}` : ''
    super(
      `unknown event ${event === undefined ? '(none given)' : JSON.stringify(event)} for provider ${provider}${known}; see the provider's fixtures/ for examples`,
    )
  }
}

/** The payload lacks (or has a wrong type for) a field the event needs. */
export class InvalidPayloadError extends IntegrationError {
  readonly status = 422
  readonly code = 'invalid_payload'

  constructor(
    readonly provider: string,
    readonly event: string | undefined,
    readonly field: string,
    readonly expected: string,
    options?: ErrorOptions,
  ) {
    super(`invalid ${provider} payload${event ? ` for event "${event}"` : ''}: field "${field}" must be ${expected}`, options)
  }
}

/** The request body cannot be read as a webhook payload (malformed JSON, not an object, …). */
export class InvalidBodyError extends IntegrationError {
  readonly status = 400
  readonly code = 'invalid_body'
}

/** The request's content type is not one a webhook payload can be parsed from. */
export class UnsupportedMediaTypeError extends IntegrationError {
  readonly status = 415
  readonly code = 'unsupported_media_type'

  constructor(readonly contentType: string | undefined) {
    super(`unsupported content type ${contentType ? JSON.stringify(contentType) : '(none)'}; send application/json or application/x-www-form-urlencoded`)
  }
}

/**
 * The body is compressed (`Content-Encoding: gzip`, …). Webhook senders send plain bodies, and
 * inflating one is how a small request becomes a large one: refused rather than decoded.
 */
export class UnsupportedEncodingError extends IntegrationError {
  readonly status = 415
  readonly code = 'unsupported_encoding'

  constructor(readonly contentEncoding: string) {
    super(`unsupported Content-Encoding ${JSON.stringify(contentEncoding.slice(0, 64))}; send the body uncompressed (Content-Encoding: identity, or none)`)
  }
}

/** The request body is larger than the configured limit. */
export class PayloadTooLargeError extends IntegrationError {
  readonly status = 413
  readonly code = 'payload_too_large'

  constructor(readonly limitBytes: number) {
    super(`request body is larger than the limit of ${limitBytes} bytes`)
  }
}

/** The webhook signature is missing or does not match the endpoint's secret. */
export class SignatureError extends IntegrationError {
  readonly status = 401
  readonly code = 'invalid_signature'
}

/** The endpoint's provider options do not satisfy the provider's schema. */
export class InvalidOptionsError extends IntegrationError {
  readonly status = 400
  readonly code = 'invalid_options'

  constructor(
    readonly provider: string,
    readonly key: string,
    reason: string,
  ) {
    super(`invalid options for provider ${provider}: "${key}" ${reason}`)
  }
}

/**
 * A provider returned something that is not a valid result. This is a bug in the provider, not in
 * the request: the server answers with a clear error (never a crash) and logs it.
 */
export class InvalidResultError extends IntegrationError {
  readonly status = 422
  readonly code = 'invalid_result'

  constructor(
    readonly provider: string,
    readonly event: string | undefined,
    readonly field: string,
    reason: string,
  ) {
    super(`provider ${provider} returned an invalid result${event ? ` for event "${event}"` : ''}: ${field} ${reason}`)
  }
}

/** What kind of failure a Missive API call ended with; decides retry or dead letter. */
export type MissiveFailure = 'rate_limited' | 'server' | 'redirect' | 'network' | 'timeout' | 'permanent'

export interface MissiveApiErrorOptions extends ErrorOptions {
  /** The API's HTTP status, when it answered. */
  httpStatus?: number | undefined
  /** Seconds to wait before the next try (a 429's or 503's Retry-After, already capped). */
  retryAfterSeconds?: number | undefined
  /** The start of the API's answer, token redacted, for the dead-letter reason. */
  responseBody?: string | undefined
}

/**
 * A Missive API call failed. `retryable` failures (429, 5xx, redirects, network, timeout) are
 * retried; permanent ones (400/401/403/404/422) go to dead letters. The token is never in the
 * message.
 * @see https://missiveapp.com/help/api-documentation/rest-endpoints
 */
export class MissiveApiError extends IntegrationError {
  readonly status = 502
  readonly code = 'missive_api_error'
  readonly retryable: boolean
  readonly httpStatus: number | undefined
  readonly retryAfterSeconds: number | undefined
  readonly responseBody: string | undefined

  constructor(
    readonly failure: MissiveFailure,
    message: string,
    options: MissiveApiErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.retryable = failure !== 'permanent'
    this.httpStatus = options.httpStatus
    this.retryAfterSeconds = options.retryAfterSeconds
    this.responseBody = options.responseBody
  }
}

/** The queue could not commit the posts: the sender should retry (503, never a silent loss). */
export class QueueUnavailableError extends IntegrationError {
  readonly status = 503
  readonly code = 'queue_unavailable'
}

/**
 * A provider threw something that is not one of the errors above: a bug in the provider. The
 * server answers with this error's message (never a 500, never a crash) and logs the cause.
 */
export class ProviderError extends IntegrationError {
  readonly status = 422
  readonly code = 'provider_error'

  constructor(
    readonly provider: string,
    readonly event: string | undefined,
    cause: unknown,
  ) {
    super(
      `provider ${provider} failed to process ${event ? `event "${event}"` : 'this delivery'}: ${(cause as Error)?.message ?? String(cause)}; this is a bug in the provider, please report it with the payload`,
      { cause },
    )
  }
}
