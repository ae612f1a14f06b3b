import { MissiveApiError } from './errors.js'
import type { MissivePost } from './post.js'

/** Missive's public REST API. @see https://missiveapp.com/help/api-documentation/getting-started */
export const DEFAULT_MISSIVE_API_BASE_URL = 'https://public.missiveapp.com/v1'

export interface MissiveClientOptions {
  /** API base, with its version (`https://public.missiveapp.com/v1`); `MISSIVE_API_BASE_URL` in the server. */
  baseUrl?: string
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number
  /** A fetch implementation (default: the built-in one). */
  fetch?: typeof fetch
  userAgent?: string
}

export interface MissivePostResponse {
  status: number
  /** The API's JSON answer (`{ posts: { id, conversation, … } }`), or undefined if not JSON. */
  body: unknown
}

/** Statuses that say "try again later" rather than "this post can never be made". */
const RETRYABLE_4XX = new Set([408, 409, 425, 429])
const MAX_ERROR_BODY = 500

/**
 * A minimal Missive API client over the built-in `fetch`. Every failure is a `MissiveApiError`,
 * typed retryable (429 with its Retry-After, 5xx, network error, timeout) or permanent
 * (400/401/403/404/422 …). The token goes in the Authorization header only, never in an error.
 */
export class MissiveClient {
  readonly baseUrl: string
  readonly timeoutMs: number
  readonly #fetch: typeof fetch
  readonly #userAgent: string

  constructor(options: MissiveClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_MISSIVE_API_BASE_URL).replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? 10_000
    this.#fetch = options.fetch ?? globalThis.fetch
    this.#userAgent = options.userAgent ?? 'missive-integrations'
  }

  /** `POST {base}/posts` with `{ posts: post }`. */
  async createPost(token: string, post: MissivePost): Promise<MissivePostResponse> {
    return this.#request(token, 'POST', '/posts', { posts: post })
  }

  async #request(token: string, method: string, path: string, body: unknown): Promise<MissivePostResponse> {
    const url = `${this.baseUrl}${path}`
    let response: Response
    try {
      response = await this.#fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'user-agent': this.#userAgent,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      })
    } catch (error) {
      const name = (error as Error)?.name
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new MissiveApiError('timeout', `Missive API ${method} ${path} timed out after ${this.timeoutMs} ms`, undefined, undefined, undefined, {
          cause: error,
        })
      }
      const reason = redact(describeNetworkError(error), token)
      throw new MissiveApiError('network', `Missive API ${method} ${path} failed: ${reason}`, undefined, undefined, undefined, {
        cause: error,
      })
    }

    let text: string
    try {
      text = await response.text()
    } catch (error) {
      throw new MissiveApiError('network', `Missive API ${method} ${path}: the answer was cut off (${response.status})`, response.status, undefined, undefined, {
        cause: error,
      })
    }
    if (response.ok) return { status: response.status, body: parseJson(text) }

    const excerpt = redact(text.slice(0, MAX_ERROR_BODY), token)
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'))
    const status = response.status
    const detail = excerpt ? `: ${excerpt}` : ''
    if (status === 429) {
      throw new MissiveApiError('rate_limited', `Missive API rate limit hit (429); retry after ${retryAfter ?? 'a backoff'}${retryAfter === undefined ? '' : ' s'}`, status, retryAfter, excerpt)
    }
    if (status >= 500 || RETRYABLE_4XX.has(status)) {
      throw new MissiveApiError('server', `Missive API ${method} ${path} answered ${status}${detail}`, status, retryAfter, excerpt)
    }
    throw new MissiveApiError('permanent', `Missive API ${method} ${path} refused the post with ${status}${detail}`, status, undefined, excerpt)
  }
}

/** Retry-After as seconds: a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed)
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, Math.ceil((date - now) / 1000))
}

function parseJson(text: string): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`
  return (error as Error)?.message ?? String(error)
}

function redact(text: string, token: string): string {
  return token ? text.split(token).join('[redacted]') : text
}
