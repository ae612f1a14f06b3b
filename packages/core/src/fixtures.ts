import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Integration } from './integration.js'
import { WebhookRequest } from './request.js'

/**
 * A captured webhook delivery: `fixtures/<event>__<scenario>.json` (+ `<same>.headers.json`). The
 * same files feed a provider's tests, the CLI preview and the playground.
 */
export interface Fixture {
  /** The file name without `.json`: `push__new_branch`. */
  name: string
  /** The part before `__`: exactly what the sender puts in its event header or type field. */
  event: string
  /** The part after `__`. */
  scenario: string
  /** The body bytes, exactly as captured (signatures are computed over them). */
  body: string
  /** Headers captured with the delivery (from `<name>.headers.json`), names as written. */
  headers: Record<string, string>
  file: string
}

export type FixturesDir = string | URL

const HEADERS_SUFFIX = '.headers.json'
const FIXTURE_NAME = /^(.+?)__(.+)$/

function toPath(dir: FixturesDir): string {
  return dir instanceof URL ? fileURLToPath(dir) : dir
}

/** The fixture names in a folder (`push__new_branch`, …), sorted; none when the folder does not exist. */
export function fixtureNames(dir: FixturesDir): string[] {
  const path = toPath(dir)
  if (!existsSync(path)) return []
  return readdirSync(path)
    .filter((file) => file.endsWith('.json') && !file.endsWith(HEADERS_SUFFIX))
    .map((file) => file.slice(0, -'.json'.length))
    .sort()
}

/** Every fixture in a folder, sorted by name. Files not named `<event>__<scenario>.json` are an error. */
export function listFixtures(dir: FixturesDir): Fixture[] {
  return fixtureNames(dir).map((name) => loadFixture(dir, name))
}

/** One fixture by name (`push__new_branch`). */
export function loadFixture(dir: FixturesDir, name: string): Fixture {
  const path = toPath(dir)
  const match = FIXTURE_NAME.exec(name)
  if (!match) {
    throw new Error(`fixture "${name}" is not named <event>__<scenario>.json; rename it, e.g. ${name}__basic.json`)
  }
  const file = join(path, `${name}.json`)
  if (!existsSync(file)) {
    throw new Error(
      `no fixture ${name}.json in ${path}; there are: ${
        fixtureNames(path)
          .map((known) => `${known}.json`)
          .join(', ') || '(none)'
      }`,
    )
  }
  return { name, event: match[1]!, scenario: match[2]!, ...readDelivery(file), file }
}

/**
 * A payload file and the headers captured beside it (`payload.json` → `payload.headers.json`),
 * for payloads that are not named like fixtures (`missive-integrations preview github push.json`).
 */
export function readDelivery(file: string): { body: string; headers: Record<string, string> } {
  const headersFile = join(dirname(file), `${basename(file).replace(/\.json$/i, '')}${HEADERS_SUFFIX}`)
  return { body: readFileSync(file, 'utf8'), headers: headersFile !== file && existsSync(headersFile) ? readHeaders(headersFile) : {} }
}

function readHeaders(file: string): Record<string, string> {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'))
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${file} must hold a JSON object of header names to values`)
  }
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]))
}

export interface SenderRequestInput {
  /** The body as the sender sends it. */
  body: string | Uint8Array
  headers?: Record<string, string>
  /**
   * The event, set in the provider's event header when it reads the event from one (replacing a
   * given one), spelled as the sender spells it (`sentEventName`).
   */
  event?: string | undefined
  /** Send the body form-encoded as `payload=<json>`, as GitHub can. */
  form?: boolean
}

/**
 * The request a sender would make with a body: a JSON content type unless one is given, and the
 * event in the provider's event header. The kit, the preview and the playground all build their
 * requests here, so that the same payload makes the same request.
 */
export function senderRequest(integration: Integration, input: SenderRequestInput): WebhookRequest {
  const headers: Record<string, string> = {}
  const set = (name: string, value: string) => {
    for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key]
    headers[name] = value
  }
  set('content-type', 'application/json')
  for (const [name, value] of Object.entries(input.headers ?? {})) set(name, value)
  if (input.event !== undefined && integration.eventHeader) set(integration.eventHeader, integration.sentEventName?.(input.event) ?? input.event)
  let body = input.body
  if (input.form) {
    body = new URLSearchParams({ payload: typeof body === 'string' ? body : Buffer.from(body).toString('utf8') }).toString()
    set('content-type', 'application/x-www-form-urlencoded')
  }
  return new WebhookRequest({ method: 'POST', url: `/${integration.id}`, headers, body })
}
