import { PayloadTooLargeError } from './errors.js'

/** Header values as an HTTP framework hands them over (Node's IncomingHttpHeaders fits). */
export type HeaderInput = Headers | Iterable<readonly [string, string]> | Record<string, string | readonly string[] | number | undefined>

export type QueryInput = URLSearchParams | Record<string, string | readonly string[] | undefined>

/**
 * Reads a request's body once the sender is authenticated; refuses more than `limit` bytes with
 * `PayloadTooLargeError` (413), without buffering them.
 */
export type BodyReader = (limit: number) => Promise<Uint8Array>

export interface WebhookRequestInit {
  method?: string
  /** The request path and query (`/github?t=…`); its query is merged under `query`. */
  url?: string
  headers?: HeaderInput
  query?: QueryInput
  /**
   * The raw body bytes, exactly as received (signatures are computed over them), or a reader that
   * `readBody` calls: a server hands over a request before reading its body, so that a request
   * without a valid token never gets its body buffered.
   */
  body?: Uint8Array | string | BodyReader
}

/** A path URL parsing would leave as it is: no dot segments, no characters it would escape. */
const PLAIN_PATH = /^\/(?:[\w\-~%]+\/)*[\w\-~%]*$/

/**
 * The request as a provider sees it: framework-free, read-only. Header names are
 * case-insensitive; the raw body is kept byte for byte for signature checks.
 */
export class WebhookRequest {
  readonly method: string
  readonly path: string
  #body: Buffer | undefined
  #reader: BodyReader | undefined
  readonly #headers = new Map<string, string>()
  readonly #query = new Map<string, string[]>()

  constructor(init: WebhookRequestInit = {}) {
    this.method = (init.method ?? 'POST').toUpperCase()
    const url = init.url ?? '/'
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    // A plain path (what servers pass) is taken as is; anything else is normalised by URL.
    this.path = PLAIN_PATH.test(path) ? path : new URL(path, 'http://localhost').pathname
    if (q !== -1) for (const [key, value] of new URLSearchParams(url.slice(q + 1))) this.#addQuery(key, value)
    for (const [key, value] of entriesOf(init.query)) this.#addQuery(key, value)
    for (const [name, value] of headerEntries(init.headers)) this.#addHeader(name, value)
    const body = init.body ?? ''
    if (typeof body === 'function') this.#reader = body
    else this.#body = toBuffer(body)
  }

  /** The raw body bytes, exactly as received. Throws before `readBody` when the body is read lazily. */
  get rawBody(): Buffer {
    if (this.#body === undefined) throw new Error('the body of this request has not been read yet: await request.readBody(limit) first')
    return this.#body
  }

  /** Read the body (once), refusing more than `limit` bytes with `PayloadTooLargeError` (413). */
  async readBody(limit = Number.POSITIVE_INFINITY): Promise<Buffer> {
    if (this.#body === undefined) {
      const reader = this.#reader!
      this.#reader = undefined
      this.#body = toBuffer(await reader(limit))
    }
    if (this.#body.length > limit) throw new PayloadTooLargeError(limit)
    return this.#body
  }

  /** A header's value (case-insensitive name), or undefined when absent. */
  header(name: string): string | undefined {
    return this.#headers.get(name.toLowerCase())
  }

  /** Every header, names lower-cased. */
  get headers(): Readonly<Record<string, string>> {
    return Object.fromEntries(this.#headers)
  }

  /** The first value of a query parameter. */
  queryParam(name: string): string | undefined {
    return this.#query.get(name)?.[0]
  }

  /** Every query parameter (first value of each). */
  get query(): Readonly<Record<string, string>> {
    return Object.fromEntries([...this.#query].map(([key, values]) => [key, values[0] ?? '']))
  }

  /** The media type without parameters, lower-cased (`application/json`), or undefined. */
  get contentType(): string | undefined {
    const value = this.header('content-type')
    if (!value) return undefined
    return value.split(';')[0]!.trim().toLowerCase() || undefined
  }

  /** The raw body decoded as UTF-8. */
  get bodyText(): string {
    return this.rawBody.toString('utf8')
  }

  #addHeader(name: string, value: string): void {
    const key = name.toLowerCase()
    const previous = this.#headers.get(key)
    this.#headers.set(key, previous === undefined ? value : `${previous}, ${value}`)
  }

  #addQuery(key: string, value: string): void {
    const values = this.#query.get(key)
    if (values) values.push(value)
    else this.#query.set(key, [value])
  }
}

function toBuffer(body: Uint8Array | string): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
}

function* headerEntries(input: HeaderInput | undefined): Iterable<[string, string]> {
  if (!input) return
  if (typeof Headers !== 'undefined' && input instanceof Headers) {
    yield* input.entries()
    return
  }
  if (Symbol.iterator in input) {
    for (const [name, value] of input as Iterable<readonly [string, string]>) yield [name, value]
    return
  }
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue
    if (Array.isArray(value)) yield [name, value.join(', ')]
    else yield [name, String(value)]
  }
}

function* entriesOf(input: QueryInput | undefined): Iterable<[string, string]> {
  if (!input) return
  if (input instanceof URLSearchParams) {
    yield* input.entries()
    return
  }
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue
    if (typeof value === 'string') yield [key, value]
    else for (const item of value) yield [key, item]
  }
}
