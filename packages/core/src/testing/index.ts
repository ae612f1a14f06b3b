/**
 * The provider testing kit: a real captured payload in, the exact Missive API request out.
 *
 *   const kit = fixtureKit(new Rollbar(), new URL('../fixtures/', import.meta.url), {
 *     options: { account: 'acme', project: 'web' },
 *   })
 *   it('new_item__basic', () =>
 *     kit.expectPosts('new_item__basic', [{ references: ['272716944'], subject: 'An Error', color: '#c00', … }]))
 *   afterAll(() => kit.assertComplete())
 *
 * A test states what the provider decides (thread, subject, text, color); the kit adds the
 * envelope every post shares, as Zulip's `check_webhook` does. Each post really goes out through
 * `MissiveClient` to `POST /v1/posts`, intercepted by nock with the network disabled, and the
 * captured request (method, path, bearer token, JSON body) is compared exactly.
 */
import { deepStrictEqual, AssertionError } from 'node:assert/strict'
import nock from 'nock'
import { listFixtures, loadFixture, senderRequest, type Fixture, type FixturesDir } from '../fixtures.js'
import { handleWebhook, type Endpoint, type WebhookOutcome } from '../handle-webhook.js'
import type { DigestState } from '../burst.js'
import type { Integration } from '../integration.js'
import { MissiveClient } from '../missive-client.js'
import { toMissivePost, type MissivePost, type PostOptions } from '../post.js'
import type { WebhookRequest } from '../request.js'
import type { IntegrationResult } from '../result.js'
import { validateResult } from '../validate.js'

export { listFixtures, loadFixture, type Fixture, type FixturesDir } from '../fixtures.js'
export { hmacSigner } from '../hmac.js'

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

/** What a delivery the kit made came to: a post (or several), a skip or a filtered delivery; refusals are thrown. */
export type KitOutcome = Extract<WebhookOutcome, { kind: 'posts' } | { kind: 'skipped' } | { kind: 'filtered' }>

export interface Delivery {
  event: string | undefined
  outcome: KitOutcome
  requests: CapturedRequest[]
}

/**
 * What a test expects a provider to decide for one post: its thread (`references`, or a
 * `conversation`), `subject`, `color`, `notification`, text and attachments. The kit adds the
 * envelope every post of the provider shares (username, icons, notification title, post options),
 * exactly as the server maps a result, before comparing with what went out.
 */
export type ExpectedPost = IntegrationResult

/** A provider's signing, for fixtures delivered to an endpoint with a secret. */
export type Signer = (request: { body: string; headers: Record<string, string> }, secret: string) => Record<string, string> | Promise<Record<string, string>>

/** Build the request a sender would make for a fixture. */
export function fixtureRequest(
  integration: Integration,
  fixture: Fixture,
  settings: { headers?: Record<string, string>; form?: boolean } = {},
): WebhookRequest {
  const headers = { ...fixture.headers, ...settings.headers }
  const eventHeader = integration.eventHeader?.toLowerCase()
  const named = eventHeader !== undefined && Object.keys(headers).some((name) => name.toLowerCase() === eventHeader)
  return senderRequest(integration, { body: fixture.body, headers, event: named ? undefined : fixture.event, form: settings.form ?? false })
}

/** Run a request through the server's path without a queue; a refusal or a provider bug is thrown. */
async function handled(integration: Integration, request: WebhookRequest, endpoint: Endpoint): Promise<{ event: string | undefined; outcome: KitOutcome }> {
  const { event, outcome } = await handleWebhook(integration, request, () => endpoint)
  if (outcome.kind === 'rejected' || outcome.kind === 'error') throw outcome.error
  if (outcome.kind !== 'posts' && outcome.kind !== 'skipped' && outcome.kind !== 'filtered')
    throw new AssertionError({ message: `unexpected outcome ${outcome.kind} without a queue` })
  return { event, outcome }
}

/**
 * Process a request as the server would and send every resulting post to the intercepted
 * Missive API, returning the outcome and the requests exactly as they went out. A refusal (bad
 * signature, invalid payload, …) rejects with its `IntegrationError`.
 */
export async function deliver(integration: Integration, request: WebhookRequest, endpoint: Endpoint): Promise<Delivery> {
  const { event, outcome } = await handled(integration, request, endpoint)
  if (outcome.kind !== 'posts') return { event, outcome, requests: [] }
  return { event, outcome, requests: await sendPosts(endpoint.token, outcome.posts) }
}

/** Send posts to the intercepted Missive API (network disabled) and return the requests as they went out. */
async function sendPosts(token: string, posts: readonly MissivePost[]): Promise<CapturedRequest[]> {
  nock.disableNetConnect()
  const requests: CapturedRequest[] = []
  const scope = nock(new URL(TEST_API_BASE_URL).origin)
    .post('/v1/posts')
    .times(posts.length)
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
    for (const post of posts) await client.createPost(token, post)
    if (!scope.isDone()) throw new AssertionError({ message: `expected ${posts.length} Missive API requests, got ${requests.length}` })
  } finally {
    nock.removeInterceptor({ hostname: new URL(TEST_API_BASE_URL).hostname, protocol: 'https', method: 'POST', path: '/v1/posts' })
  }
  return requests
}

/** When the kit's bursts start: webhooks of a burst arrive a second apart from here. */
export const BURST_START = Date.UTC(2026, 0, 15, 14, 0, 0)

/** A provider's fixture-driven test helpers. */
export interface FixtureKit {
  readonly fixtures: Fixture[]
  /** Deliver a fixture end to end; returns the outcome and the captured Missive requests. */
  deliver(name: string, settings?: DeliverSettings): Promise<Delivery>
  /**
   * Assert what the provider decides for each post, in order (see `ExpectedPost`); the kit fills
   * in the envelope and compares the exact requests that went out.
   */
  expectPosts(name: string, posts: ExpectedPost[], settings?: DeliverSettings): Promise<Delivery>
  /** Assert the exact `posts` objects of the `POST /v1/posts` bodies, envelope included, in order. */
  expectRequests(name: string, posts: MissivePost[], settings?: DeliverSettings): Promise<Delivery>
  /**
   * Fold these fixtures, in order and a second apart from {@link BURST_START}, into one burst
   * digest (as the queue does past the endpoint's `burst_limit`), send it, and assert what the
   * provider's digest decides, as `expectPosts` does for a post.
   */
  expectDigest(names: readonly string[], post: ExpectedPost, settings?: DeliverSettings): Promise<CapturedRequest>
  /** Assert the fixture is skipped, with a reason matching. */
  expectSkip(name: string, reason: string | RegExp, settings?: DeliverSettings): Promise<Delivery>
  /** Assert the fixture is dropped by the endpoint's filters (set them in `settings.options`), with a reason matching. */
  expectFiltered(name: string, reason: string | RegExp, settings?: DeliverSettings): Promise<Delivery>
  /** Assert every declared event has a fixture, every fixture's event is declared, and every fixture was tested. */
  assertComplete(): void
  /**
   * Fold and render the provider's digest over every fixture with any one field (down to `depth`)
   * removed, null or of another type, and assert it never throws (a digest runs in the queue's
   * commit: an odd payload must be counted, not refused). Returns how many variants it tried.
   */
  assertDigestTolerates(depth?: number): number
}

/**
 * Fixture helpers bound to one provider and its `fixtures/` folder. `sign` is the provider's
 * signing function, used when a test sets `secrets`.
 */
export function fixtureKit(integration: Integration, dir: FixturesDir, defaults: KitDefaults & { sign?: Signer } = {}): FixtureKit {
  const fixtures = listFixtures(dir)
  const tested = new Set<string>()

  const endpointOf = (settings: DeliverSettings): Endpoint => ({
    token: settings.token ?? defaults.token ?? TEST_TOKEN,
    options: { ...defaults.options, ...settings.options },
    postOptions: { ...defaults.postOptions, ...settings.postOptions },
    ...(settings.secrets ? { secrets: settings.secrets } : {}),
  })

  const run = async (name: string, settings: DeliverSettings = {}): Promise<Delivery> => {
    tested.add(name)
    const fixture = loadFixture(dir, name)
    let request = fixtureRequest(integration, fixture, settings)
    const secrets = settings.secrets
    if (secrets && secrets.length > 0 && settings.sign !== false) {
      if (!defaults.sign) throw new Error('fixtureKit: give a sign function to deliver fixtures to an endpoint with secrets')
      const extra = await defaults.sign({ body: request.bodyText, headers: { ...request.headers } }, secrets[0]!)
      request = senderRequest(integration, { body: request.rawBody, headers: { ...request.headers, ...extra, ...settings.headers } })
    }
    const endpoint = endpointOf(settings)
    const delivery = await deliver(integration, request, endpoint)
    if (delivery.event !== undefined && delivery.event !== fixture.event) {
      throw new AssertionError({
        message: `fixture ${name}.json is named for event "${fixture.event}" but the provider reads its event as "${delivery.event}"; rename it ${delivery.event}__${fixture.scenario}.json`,
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

  const expectRequests = async (name: string, posts: MissivePost[] | ((postOptions: PostOptions) => MissivePost[]), settings: DeliverSettings = {}) => {
    const delivery = await run(name, settings)
    if (delivery.outcome.kind !== 'posts') {
      throw new AssertionError({ message: `expected ${name} to post, but it was ${delivery.outcome.kind}: ${delivery.outcome.reason}` })
    }
    const expected = typeof posts === 'function' ? posts(endpointOf(settings).postOptions ?? {}) : posts
    deepStrictEqual(
      delivery.requests.map((request) => request.body.posts),
      expected,
    )
    return delivery
  }

  const expectAnswer = async (kind: 'skipped' | 'filtered', name: string, reason: string | RegExp, settings: DeliverSettings = {}) => {
    const delivery = await run(name, settings)
    const { outcome } = delivery
    if (outcome.kind !== kind) {
      const got = outcome.kind === 'posts' ? `it produced ${outcome.posts.length} post(s)` : `it was ${outcome.kind}: ${outcome.reason}`
      throw new AssertionError({ message: `expected ${name} to be ${kind}, but ${got}` })
    }
    const matches = typeof reason === 'string' ? outcome.reason === reason : reason.test(outcome.reason)
    if (!matches) {
      throw new AssertionError({
        message: `${kind === 'skipped' ? 'skip' : 'filter'} reason mismatch for ${name}`,
        actual: outcome.reason,
        expected: String(reason),
        operator: 'match',
      })
    }
    return delivery
  }

  return {
    fixtures,
    deliver: run,
    expectRequests,
    expectPosts(name, posts, settings) {
      const context = { provider: integration.id, event: `${name} (expected)` }
      const envelope = (postOptions: PostOptions) =>
        posts.map((post, i) => toMissivePost(integration, validateResult(post, context, `expected[${i}]`), postOptions))
      return expectRequests(name, envelope, settings)
    },
    async expectDigest(names, post, settings = {}) {
      const endpoint = endpointOf(settings)
      let digest: { state: DigestState; post: MissivePost } | undefined
      for (const [i, name] of names.entries()) {
        tested.add(name)
        const { outcome } = await handled(integration, fixtureRequest(integration, loadFixture(dir, name), settings), endpoint)
        if (outcome.kind !== 'posts' || !outcome.delivery.burst) {
          throw new AssertionError({
            message: `expected ${name} to be a post that can fold into a burst digest, got ${outcome.kind === 'posts' ? `${outcome.posts.length} posts` : outcome.kind}`,
          })
        }
        digest = outcome.delivery.burst.fold(digest?.state, BURST_START + i * 1000)
      }
      if (!digest) throw new AssertionError({ message: 'expectDigest needs at least one fixture' })
      const [request] = await sendPosts(endpoint.token, [digest.post])
      const expected = toMissivePost(integration, validateResult(post, { provider: integration.id, event: 'digest (expected)' }), endpoint.postOptions)
      deepStrictEqual(request!.body.posts, expected)
      return request!
    },
    expectSkip: (name, reason, settings) => expectAnswer('skipped', name, reason, settings),
    expectFiltered: (name, reason, settings) => expectAnswer('filtered', name, reason, settings),
    assertDigestTolerates(depth = 3) {
      const digest = integration.digest
      if (!digest) throw new AssertionError({ message: `${integration.id} defines no digest` })
      const post = { notification: { title: integration.name, body: 'one line\nand another' } } as MissivePost
      const failures: string[] = []
      let runs = 0
      for (const fixture of fixtures) {
        for (const { path, replacement, payload } of oneFieldChanges(loadFixture(dir, fixture.name).body, depth)) {
          runs++
          const folded = { event: fixture.event, payload, result: { references: ['r'] }, post, options: {}, at: 0 }
          try {
            const twice = digest.fold(digest.fold(undefined, folded), folded)
            digest.render(twice, { count: 2, first: 0, last: 1000, events: { [fixture.event]: 2 } })
          } catch (error) {
            failures.push(`${fixture.name} ${path}=${JSON.stringify(replacement)}: ${String(error)}`)
          }
        }
      }
      if (failures.length > 0)
        throw new AssertionError({ message: `${integration.id}'s digest threw on odd payloads:\n- ${failures.slice(0, 20).join('\n- ')}` })
      return runs
    },
    assertComplete() {
      const problems = coverageProblems(integration, fixtures)
      const untested = fixtures.filter((fixture) => !tested.has(fixture.name)).map((fixture) => fixture.name)
      if (untested.length > 0) problems.push(`fixtures with no test: ${untested.join(', ')}`)
      if (problems.length > 0) throw new AssertionError({ message: `${integration.id} fixtures are incomplete:\n- ${problems.join('\n- ')}` })
    },
  }
}

/** What is missing between a provider's declared events and its fixtures (and what its declarations contradict). */
export function coverageProblems(integration: Integration, fixtures: readonly Fixture[]): string[] {
  const declared = new Set([...integration.events, ...Object.keys(integration.skippedEvents)])
  const fixtureEvents = new Set(fixtures.map((fixture) => fixture.event))
  const problems: string[] = []
  const both = Object.keys(integration.handlers).filter((name) => Object.hasOwn(integration.skipped, name))
  if (both.length > 0) problems.push(`handled and skipped at once: ${both.join(', ')} (keep one)`)
  const missing = [...declared].filter((event) => !fixtureEvents.has(event))
  if (missing.length > 0) problems.push(`declared events with no fixture: ${missing.join(', ')} (add fixtures/<event>__<scenario>.json)`)
  const undeclared = [...fixtureEvents].filter((event) => !declared.has(event))
  if (undeclared.length > 0)
    problems.push(`fixtures for events the provider does not declare: ${undeclared.join(', ')} (give them a handler or a skipped reason)`)
  return problems
}

export interface ProcessPayloadSettings {
  headers?: Record<string, string>
  options?: Record<string, unknown>
  postOptions?: PostOptions
  secrets?: string[]
}

/**
 * Run a hand-written payload through a provider exactly as the server would (verify, options,
 * parse, process, validate, map), without sending: for edge cases no fixture covers. A refusal
 * or a provider bug rejects with its error.
 */
/** The values `oneFieldChanges` puts in a field's place by default: none (removed), null, and other types. */
const ODD_VALUES: readonly unknown[] = [undefined, null, 42, 'text', [], {}]

/**
 * Every copy of a JSON payload with one field changed, down to `depth` levels (an array by its
 * first item): removed (`undefined`), or replaced by each of `replacements`. For tests that a
 * provider is liberal in what it accepts.
 */
export function* oneFieldChanges(
  payload: unknown,
  depth: number,
  replacements: readonly unknown[] = ODD_VALUES,
): Generator<{ path: string; replacement: unknown; payload: Record<string, unknown> }> {
  const base = typeof payload === 'string' ? (JSON.parse(payload) as unknown) : payload
  for (const path of fieldPaths(base, depth)) {
    for (const replacement of replacements) {
      const copy = structuredClone(base) as Record<string | number, unknown>
      let node = copy
      for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>
      const last = path.at(-1)!
      if (replacement === undefined && !Array.isArray(node)) delete node[last]
      else node[last] = replacement
      yield { path: path.join('.'), replacement, payload: copy as Record<string, unknown> }
    }
  }
}

function fieldPaths(value: unknown, depth: number, prefix: (string | number)[] = []): (string | number)[][] {
  if (depth === 0 || value === null || typeof value !== 'object') return []
  const entries: [string | number, unknown][] = Array.isArray(value) ? (value.length > 0 ? [[0, value[0]]] : []) : Object.entries(value)
  return entries.flatMap(([key, child]) => [[...prefix, key], ...fieldPaths(child, depth - 1, [...prefix, key])])
}

export async function processPayload(integration: Integration, payload: unknown, settings: ProcessPayloadSettings = {}): Promise<KitOutcome> {
  const request = senderRequest(integration, { body: typeof payload === 'string' ? payload : JSON.stringify(payload), headers: settings.headers ?? {} })
  const { outcome } = await handled(integration, request, {
    token: TEST_TOKEN,
    options: settings.options ?? {},
    postOptions: settings.postOptions ?? {},
    ...(settings.secrets ? { secrets: settings.secrets } : {}),
  })
  return outcome
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
