import { InvalidOptionsError } from './errors.js'
import { checkFilters, schemaOf, type FilterHost } from './filters.js'
import { coreOptionSpecs, endpointSchema, type OptionSpec, type ProviderOptions } from './integration.js'

export interface ResolveOptionsSettings {
  /** Reject keys the schema does not declare (when minting an endpoint); default false. */
  strict?: boolean
}

/**
 * Check an endpoint's provider options against the provider's schema: required keys present,
 * values typed (`"5"` becomes 5 for a Number, `"true"` true for a Boolean), defaults applied.
 * The provider's filters are options too, and their values are checked (lists, globs, levels).
 * Throws `InvalidOptionsError` naming the key, so a broken link is never built from a missing option.
 */
export function resolveOptions(
  integration: FilterHost,
  raw: Readonly<Record<string, unknown>> | null | undefined,
  settings: ResolveOptionsSettings = {},
): ProviderOptions {
  const input = optionsObject(integration.id, raw)
  // The provider's own options and its filters: what its handlers and its filters read.
  const resolved = resolveSpecs(integration.id, schemaOf(integration).options, input)
  if (settings.strict) {
    // Minting an endpoint: the options core adds to every provider are checked here too.
    resolveCoreOptions(integration, input)
    const specs = endpointSchema(integration).options
    const known = new Set(specs.map((spec) => spec.key))
    for (const key of Object.keys(input)) {
      if (!known.has(key)) {
        const list = specs.length > 0 ? `known options: ${specs.map((s) => s.key).join(', ')}` : 'this provider takes no options'
        throw new InvalidOptionsError(integration.id, key, `is not an option of this provider; ${list}`)
      }
    }
  }
  checkFilters(integration, resolved)
  return resolved
}

/**
 * The endpoint options core adds to every provider (burst digests), checked and typed like the
 * provider's own; they are not handed to the provider's handlers.
 */
export function resolveCoreOptions(integration: FilterHost, raw: Readonly<Record<string, unknown>> | null | undefined): ProviderOptions {
  return resolveSpecs(integration.id, coreOptionSpecs(schemaOf(integration).options), optionsObject(integration.id, raw))
}

function optionsObject(provider: string, raw: Readonly<Record<string, unknown>> | null | undefined): Readonly<Record<string, unknown>> {
  const input = raw ?? {}
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidOptionsError(provider, '(options)', 'must be an object of key/value pairs')
  }
  return input
}

function resolveSpecs(provider: string, specs: readonly OptionSpec[], input: Readonly<Record<string, unknown>>): ProviderOptions {
  const resolved: ProviderOptions = {}
  for (const spec of specs) {
    const value = Object.hasOwn(input, spec.key) ? input[spec.key] : undefined
    if (value === undefined || value === null || value === '') {
      if (spec.default !== undefined) resolved[spec.key] = spec.default
      else if (spec.required) {
        throw new InvalidOptionsError(provider, spec.key, `is required (${describe(spec)})`)
      }
      continue
    }
    resolved[spec.key] = coerce(provider, spec, value)
  }
  return resolved
}

function coerce(provider: string, spec: OptionSpec, value: unknown): string | number | boolean {
  switch (spec.type) {
    case 'String':
      if (typeof value === 'string') return value
      if (typeof value === 'number' || typeof value === 'boolean') return String(value)
      break
    case 'Number': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
      if (typeof n === 'number' && Number.isFinite(n) && inRange(spec, n)) return n
      break
    }
    case 'Boolean':
      if (typeof value === 'boolean') return value
      if (value === 'true' || value === '1') return true
      if (value === 'false' || value === '0') return false
      break
  }
  throw new InvalidOptionsError(provider, spec.key, `must be ${describe(spec)}, got ${JSON.stringify(value)}`)
}

function inRange(spec: OptionSpec, n: number): boolean {
  return (!spec.integer || Number.isInteger(n)) && (spec.min === undefined || n >= spec.min) && (spec.max === undefined || n <= spec.max)
}

function describe(spec: OptionSpec): string {
  let type = { String: 'a string', Number: spec.integer ? 'a whole number' : 'a number', Boolean: 'true or false' }[spec.type]
  if (spec.min !== undefined && spec.max !== undefined) type += ` from ${spec.min} to ${spec.max}`
  else if (spec.min !== undefined) type += ` of at least ${spec.min}`
  else if (spec.max !== undefined) type += ` of at most ${spec.max}`
  return spec.description ? `${type}: ${spec.description}` : type
}
