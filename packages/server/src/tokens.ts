import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { IntegrationError, type Endpoint, type PostOptions } from '@missive-integrations/core'

/** Sealed tokens start with their format version, so the format can change without breaking URLs. */
export const SEALED_PREFIX = 'v1.'
const IV_BYTES = 12
const TAG_BYTES = 16

/** What an endpoint's URL token carries. */
export interface EndpointSpec {
  /** The Missive API token the posts are made with. */
  token: string
  /** The provider's own options (Rollbar's account and project, …). */
  options?: Record<string, unknown>
  /** Post options merged into every post (organization, add_shared_labels, …). */
  postOptions?: PostOptions
  /** Webhook secrets: several while one is being rotated. */
  secrets?: string[]
}

export type ResolvedEndpoint = Endpoint & { options: Record<string, unknown>; format: 'sealed' | 'legacy' }

/** The URL token is missing, unreadable, tampered with or meant for another provider (401). */
export class TokenError extends IntegrationError {
  readonly status = 401
  constructor(
    readonly code: 'missing_token' | 'invalid_token',
    message: string,
  ) {
    super(message)
  }
}

/**
 * Seal an endpoint into a URL token: AES-256-GCM with a random 12-byte IV and the provider id as
 * associated data, so the Missive token cannot be read from the URL, any change to the token is
 * detected, and a token minted for one provider does not open on another's URL.
 * Layout: `v1.` + base64url(iv ‖ ciphertext ‖ tag).
 */
export function sealToken(provider: string, endpoint: EndpointSpec, key: Buffer): string {
  // Short keys keep webhook URLs short; the layout is private to this file.
  const body: Record<string, unknown> = { t: endpoint.token }
  if (endpoint.options && Object.keys(endpoint.options).length > 0) body.o = endpoint.options
  if (endpoint.postOptions && Object.keys(endpoint.postOptions).length > 0) body.p = endpoint.postOptions
  if (endpoint.secrets && endpoint.secrets.length > 0) body.s = endpoint.secrets
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(associatedData(provider))
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(body), 'utf8'), cipher.final()])
  return SEALED_PREFIX + Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url')
}

/** Open a sealed token for `provider`; throws `TokenError` for anything but an intact token of ours. */
export function openSealedToken(provider: string, sealed: string, key: Buffer): ResolvedEndpoint {
  const invalid = () =>
    new TokenError(
      'invalid_token',
      `the URL token cannot be opened for provider ${provider}: it was changed, minted for another provider, or sealed with another SECRET_KEY; mint a new URL with \`missive-integrations url ${provider}\``,
    )
  const encoded = sealed.slice(SEALED_PREFIX.length)
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) throw invalid()
  const bytes = Buffer.from(encoded, 'base64url')
  if (bytes.length <= IV_BYTES + TAG_BYTES) throw invalid()
  let plain: string
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES })
    decipher.setAAD(associatedData(provider))
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES))
    plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8')
  } catch {
    throw invalid()
  }
  const body = JSON.parse(plain) as { t?: unknown; o?: unknown; p?: unknown; s?: unknown }
  if (typeof body.t !== 'string') throw invalid()
  return {
    format: 'sealed',
    token: body.t,
    options: isObject(body.o) ? body.o : {},
    postOptions: isObject(body.p) ? (body.p as PostOptions) : {},
    secrets: Array.isArray(body.s) ? body.s.filter((s): s is string => typeof s === 'string') : [],
  }
}

/**
 * Decode the hosted service's token: base64 of
 * `{"token": "…", "options": {post options}, "<provider id>": {provider options}}`.
 * Kept so that existing webhook URLs work by changing only the host.
 * @see https://missiveapp.com/help/api-documentation/webhook-integrations-develop
 */
export function decodeLegacyToken(provider: string, text: string): ResolvedEndpoint {
  const invalid = (why: string) =>
    new TokenError('invalid_token', `the URL token is not a valid token: ${why}; mint a new URL with \`missive-integrations url ${provider}\``)
  // A `+` of standard base64 arrives as a space when the URL did not percent-encode it.
  const encoded = text.replace(/ /g, '+')
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) throw invalid('it is neither a sealed token (v1.…) nor base64')
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'))
  } catch {
    throw invalid('it does not decode to JSON')
  }
  if (!isObject(value)) throw invalid('it does not decode to a JSON object')
  if (typeof value.token !== 'string' || value.token === '') throw invalid('it has no "token"')
  const postOptions = Object.hasOwn(value, 'options') ? value.options : undefined
  const options = Object.hasOwn(value, provider) ? value[provider] : undefined
  if (postOptions !== undefined && !isObject(postOptions)) throw invalid('its "options" is not an object')
  if (options !== undefined && !isObject(options)) throw invalid(`its "${provider}" options are not an object`)
  return { format: 'legacy', token: value.token, options: options ?? {}, postOptions: (postOptions ?? {}) as PostOptions, secrets: [] }
}

export interface ResolveEndpointSettings {
  key: Buffer
  legacyTokens: boolean
}

/**
 * Opened tokens by provider and token text. A webhook URL is reused for every delivery, so
 * caching spares a decryption per request; bounded, oldest first out. Failures are not cached.
 */
export class EndpointCache {
  readonly #entries = new Map<string, ResolvedEndpoint>()
  constructor(readonly maxEntries = 1000) {}

  resolve(provider: string, token: string | undefined, settings: ResolveEndpointSettings): ResolvedEndpoint {
    if (token === undefined) return resolveEndpoint(provider, token, settings)
    const key = `${provider}\0${token}`
    const cached = this.#entries.get(key)
    if (cached) return cached
    const endpoint = resolveEndpoint(provider, token, settings)
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!)
    this.#entries.set(key, endpoint)
    return endpoint
  }
}

/** The endpoint a request's `t` parameter stands for, or a `TokenError` (401) saying why not. */
export function resolveEndpoint(provider: string, token: string | undefined, settings: ResolveEndpointSettings): ResolvedEndpoint {
  if (token === undefined || token === '') {
    throw new TokenError(
      'missing_token',
      `this webhook URL has no token: add ?t=… as printed by \`missive-integrations url ${provider} --token <missive-api-token>\``,
    )
  }
  if (token.startsWith(SEALED_PREFIX)) return openSealedToken(provider, token, settings.key)
  if (!settings.legacyTokens) {
    throw new TokenError(
      'invalid_token',
      `legacy tokens are turned off on this server (LEGACY_TOKENS=false); mint a sealed URL with \`missive-integrations url ${provider}\``,
    )
  }
  return decodeLegacyToken(provider, token)
}

function associatedData(provider: string): Buffer {
  return Buffer.from(`missive-integrations/${provider}`, 'utf8')
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
