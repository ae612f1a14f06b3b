/** Header values as an HTTP framework hands them over (Node's IncomingHttpHeaders fits). */
export type HeaderInput =
  | Headers
  | Iterable<readonly [string, string]>
  | Record<string, string | readonly string[] | number | undefined>

export type QueryInput = URLSearchParams | Record<string, string | readonly string[] | undefined>

export interface WebhookRequestInit {
  method?: string
  /** The request path and query (`/github?t=…`); its query is merged under `query`. */
  url?: string
  headers?: HeaderInput
  query?: QueryInput
  /** The raw body bytes, exactly as received: signatures are computed over them. */
  body?: Uint8Array | string
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
  readonly rawBody: Buffer
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
    this.rawBody = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
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
