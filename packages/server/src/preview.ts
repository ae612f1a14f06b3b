import { existsSync, readFileSync } from 'node:fs'
import {
  IntegrationError,
  WebhookRequest,
  processWebhook,
  type Integration,
  type MissivePost,
  type PostOptions,
} from '@missive-integrations/core'

/** What a payload becomes: the exact Missive posts, a reasoned skip, or the error the server would answer. */
export type PreviewResult =
  | { kind: 'posts'; provider: string; event: string | undefined; posts: MissivePost[] }
  | { kind: 'skipped'; provider: string; event: string | undefined; reason: string }
  | { kind: 'error'; provider: string; event: string | undefined; status: number; error: string; message: string }

export interface PreviewInput {
  /** The payload as the sender sends it (JSON text, or a form body with a matching content type). */
  body: string
  headers?: Record<string, string>
  /** The event name, for providers that read it from a header (GitHub's X-GitHub-Event). */
  event?: string
  options?: Record<string, unknown>
  postOptions?: PostOptions
}

/**
 * Run a payload through a provider exactly as the server would (same parsing, option checks,
 * processing, validation and post mapping), without a signature check and without sending.
 */
export async function previewWebhook(integration: Integration, input: PreviewInput): Promise<PreviewResult> {
  const headers: Record<string, string> = { ...input.headers }
  const has = (name: string) => Object.keys(headers).some((key) => key.toLowerCase() === name.toLowerCase())
  if (!has('content-type')) headers['content-type'] = 'application/json'
  if (input.event !== undefined && integration.eventHeader) {
    for (const key of Object.keys(headers)) if (key.toLowerCase() === integration.eventHeader.toLowerCase()) delete headers[key]
    headers[integration.eventHeader] = input.event
  }
  const request = new WebhookRequest({ method: 'POST', url: `/${integration.id}`, headers, body: input.body })
  const provider = integration.id
  let event = input.event ?? (integration.eventHeader ? request.header(integration.eventHeader) : undefined)
  try {
    const outcome = await processWebhook(integration, request, { token: 'preview', options: input.options, postOptions: input.postOptions })
    event = outcome.event ?? event
    if (outcome.kind === 'skipped') return { kind: 'skipped', provider, event, reason: outcome.reason }
    return { kind: 'posts', provider, event, posts: outcome.posts }
  } catch (error) {
    if (error instanceof IntegrationError) {
      // An unknown event is answered 200 by the server: to a contributor it is a skip with a reason.
      if (error.status === 200) return { kind: 'skipped', provider, event, reason: error.message }
      return { kind: 'error', provider, event, status: error.status, error: error.code, message: error.message }
    }
    return { kind: 'error', provider, event, status: 500, error: 'internal_error', message: (error as Error)?.message ?? String(error) }
  }
}

/** Headers captured beside a payload file: `payload.json` → `payload.headers.json`. */
export function siblingHeaders(file: string): Record<string, string> {
  const headersFile = file.replace(/\.json$/i, '') + '.headers.json'
  if (headersFile === file || !existsSync(headersFile)) return {}
  const parsed: unknown = JSON.parse(readFileSync(headersFile, 'utf8'))
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${headersFile} must hold a JSON object of header names to values`)
  }
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]))
}

/** `key:value` → [key, value] (the first colon splits; whitespace around the value is trimmed). */
export function parseHeaderFlag(flag: string): [string, string] {
  const at = flag.indexOf(':')
  if (at <= 0) throw new Error(`--header takes key:value, got ${JSON.stringify(flag)}`)
  return [flag.slice(0, at).trim(), flag.slice(at + 1).trim()]
}

/** The text `missive-integrations preview` prints for a result. */
export function formatPreview(result: PreviewResult): string {
  const event = result.event ? ` ${result.event}` : ''
  switch (result.kind) {
    case 'posts':
      return result.posts
        .map((post, i) => {
          const title = result.posts.length > 1 ? `# post ${i + 1} of ${result.posts.length}: POST /v1/posts\n` : '# POST /v1/posts\n'
          return title + JSON.stringify({ posts: post }, null, 2)
        })
        .join('\n\n')
    case 'skipped':
      return `skipped: ${result.provider}${event}: ${result.reason}`
    case 'error':
      return `error (${result.status} ${result.error}): ${result.message}`
  }
}
