import { UnsupportedEventError } from './errors.js'
import type { Integration, ProviderOptions } from './integration.js'
import type { Payload } from './parse-body.js'
import { readPayload, valueAt, type PayloadReader } from './payload-reader.js'
import type { WebhookRequest } from './request.js'
import { skip, type ProcessOutput } from './result.js'

/** One delivery as a handler sees it. */
export interface WebhookEvent<Options extends ProviderOptions = ProviderOptions> {
  /** The payload, read with typed checks: a missing or mistyped field is an `InvalidPayloadError` naming it. */
  p: PayloadReader
  /** The event name, as the sender names it (`issues`, `post.created`). */
  event: string
  /** The payload's action (`opened`) when the provider declares an `actionField` and the payload has one. */
  action: string | undefined
  /** The endpoint's provider options, checked against the schema. */
  options: Options
  request: WebhookRequest
}

/**
 * Turns one delivery into posts, or a reasoned skip. Declared as a method so that a provider with
 * its own options type (`Integration<RollbarOptions>`) is still an `Integration`, as `process` is.
 */
export type Handler<Options extends ProviderOptions = ProviderOptions> = {
  handle(event: WebhookEvent<Options>): ProcessOutput | Promise<ProcessOutput>
}['handle']

/** A provider's handlers, keyed by `event` or `event.action`. */
export type Handlers<Options extends ProviderOptions = ProviderOptions> = Readonly<Record<string, Handler<Options>>>

/** What core derives once from a provider's declarations. */
export interface DispatchTable {
  readonly handlers: ReadonlyMap<string, Handler<never>>
  readonly skipped: ReadonlyMap<string, string>
  /** Events with a handler, in declaration order. */
  readonly events: readonly string[]
  /** Whole events that are skipped, with their reasons. */
  readonly skippedEvents: Readonly<Record<string, string>>
  /** Events some of whose actions are declared: event → its `event.action` names. */
  readonly refined: ReadonlyMap<string, readonly string[]>
  /** Declarations that contradict each other (a name both handled and skipped). */
  readonly problems: readonly string[]
}

const tables = new WeakMap<object, DispatchTable>()

/** The provider's dispatch table, derived on first use and kept: declarations are static. */
export function dispatchTable(integration: Integration<never>): DispatchTable {
  let table = tables.get(integration)
  if (table === undefined) {
    table = compile(integration)
    tables.set(integration, table)
  }
  return table
}

function compile(integration: Integration<never>): DispatchTable {
  const refines = integration.actionField !== undefined
  const eventOf = (name: string) => (refines && name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name)
  const handlers = new Map(Object.entries(integration.handlers))
  const skipped = new Map(Object.entries(integration.skipped))
  const events: string[] = []
  const refined = new Map<string, string[]>()
  const skippedEvents: Record<string, string> = {}
  for (const name of handlers.keys()) {
    const event = eventOf(name)
    if (!events.includes(event)) events.push(event)
  }
  for (const name of [...handlers.keys(), ...skipped.keys()]) {
    const event = eventOf(name)
    if (event !== name) refined.set(event, [...(refined.get(event) ?? []), name])
  }
  for (const [name, reason] of skipped) if (eventOf(name) === name) skippedEvents[name] = reason
  const problems = [...handlers.keys()].filter((name) => skipped.has(name)).map((name) => `"${name}" is both handled and skipped`)
  return { handlers, skipped, events, skippedEvents, refined, problems }
}

/**
 * Run the handler for a delivery: `event.action` first, then `event` (a `skipped` name answers
 * its reason), as octokit's `receive` goes from `issues.opened` to `issues`. Anything else is an
 * `UnsupportedEventError` listing what the provider knows.
 */
export function dispatch<Options extends ProviderOptions>(
  integration: Integration<Options>,
  payload: Payload,
  request: WebhookRequest,
  options: Options,
  event: string | undefined,
): ProcessOutput | Promise<ProcessOutput> {
  const table = dispatchTable(integration as Integration<never>)
  const known = () => [...table.events, ...Object.keys(table.skippedEvents)]
  if (event === undefined) throw new UnsupportedEventError(integration.id, undefined, known())
  const action = actionOf(integration, payload)
  const names = action === undefined ? [event] : [`${event}.${action}`, event]
  for (const name of names) {
    const handler = table.handlers.get(name) as Handler<Options> | undefined
    if (handler) return handler({ p: readPayload(payload, integration.id, event), event, action, options, request })
    const reason = table.skipped.get(name)
    if (reason !== undefined) return skip(reason)
  }
  const actions = table.refined.get(event)
  if (actions) throw new UnsupportedEventError(integration.id, names[0], actions)
  throw new UnsupportedEventError(integration.id, event, known())
}

/** The payload's action (its `actionField`), when the provider declares one and the payload has it. */
export function actionOf(integration: Integration<never>, payload: Payload): string | undefined {
  const field = integration.actionField
  const value = field === undefined ? undefined : valueAt(payload, field)
  return typeof value === 'string' && value !== '' ? value : undefined
}
