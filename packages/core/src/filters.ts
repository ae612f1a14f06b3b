import { actionOf } from './dispatch.js'
import { InvalidOptionsError } from './errors.js'
import type { Integration, OptionSpec, ProviderOptions, Schema } from './integration.js'
import type { Payload } from './parse-body.js'
import { readPayload, type PayloadReader } from './payload-reader.js'

/**
 * Noise control: per-endpoint filters a provider declares (its `filters`), set with
 * `--option branches=main,release/*` like any other option. Core lists them in the provider's
 * schema, checks their values when a URL is minted and on every request (400 naming the filter),
 * and applies them after `process`: a filtered delivery is answered 200 `filtered` with the reason.
 */

interface FilterBase {
  /** The option key (`branches`), set per endpoint: `--option branches=main,release/*`. */
  key: string
  /** Human label for forms (the playground). */
  label: string
  /** What the filter keeps or drops; core appends the accepted values (`GET /integrations`, the playground, READMEs). */
  description: string
}

/**
 * An allow-list (`events`) or, with `exclude`, a deny-list (`exclude_events`) of event names,
 * matched against the event and its `event.action` as core names them; globs allowed
 * (`pull_request.*`). Core reads the value: no `read`.
 */
export interface EventsFilter extends FilterBase {
  kind: 'events'
  exclude?: boolean
}

/**
 * A comma-separated list matched against the value(s) `read` gives: `globs` (case-sensitive, `*`
 * and `**` wildcards: branches) or `list` (exact, case-insensitive: logins, labels, boards). An
 * allow-list (the event passes when one value matches) or, with `exclude`, a deny-list (it is
 * filtered when one value matches).
 */
export interface ListFilter extends FilterBase {
  kind: 'globs' | 'list'
  exclude?: boolean
  /** What one value is called in a reason: `branch`, `label`. */
  noun: string
  /** The event's value(s); undefined when the filter does not apply to this event (it passes). */
  read(p: PayloadReader, event: string): string | readonly string[] | undefined
}

/** An on/off exclusion (`exclude_bots=true`): when on, an event `read` describes is filtered. */
export interface FlagFilter extends FilterBase {
  kind: 'flag'
  /** Why the flag catches this event (`sender "dependabot[bot]" is a bot`), or undefined when it does not. */
  read(p: PayloadReader, event: string): string | undefined
}

/** A minimum on an ordered scale (`min_level=error`): an event below it is filtered. */
export interface LevelFilter extends FilterBase {
  kind: 'level'
  /** The scale, lowest first (`debug`, `info`, …); values are compared case-insensitively. */
  levels: readonly string[]
  /** What the value is called in a reason: `level`. */
  noun: string
  /** The event's level, or undefined when it has none (it passes). */
  read(p: PayloadReader, event: string): string | undefined
}

/** One filter a provider declares in its `filters`. */
export type FilterSpec = EventsFilter | ListFilter | FlagFilter | LevelFilter

/** What core needs from a provider to check and apply its filters (a structural subset of `Integration`). */
export type FilterHost = Pick<Integration, 'id' | 'schema'> &
  Partial<Pick<Integration, 'filters' | 'events' | 'skippedEvents' | 'handlers' | 'skipped' | 'actionField'>>

const FORMAT: Readonly<Record<FilterSpec['kind'], (spec: FilterSpec) => string>> = {
  events: () => 'comma-separated event or event.action names; * matches any part of a name (pull_request.*)',
  globs: () => 'comma-separated; * matches within a /-separated segment, ** across segments (release/*)',
  list: () => 'comma-separated, case-insensitive',
  flag: () => 'true or false',
  level: (spec) => `one of ${(spec as LevelFilter).levels.join(', ')}`,
}

/** A provider's filters as options of its schema (a `Boolean` for a flag, else a `String`). */
export function filterOptions(filters: readonly FilterSpec[]): OptionSpec[] {
  // Declarations are static, and the schema is read on every request: derived once per list.
  let options = optionsOf.get(filters)
  if (options === undefined) {
    options = toOptions(filters)
    optionsOf.set(filters, options)
  }
  return options
}

const optionsOf = new WeakMap<readonly FilterSpec[], OptionSpec[]>()

function toOptions(filters: readonly FilterSpec[]): OptionSpec[] {
  return filters.map((spec) => ({
    key: spec.key,
    type: spec.kind === 'flag' ? 'Boolean' : 'String',
    label: spec.label,
    // A Boolean's accepted values are already said by its type.
    description: spec.kind === 'flag' ? spec.description : `${spec.description} (${FORMAT[spec.kind](spec)})`,
  }))
}

/** The provider's whole options schema: its own options, then its filters. */
export function schemaOf(integration: FilterHost): Schema {
  const own = integration.schema.options
  const filters = integration.filters ?? []
  return filters.length === 0 ? integration.schema : { options: [...own, ...filterOptions(filters)] }
}

/** `"main, release/*"` → `["main", "release/*"]`: items trimmed, empty items kept (so they can be refused). */
export function splitList(value: string): string[] {
  return value.split(',').map((item) => item.trim())
}

/**
 * The one glob matcher: `*` matches any run of characters but `/`, `**` any run at all; every
 * other character is literal. `release/*` matches `release/1.2` but not `release/1/2`.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '*') {
      if (pattern[i + 1] === '*') {
        source += '.*'
        i++
      } else source += '[^/]*'
    } else source += pattern[i]!.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`, 's')
}

/** True when `value` matches the glob `pattern` (see `globToRegExp`). */
export function matchesGlob(value: string, pattern: string): boolean {
  return globToRegExp(pattern).test(value)
}

/** Why a glob is refused, or undefined: only `*` and `**` are wildcards, so the other glob characters are kept out. */
function globProblem(pattern: string): string | undefined {
  if (/\s/.test(pattern)) return 'has whitespace'
  if (pattern.includes('***')) return 'has *** (use * within a segment or ** across segments)'
  const reserved = /[?[\]{}!\\]/.exec(pattern)
  if (reserved) return `has ${JSON.stringify(reserved[0])}; only * and ** are wildcards`
  return undefined
}

/** A filter with its endpoint value, ready to test deliveries. */
interface ActiveFilter {
  spec: FilterSpec
  /** The reason this delivery is filtered, or undefined when it passes. */
  test(p: PayloadReader, event: string, action: string | undefined): string | undefined
}

/**
 * Check the endpoint's filter values (after `resolveOptions` typed them): every list item
 * non-empty, every glob well formed, every event pattern matching an event the provider knows,
 * a level on the scale. Throws `InvalidOptionsError` naming the filter and what it accepts.
 */
export function checkFilters(integration: FilterHost, options: ProviderOptions): void {
  activeFilters(integration, options)
}

/**
 * The reason a delivery is filtered by the endpoint's filters (the first that catches it), or
 * undefined when it passes. A filter that does not apply to the event (no branch on `issues`)
 * lets it through. Called by `handleWebhook` after the provider processed the delivery.
 */
export function applyFilters(integration: FilterHost, payload: Payload, event: string | undefined, options: ProviderOptions): string | undefined {
  const active = activeFilters(integration, options)
  if (active.length === 0 || event === undefined) return undefined
  const p = readPayload(payload, integration.id, event)
  const action = integration.actionField === undefined ? undefined : actionOf(integration as Integration<never>, payload)
  for (const filter of active) {
    const reason = filter.test(p, event, action)
    if (reason !== undefined) return reason
  }
  return undefined
}

function activeFilters(integration: FilterHost, options: ProviderOptions): ActiveFilter[] {
  const active: ActiveFilter[] = []
  for (const spec of integration.filters ?? []) {
    const value = options[spec.key]
    if (value === undefined || value === '' || value === false) continue
    active.push(cachedActivate(integration, spec, value))
  }
  return active
}

// Every request checks its endpoint's filters, then applies them: compiled once per provider,
// filter and value (a few endpoints each), not twice per request. Bounded, as tokens are many.
const compiled = new WeakMap<object, Map<string, ActiveFilter>>()
const MAX_COMPILED = 256

function cachedActivate(integration: FilterHost, spec: FilterSpec, value: string | number | boolean): ActiveFilter {
  let cache = compiled.get(integration)
  if (cache === undefined) {
    cache = new Map()
    compiled.set(integration, cache)
  }
  const key = `${spec.key}\0${typeof value}\0${String(value)}`
  let filter = cache.get(key)
  if (filter === undefined || filter.spec !== spec) {
    filter = activate(integration, spec, value)
    if (cache.size >= MAX_COMPILED) cache.delete(cache.keys().next().value!)
    cache.set(key, filter)
  }
  return filter
}

function activate(integration: FilterHost, spec: FilterSpec, value: string | number | boolean): ActiveFilter {
  const invalid = (reason: string) => new InvalidOptionsError(integration.id, spec.key, `${reason}; it takes ${FORMAT[spec.kind](spec)}`)
  if (spec.kind === 'flag') {
    if (value !== true) throw invalid(`must be true or false, got ${JSON.stringify(value)}`)
    return {
      spec,
      test(p, event) {
        const caught = spec.read(p, event)
        return caught === undefined ? undefined : `${caught} (${spec.key})`
      },
    }
  }
  const text = String(value)
  if (spec.kind === 'level') {
    const scale = spec.levels.map((level) => level.toLowerCase())
    const min = scale.indexOf(text.trim().toLowerCase())
    if (min === -1) throw invalid(`has unknown ${spec.noun} ${JSON.stringify(text)}`)
    return {
      spec,
      test(p, event) {
        const level = spec.read(p, event)
        const rank = level === undefined ? -1 : scale.indexOf(level.toLowerCase())
        // An event without a level, or with one off the scale, is not this filter's to drop.
        return rank === -1 || rank >= min ? undefined : `${spec.noun} ${quote(level!)} is below ${spec.key} (${scale[min]})`
      },
    }
  }
  const items = splitList(text)
  if (items.some((item) => item === '')) throw invalid(`has an empty item in ${JSON.stringify(text)}`)
  const shown = `${spec.key} (${items.join(', ')})`
  if (spec.kind === 'list') {
    const wanted = new Set(items.map((item) => item.toLowerCase()))
    const matches = (v: string) => wanted.has(v.toLowerCase())
    return { spec, test: (p, event) => listReason(spec, shown, matches, spec.read(p, event)) }
  }
  for (const item of items) {
    const problem = globProblem(item)
    if (problem) throw invalid(`has ${JSON.stringify(item)}, which ${problem}`)
  }
  const globs = items.map(globToRegExp)
  const matches = (v: string) => globs.some((glob) => glob.test(v))
  if (spec.kind === 'globs') return { spec, test: (p, event) => listReason(spec, shown, matches, spec.read(p, event)) }

  const known = knownEvents(integration)
  if (known.length > 0) {
    for (const [i, item] of items.entries()) {
      if (!known.some((name) => globs[i]!.test(name)) && !refinesKnown(integration, item, known)) {
        throw invalid(`has ${JSON.stringify(item)}, which matches no ${integration.id} event; known events: ${known.join(', ')}`)
      }
    }
  }
  const events: ListFilter = { ...spec, kind: 'globs', noun: 'event', read: () => undefined }
  return {
    spec,
    // The most specific name first, as dispatch goes from `issues.opened` to `issues`.
    test: (_p, event, action) => listReason(events, shown, matches, action === undefined ? event : [`${event}.${action}`, event], true),
  }
}

/**
 * The reason a list filter drops a delivery, or undefined. `oneEvent`: the values are names of
 * one event (`issues.opened`, `issues`), so a reason names the first as the event.
 */
function listReason(
  spec: Pick<ListFilter, 'key' | 'noun' | 'exclude'>,
  shown: string,
  matches: (v: string) => boolean,
  read: string | readonly string[] | undefined,
  oneEvent = false,
): string | undefined {
  if (read === undefined) return undefined
  const values: readonly string[] = typeof read === 'string' ? [read] : read
  if (spec.exclude) {
    const hit = values.find(matches)
    return hit === undefined ? undefined : `${spec.noun} ${quote(oneEvent ? values[0]! : hit)} is in ${shown}`
  }
  if (values.some(matches)) return undefined
  if (values.length === 0) return `no ${spec.noun} is in ${shown}`
  if (values.length === 1 || oneEvent) return `${spec.noun} ${quote(values[0]!)} is not in ${shown}`
  return `no ${spec.noun} of ${values.map(quote).join(', ')} is in ${shown}`
}

/** Every name the provider answers: events, skipped events and the `event.action` keys of its tables. */
function knownEvents(integration: FilterHost): string[] {
  const names = [
    ...(integration.events ?? []),
    ...Object.keys(integration.skippedEvents ?? {}),
    ...Object.keys(integration.handlers ?? {}),
    ...Object.keys(integration.skipped ?? {}),
  ]
  return [...new Set(names)]
}

/** `pull_request.closed` names an action of a known event, for a provider whose events have actions (`actionField`). */
function refinesKnown(integration: FilterHost, pattern: string, known: readonly string[]): boolean {
  const dot = pattern.lastIndexOf('.')
  if (integration.actionField === undefined || dot <= 0) return false
  const event = globToRegExp(pattern.slice(0, dot))
  return known.some((name) => event.test(name))
}

/** A payload value in a reason: quoted, and cut so a hostile payload cannot make the answer long. */
function quote(value: string): string {
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 99)}…` : value)
}
