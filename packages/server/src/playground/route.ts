import type { FastifyInstance } from 'fastify'
import { fixtureNames, integrationInfo, loadFixture, type Integration, type PostOptions } from '@missive-integrations/core'
import { previewWebhook } from '../preview.js'
import { PLAYGROUND_CSS, PLAYGROUND_HTML, PLAYGROUND_JS } from './page.js'

/** A provider as the playground shows it: the integration and, when shipped, its fixtures folder. */
export interface PlaygroundProvider {
  integration: Integration
  fixturesDir?: string | undefined
  /** The server's `PUBLIC_URL` when it serves this provider's icon (posts then point there). */
  publicUrl?: string | undefined
}

// Nothing on the page comes from elsewhere but images (provider avatars, also this server's own
// icons under PUBLIC_URL): a payload's `<script>` or `javascript:` link can neither run nor load.
function csp(providers: readonly PlaygroundProvider[]): string {
  const origins = new Set(providers.flatMap(({ publicUrl }) => (publicUrl?.startsWith('http:') ? [new URL(publicUrl).origin] : [])))
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    ["img-src 'self' https: data:", ...origins].join(' '),
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}

const FIXTURE_NAME = /^[A-Za-z0-9_.-]+__[A-Za-z0-9_.-]+$/
const MAX_PREVIEW_BODY = 5 * 1024 * 1024

/** The fixture names in a provider's fixtures folder (`push__new_branch`, …), sorted; only names safe in a URL. */
export function listFixtureNames(dir: string | undefined): string[] {
  return dir === undefined ? [] : fixtureNames(dir).filter((name) => FIXTURE_NAME.test(name))
}

/**
 * Serve the playground at `/playground`: pick a provider and a fixture (or paste a payload and
 * headers), set options, and see the post rendered the way Missive shows it next to the exact
 * JSON that would be sent.
 */
export function registerPlayground(app: FastifyInstance, providers: readonly PlaygroundProvider[]): void {
  const byId = new Map(providers.map((provider) => [provider.integration.id, provider]))
  const secure = { 'content-security-policy': csp(providers), 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' }

  app.get('/playground', async (_request, reply) => reply.headers(secure).type('text/html; charset=utf-8').send(PLAYGROUND_HTML))
  app.get('/playground/app.js', async (_request, reply) => reply.headers(secure).type('text/javascript; charset=utf-8').send(PLAYGROUND_JS))
  app.get('/playground/app.css', async (_request, reply) => reply.headers(secure).type('text/css; charset=utf-8').send(PLAYGROUND_CSS))

  app.get('/playground/api/providers', async () =>
    providers.map(({ integration, fixturesDir, publicUrl }) => ({
      ...integrationInfo(integration, { publicUrl }),
      deprecated: integration.deprecated,
      eventHeader: integration.eventHeader ?? null,
      events: integration.events,
      skippedEvents: integration.skippedEvents,
      fixtures: listFixtureNames(fixturesDir),
    })),
  )

  app.get<{ Params: { provider: string; name: string } }>('/playground/api/fixtures/:provider/:name', async (request, reply) => {
    const provider = byId.get(request.params.provider)
    const name = request.params.name
    if (!provider) return reply.code(404).send({ error: 'unknown_provider', message: `no provider ${JSON.stringify(request.params.provider)} is installed` })
    if (!listFixtureNames(provider.fixturesDir).includes(name)) {
      return reply.code(404).send({ error: 'unknown_fixture', message: `provider ${provider.integration.id} has no fixture ${JSON.stringify(name)}` })
    }
    const { event, body, headers } = loadFixture(provider.fixturesDir!, name)
    return { name, event, body, headers }
  })

  app.post<{ Body: unknown }>('/playground/api/preview', { bodyLimit: MAX_PREVIEW_BODY }, async (request, reply) => {
    let input: unknown = request.body
    if (Buffer.isBuffer(input) || typeof input === 'string') {
      try {
        input = JSON.parse(input.toString())
      } catch {
        return reply.code(400).send({ error: 'invalid_body', message: 'send {"provider", "body", "headers", "options"} as JSON' })
      }
    }
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      return reply.code(400).send({ error: 'invalid_body', message: 'send {"provider", "body", "headers", "options"} as JSON' })
    }
    const { provider: id, body, headers, options, postOptions, event, secrets } = input as Record<string, unknown>
    const provider = typeof id === 'string' ? byId.get(id) : undefined
    if (!provider) return reply.code(404).send({ error: 'unknown_provider', message: `no provider ${JSON.stringify(id)} is installed` })
    if (typeof body !== 'string') return reply.code(400).send({ error: 'invalid_body', message: '"body" must be the payload text' })
    const problem = [
      ['headers', headers],
      ['options', options],
      ['postOptions', postOptions],
    ].find(([, value]) => value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value)))
    if (problem) return reply.code(400).send({ error: 'invalid_body', message: `"${problem[0]}" must be an object` })
    if (event !== undefined && typeof event !== 'string') return reply.code(400).send({ error: 'invalid_body', message: '"event" must be a string' })
    if (secrets !== undefined && (!Array.isArray(secrets) || !secrets.every((secret) => typeof secret === 'string'))) {
      return reply.code(400).send({ error: 'invalid_body', message: '"secrets" must be a list of strings' })
    }
    const result = await previewWebhook(provider.integration, {
      body,
      headers: Object.fromEntries(Object.entries((headers ?? {}) as Record<string, unknown>).map(([key, value]) => [key, String(value)])),
      options: (options ?? {}) as Record<string, unknown>,
      postOptions: (postOptions ?? {}) as PostOptions,
      ...(secrets ? { secrets: secrets as string[] } : {}),
      ...(event ? { event } : {}),
      publicUrl: provider.publicUrl,
    })
    return result
  })
}
