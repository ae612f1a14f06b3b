/**
 * The provider testing kit: a real captured payload in, the exact Missive API request out.
 *
 *   const kit = fixtureKit(new Rollbar(), new URL('../fixtures/', import.meta.url), {
 *     options: { account: 'acme', project: 'web' },
 *   })
 *   it('new_item__basic', () =>
 *     kit.expectPosts('new_item__basic', [{ references: ['<rollbar/272716944@missive-integrations>'], … }]))
 *   afterAll(() => kit.assertComplete())
 *
 * Each post really goes out through `MissiveClient` to `POST /v1/posts`, intercepted by nock with
 * the network disabled, and the captured request (method, path, bearer token, JSON body) is
 * compared field by field.
 */
import { deepStrictEqual, AssertionError } from 'node:assert/strict'
import nock from 'nock'
import type { Integration } from '../integration.js'
import { MissiveClient } from '../missive-client.js'
import type { MissivePost, PostOptions } from '../post.js'
import { processWebhook, type Endpoint, type WebhookOutcome } from '../process-webhook.js'
import { WebhookRequest } from '../request.js'
import { listFixtures, loadFixture, type Fixture, type FixturesDir } from './fixtures.js'

export { listFixtures, loadFixture, type Fixture, type FixturesDir } from './fixtures.js'

/** The Missive API stand-in the kit intercepts. */
export const TEST_API_BASE_URL = 'https://missive.test/v1'
export const TEST_TOKEN = 'missive-test-token'

export interface KitDefaults {
  /** Provider options for every fixture (overridable per call). */
  options?: Record<string, unknown>
  postOptions?: PostOptions
  token?: string
}

export interface DeliverSettings extends KitDefaults {
  /** Webhook secrets of the endpoint: the fixture is signed with the first unless `sign` is false. */
  secrets?: string[]
  /** Sign the body with this function when secrets are set (the provider's own signing). */
  sign?: false
  /** Extra or overriding headers. */
  headers?: Record<string, string>
  /** Send the body form-encoded as `payload=<json>` instead of JSON. */
  form?: boolean
}

/** One request the Missive API stand-in received. */
export interface CapturedRequest {
  method: string
  path: string
  authorization: string | undefined
  contentType: string | undefined
  body: { posts: MissivePost }
}

export interface Delivery {
  outcome: WebhookOutcome
  requests: CapturedRequest[]
}

/** A provider's signing, for fixtures delivered to an endpoint with a secret. */
export type Signer = (
  request: { body: string; headers: Record<string, string> },
  secret: string,
) => Record<string, string> | Promise<Record<string, string>>

/** Build the request a sender would make for a fixture. */
export function fixtureRequest(integration: Integration, fixture: Fixture, settings: { headers?: Record<string, string>; form?: boolean } = {}): WebhookRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...fixture.headers }
  const eventHeader = integration.eventHeader
  if (eventHeader && !Object.keys(headers).some((name) => name.toLowerCase() === eventHeader.toLowerCase())) {
    headers[eventHeader] = fixture.event
  }
  let body = fixture.body
  if (settings.form) {
    body = new URLSearchParams({ payload: fixture.body }).toString()
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') delete headers[name]
    headers['content-type'] = 'application/x-www-form-urlencoded'
  }
  Object.assign(headers, settings.headers)
  return new WebhookRequest({ method: 'POST', url: `/${integration.id}`, headers, body })
}

/**
 * Process a request as the server would and send every resulting post to the intercepted
 * Missive API, returning the outcome and the requests exactly as they went out.
 */
export async function deliver(integration: Integration, request: WebhookRequest, endpoint: Endpoint): Promise<Delivery> {
  const outcome = await processWebhook(integration, request, endpoint)
  if (outcome.kind === 'skipped') return { outcome, requests: [] }

  nock.disableNetConnect()
  const requests: CapturedRequest[] = []
  const scope = nock(new URL(TEST_API_BASE_URL).origin)
    .post('/v1/posts')
    .times(outcome.posts.length)
    .reply(async (request) => {
      requests.push({
        method: request.method,
        path: new URL(request.url).pathname,
        authorization: request.headers.get('authorization') ?? undefined,
        contentType: request.headers.get('content-type') ?? undefined,
        body: (await request.json()) as { posts: MissivePost },
      })
      return [201, { posts: { id: `post-${requests.length}`, conversation: `conversation-${requests.length}` } }]
    })
  try {
    const client = new MissiveClient({ baseUrl: TEST_API_BASE_URL, timeoutMs: 5_000 })
    for (const post of outcome.posts) await client.createPost(endpoint.token, post)
    if (!scope.isDone()) throw new AssertionError({ message: `expected ${outcome.posts.length} Missive API requests, got ${requests.length}` })
  } finally {
    nock.removeInterceptor({ hostname: new URL(TEST_API_BASE_URL).hostname, protocol: 'https', method: 'POST', path: '/v1/posts' })
  }
  return { outcome, requests }
}

/** A provider's fixture-driven test helpers. */
export interface FixtureKit {
  readonly fixtures: Fixture[]
  /** Deliver a fixture end to end; returns the outcome and the captured Missive requests. */
  deliver(name: string, settings?: DeliverSettings): Promise<Delivery>
  /** Assert the exact posts (the `posts` objects of the `POST /v1/posts` bodies), in order. */
  expectPosts(name: string, posts: MissivePost[], settings?: DeliverSettings): Promise<Delivery>
  /** Assert the fixture is skipped, with a reason matching. */
  expectSkip(name: string, reason: string | RegExp, settings?: DeliverSettings): Promise<Delivery>
  /** Assert every declared event has a fixture, every fixture's event is declared, and every fixture was tested. */
  assertComplete(): void
}

/**
 * Fixture helpers bound to one provider and its `fixtures/` folder. `sign` is the provider's
 * signing function, used when a test sets `secrets`.
 */
export function fixtureKit(integration: Integration, dir: FixturesDir, defaults: KitDefaults & { sign?: Signer } = {}): FixtureKit {
  const fixtures = listFixtures(dir)
  const tested = new Set<string>()

  const run = async (name: string, settings: DeliverSettings = {}): Promise<Delivery> => {
    tested.add(name)
    const fixture = loadFixture(dir, name)
    const request = fixtureRequest(integration, fixture, settings)
    const secrets = settings.secrets
    let signed = request
    if (secrets && secrets.length > 0 && settings.sign !== false) {
      if (!defaults.sign) throw new Error('fixtureKit: give a sign function to deliver fixtures to an endpoint with secrets')
      const extra = await defaults.sign({ body: request.bodyText, headers: { ...request.headers } }, secrets[0]!)
      signed = new WebhookRequest({ method: 'POST', url: `/${integration.id}`, headers: { ...request.headers, ...extra, ...settings.headers }, body: request.rawBody })
    }
    const endpoint: Endpoint = {
      token: settings.token ?? defaults.token ?? TEST_TOKEN,
      options: { ...defaults.options, ...settings.options },
      postOptions: { ...defaults.postOptions, ...settings.postOptions },
      ...(secrets ? { secrets } : {}),
    }
    const delivery = await deliver(integration, signed, endpoint)
    const expectedEvent = integration.event(JSON.parse(fixture.body) as Record<string, unknown>, signed)
    if (expectedEvent !== undefined && expectedEvent !== fixture.event) {
      throw new AssertionError({
        message: `fixture ${name}.json is named for event "${fixture.event}" but the provider reads its event as "${expectedEvent}"; rename it ${expectedEvent}__${fixture.scenario}.json`,
      })
    }
    for (const captured of delivery.requests) {
      deepStrictEqual(
        { method: captured.method, path: captured.path, authorization: captured.authorization, contentType: captured.contentType },
        { method: 'POST', path: '/v1/posts', authorization: `Bearer ${endpoint.token}`, contentType: 'application/json' },
      )
    }
    return delivery
  }

  return {
    fixtures,
    deliver: run,
    async expectPosts(name, posts, settings) {
      const delivery = await run(name, settings)
      if (delivery.outcome.kind === 'skipped') {
        throw new AssertionError({ message: `expected ${name} to post, but it was skipped: ${delivery.outcome.reason}` })
      }
      deepStrictEqual(
        delivery.requests.map((request) => request.body.posts),
        posts,
      )
      return delivery
    },
    async expectSkip(name, reason, settings) {
      const delivery = await run(name, settings)
      if (delivery.outcome.kind !== 'skipped') {
        throw new AssertionError({ message: `expected ${name} to be skipped, but it produced ${delivery.outcome.posts.length} post(s)` })
      }
      const matches = typeof reason === 'string' ? delivery.outcome.reason === reason : reason.test(delivery.outcome.reason)
      if (!matches) {
        throw new AssertionError({ message: `skip reason mismatch for ${name}`, actual: delivery.outcome.reason, expected: String(reason), operator: 'match' })
      }
      return delivery
    },
    assertComplete() {
      const problems = coverageProblems(integration, fixtures)
      const untested = fixtures.filter((fixture) => !tested.has(fixture.name)).map((fixture) => fixture.name)
      if (untested.length > 0) problems.push(`fixtures with no test: ${untested.join(', ')}`)
      if (problems.length > 0) throw new AssertionError({ message: `${integration.id} fixtures are incomplete:\n- ${problems.join('\n- ')}` })
    },
  }
}

/** What is missing between a provider's declared events and its fixtures. */
export function coverageProblems(integration: Integration, fixtures: readonly Fixture[]): string[] {
  const declared = new Set([...integration.events, ...Object.keys(integration.skippedEvents)])
  const fixtureEvents = new Set(fixtures.map((fixture) => fixture.event))
  const problems: string[] = []
  const missing = [...declared].filter((event) => !fixtureEvents.has(event))
  if (missing.length > 0) problems.push(`declared events with no fixture: ${missing.join(', ')} (add fixtures/<event>__<scenario>.json)`)
  const undeclared = [...fixtureEvents].filter((event) => !declared.has(event))
  if (undeclared.length > 0) problems.push(`fixtures for events the provider does not declare: ${undeclared.join(', ')} (list them in events or skippedEvents)`)
  return problems
}

export interface ProcessPayloadSettings {
  headers?: Record<string, string>
  options?: Record<string, unknown>
  postOptions?: PostOptions
  secrets?: string[]
}

/**
 * Run a hand-written payload through a provider exactly as the server would (parse, verify,
 * options, process, validate, map), without sending: for edge cases no fixture covers.
 */
export function processPayload(integration: Integration, payload: unknown, settings: ProcessPayloadSettings = {}): Promise<WebhookOutcome> {
  const request = new WebhookRequest({
    method: 'POST',
    url: `/${integration.id}`,
    headers: { 'content-type': 'application/json', ...settings.headers },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  })
  return processWebhook(integration, request, {
    token: TEST_TOKEN,
    options: settings.options ?? {},
    postOptions: settings.postOptions ?? {},
    ...(settings.secrets ? { secrets: settings.secrets } : {}),
  })
}

/** The error a promise rejects with; an AssertionError when it resolves instead. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new AssertionError({ message: 'expected the promise to reject, but it resolved' })
}
