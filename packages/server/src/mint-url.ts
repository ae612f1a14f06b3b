import { resolveOptions, type FilterHost, type PostOptions } from '@missive-integrations/core'
import { sealToken } from './tokens.js'

export interface MintUrlInput {
  /** The provider: its schema and filters (a filter's value is checked as strictly as an option's). */
  integration: FilterHost
  /** The Missive API token the posts are made with. */
  token: string
  options?: Record<string, unknown>
  postOptions?: PostOptions
  secrets?: string[]
  key: Buffer
  /** `PUBLIC_URL`, or where the server listens. */
  baseUrl: string
}

/**
 * A webhook URL with a sealed token. The provider options (filters included) are checked strictly
 * against the provider's schema first (`InvalidOptionsError` names the key), so a broken URL is never printed.
 */
export function mintWebhookUrl(input: MintUrlInput): string {
  const given = input.options ?? {}
  const resolved = resolveOptions(input.integration, given, { strict: true })
  // Seal only what the user gave (typed): defaults stay the provider's, so they can evolve.
  const options = Object.fromEntries(Object.keys(given).map((key) => [key, resolved[key]]))
  const sealed = sealToken(input.integration.id, { token: input.token, options, postOptions: input.postOptions ?? {}, secrets: input.secrets ?? [] }, input.key)
  return `${input.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(input.integration.id)}?t=${sealed}`
}

/** `key=value` pairs from the command line; values parse as JSON when they are valid JSON. */
export function parseKeyValues(pairs: readonly string[], flag: string, json: boolean): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new TypeError(`${flag} expects key=value, got ${JSON.stringify(pair)}`)
    const key = pair.slice(0, eq)
    const raw = pair.slice(eq + 1)
    result[key] = json ? parseJsonOrString(raw) : raw
  }
  return result
}

/** `["bugs"]` → an array (add_shared_labels), `true` → a boolean, `acme` → "acme". */
function parseJsonOrString(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    return raw
  }
}
