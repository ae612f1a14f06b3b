import { answerOf, handleWebhook, senderRequest, type Integration, type MissivePost, type PostOptions } from '@missive-integrations/core'

/** What a payload becomes: the exact Missive posts, a reasoned skip, a delivery the endpoint's filters drop, or the error the server would answer. */
export type PreviewResult =
  | { kind: 'posts'; provider: string; event: string | undefined; posts: MissivePost[] }
  | { kind: 'skipped'; provider: string; event: string | undefined; reason: string }
  | { kind: 'filtered'; provider: string; event: string | undefined; reason: string }
  | { kind: 'error'; provider: string; event: string | undefined; status: number; error: string; message: string }

export interface PreviewInput {
  /** The payload as the sender sends it (JSON text, or a form body with a matching content type). */
  body: string
  headers?: Record<string, string>
  /** The event name, for providers that read it from a header (GitHub's X-GitHub-Event). */
  event?: string
  options?: Record<string, unknown>
  postOptions?: PostOptions
  /** Webhook secrets: the signature is checked as the server would (none: not checked). */
  secrets?: string[]
  /** The server's `PUBLIC_URL` when it serves this provider's icon: posts carry `<publicUrl>/assets/<id>.png`. */
  publicUrl?: string | undefined
}

/**
 * Run a payload through a provider on the server's own path (`handleWebhook`: signature when
 * secrets are given, options, parsing, processing, validation, post mapping), without a queue
 * and without sending anything.
 */
export async function previewWebhook(integration: Integration, input: PreviewInput): Promise<PreviewResult> {
  const request = senderRequest(integration, { body: input.body, headers: input.headers ?? {}, event: input.event })
  const endpoint = { token: 'preview', options: input.options, postOptions: input.postOptions, secrets: input.secrets }
  const { event, outcome } = await handleWebhook(integration, request, () => endpoint, { publicUrl: input.publicUrl })
  const provider = integration.id
  switch (outcome.kind) {
    case 'posts':
      return { kind: 'posts', provider, event, posts: outcome.posts }
    case 'skipped':
    case 'filtered':
      return { kind: outcome.kind, provider, event, reason: outcome.reason }
    case 'rejected':
    case 'error':
      return { kind: 'error', provider, event, status: outcome.error.status, error: outcome.error.code, message: outcome.error.message }
    default:
      // Without a queue nothing is committed or a duplicate; answered as the server would.
      return { kind: 'error', provider, event, status: answerOf(outcome).status, error: outcome.kind, message: `unexpected ${outcome.kind} without a queue` }
  }
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
    case 'filtered':
      return `${result.kind}: ${result.provider}${event}: ${result.reason}`
    case 'error':
      return `error (${result.status} ${result.error}): ${result.message}`
  }
}
