import { IntegrationError, ProviderError, SignatureError } from './errors.js'
import type { Integration, ProviderOptions } from './integration.js'
import { resolveOptions } from './options.js'
import { parseBody, type ParseBodyOptions, type Payload } from './parse-body.js'
import { toMissivePosts, type MissivePost, type PostOptions } from './post.js'
import type { WebhookRequest } from './request.js'
import type { ValidResult } from './result.js'
import type { Endpoint } from './handle-webhook.js'
import { validateOutput } from './validate.js'

/** What a delivery came to (the old path's outcome; `handleWebhook` replaces it). */
export type LegacyOutcome =
  | { kind: 'posts'; provider: string; event: string | undefined; results: ValidResult[]; posts: MissivePost[] }
  | { kind: 'skipped'; provider: string; event: string | undefined; reason: string }

/**
 * Check the signature when the endpoint has secrets. A provider whose sender does not sign
 * cannot honour a secret: that is refused rather than silently accepting unsigned requests.
 */
export async function verifySignature(
  integration: Integration,
  request: WebhookRequest,
  secrets: readonly string[] | undefined,
): Promise<void> {
  const list = (secrets ?? []).filter((secret) => secret !== '')
  if (list.length === 0) return
  if (!integration.verify) {
    throw new SignatureError(`provider ${integration.id} does not sign its webhooks, so this endpoint's secret cannot be checked; mint the URL without a secret`)
  }
  await integration.verify(request, list)
}

/**
 * Run a provider on a parsed payload and check what it returned. Errors the provider raises on
 * purpose (`InvalidPayloadError`, `UnsupportedEventError`, …) pass through; anything else is a
 * provider bug, wrapped in `ProviderError`.
 */
export async function runIntegration(
  integration: Integration,
  payload: Payload,
  request: WebhookRequest,
  options: ProviderOptions,
  postOptions: PostOptions = {},
): Promise<LegacyOutcome> {
  const provider = integration.id
  let event: string | undefined
  try {
    event = integration.event(payload, request)
    const output = await integration.process(payload, request, options)
    const validated = validateOutput(output, { provider, event })
    if (validated.kind === 'skipped') return { kind: 'skipped', provider, event, reason: validated.reason }
    return { kind: 'posts', provider, event, results: validated.results, posts: toMissivePosts(integration, validated.results, postOptions) }
  } catch (error) {
    if (error instanceof IntegrationError) throw error
    throw new ProviderError(provider, event, error)
  }
}

export interface ProcessWebhookSettings extends ParseBodyOptions {
  /** An already parsed payload (skips body parsing). */
  payload?: Payload
}

/**
 * The whole path from a request to the Missive posts it produces, in the order the server
 * answers: parse the body (400/415), check the signature (401), resolve the provider options
 * (400), process and validate (200 skip / 422). The server, the CLI preview, the playground and
 * the testing kit all go through here, so they cannot disagree.
 */
export async function processWebhook(
  integration: Integration,
  request: WebhookRequest,
  endpoint: Endpoint,
  settings: ProcessWebhookSettings = {},
): Promise<LegacyOutcome> {
  const payload = settings.payload ?? parseBody(request, settings)
  await verifySignature(integration, request, endpoint.secrets)
  const options = resolveOptions(integration, endpoint.options)
  return runIntegration(integration, payload, request, options, endpoint.postOptions)
}
