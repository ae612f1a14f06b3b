import { MissiveApiError } from './errors.js'
import type { MissivePost } from './post.js'
import { redact } from './text.js'

/** Missive's public REST API. @see https://missiveapp.com/help/api-documentation/getting-started */
export const DEFAULT_MISSIVE_API_BASE_URL = 'https://public.missiveapp.com/v1'

/**
 * The longest wait a Retry-After can ask for. A hostile or broken answer (`Retry-After:
 * 999999999`) would otherwise park a post, and its token's whole lane, for decades.
 */
export const MAX_RETRY_AFTER_SECONDS = 60 * 60

export interface MissiveClientOptions {
  /** API base, with its version (`https://public.missiveapp.com/v1`); `MISSIVE_API_BASE_URL` in the server. */
  baseUrl?: string
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number
  /** A fetch implementation (default: the built-in one). */
  fetch?: typeof fetch
  userAgent?: string
}

/** A post Missive created: its id and the conversation it landed in, when its answer says so. */
export interface CreatedPost {
  /** Undefined when the answer was cut off or not the documented JSON: the post exists all the same. */
  id: string | undefined
  conversation: string | undefined
}

/** Statuses that say "try again later" rather than "this post can never be made". */
const RETRYABLE_4XX = new Set([408, 409, 425, 429])
const MAX_ERROR_BODY = 500
/** Missive answers a post in well under a kilobyte; anything past this is not read. */
const MAX_ANSWER_BYTES = 64 * 1024

/**
 * A minimal Missive API client over the built-in `fetch`. Every failure is a `MissiveApiError`,
 * typed retryable (429 with its Retry-After, 5xx, a redirect, network error, timeout) or
 * permanent (400/401/403/404/422 …). The token goes in the Authorization header only, never in
 * an error.
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

  /**
   * `POST {base}/posts` with `{ posts: post }`. A 2xx status means Missive created the post, even
   * when the rest of its answer never arrives: sending it again would post it twice.
   * @see https://missiveapp.com/help/api-documentation/rest-endpoints#create-a-post
   */
  async createPost(token: string, post: MissivePost): Promise<CreatedPost> {
    const method = 'POST'
    const path = '/posts'
    const response = await this.#send(token, method, path, { posts: post })
    if (response.ok) {
      const answer = parseJson(await readCapped(response).catch(() => ''))
      return createdPost(answer)
    }
    const status = response.status
    if (status >= 300 && status < 400) {
      // Never followed: fetch would turn a 301 into a GET whose 200 looks like a created post, and
      // a 307 would send the post (and the bearer token) to whatever host the answer names.
      void response.body?.cancel().catch(() => {})
      throw new MissiveApiError(
        'redirect',
        `Missive API ${method} ${path} answered ${status} (a redirect${locationOf(response)}); redirects are not followed: check MISSIVE_API_BASE_URL`,
        {
          httpStatus: status,
        },
      )
    }
    const text = await readCapped(response).catch(() => '')
    const excerpt = redact(text.slice(0, MAX_ERROR_BODY), token)
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'))
    const detail = excerpt ? `: ${excerpt}` : ''
    if (status === 429) {
      const wait = retryAfter === undefined ? 'a backoff' : `${retryAfter} s`
      throw new MissiveApiError('rate_limited', `Missive API rate limit hit (429); retry after ${wait}`, {
        httpStatus: status,
        retryAfterSeconds: retryAfter,
        responseBody: excerpt,
      })
    }
    if (status >= 500 || RETRYABLE_4XX.has(status)) {
      throw new MissiveApiError('server', `Missive API ${method} ${path} answered ${status}${detail}`, {
        httpStatus: status,
        retryAfterSeconds: retryAfter,
        responseBody: excerpt,
      })
    }
    throw new MissiveApiError('permanent', `Missive API ${method} ${path} refused the post with ${status}${detail}`, {
      httpStatus: status,
      responseBody: excerpt,
    })
  }

  async #send(token: string, method: string, path: string, body: unknown): Promise<Response> {
    try {
      return await this.#fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'user-agent': this.#userAgent,
        },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      })
    } catch (error) {
      const name = (error as Error)?.name
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new MissiveApiError('timeout', `Missive API ${method} ${path} timed out after ${this.timeoutMs} ms`, { cause: error })
      }
      const reason = redact(describeNetworkError(error), token)
      throw new MissiveApiError('network', `Missive API ${method} ${path} failed: ${reason}`, { cause: error })
    }
  }
}

/** Retry-After as seconds, at most {@link MAX_RETRY_AFTER_SECONDS}: a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined
  const trimmed = value.trim()
  let seconds: number
  if (/^\d+(\.\d+)?$/.test(trimmed)) seconds = Number(trimmed)
  else {
    const date = Date.parse(trimmed)
    if (Number.isNaN(date)) return undefined
    seconds = Math.max(0, Math.ceil((date - now) / 1000))
  }
  return Number.isFinite(seconds) ? Math.min(seconds, MAX_RETRY_AFTER_SECONDS) : MAX_RETRY_AFTER_SECONDS
}

/** The answer's text, up to {@link MAX_ANSWER_BYTES}: a peer cannot make the worker buffer more. */
async function readCapped(response: Response): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < MAX_ANSWER_BYTES) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.byteLength
    }
  } finally {
    if (size >= MAX_ANSWER_BYTES) void reader.cancel().catch(() => {})
    reader.releaseLock()
  }
  return Buffer.concat(chunks).toString('utf8', 0, Math.min(size, MAX_ANSWER_BYTES))
}

/** `{ posts: { id, conversation } }`, Missive's answer to a created post. */
function createdPost(answer: unknown): CreatedPost {
  const posts = (answer as { posts?: unknown } | undefined)?.posts
  const fields = posts !== null && typeof posts === 'object' ? (posts as { id?: unknown; conversation?: unknown }) : {}
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined)
  return { id: text(fields.id), conversation: text(fields.conversation) }
}

/** ` to <origin>` of a redirect's Location, for the reason; never its path or query. */
function locationOf(response: Response): string {
  const location = response.headers.get('location')
  if (!location) return ''
  try {
    return ` to ${new URL(location).origin}`
  } catch {
    return ' within the same host'
  }
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
