import { IntegrationError, senderRequest } from '@missive-integrations/core'
import { deliver } from '@missive-integrations/core/testing'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { previewWebhook, type PreviewResult } from '../src/preview.ts'
import { Acme, KEY, WEBHOOK_SECRET, sealed, sign } from './helpers/acme.ts'
import { MemoryQueue } from './helpers/memory-queue.ts'

// The server, the CLI preview, the playground and the testing kit run one request path (core's
// handleWebhook): the same request to the same endpoint gets the same answer from all four.
const acme = new Acme()
const app = buildApp({
  providers: [acme],
  queue: new MemoryQueue(),
  config: { secretKey: KEY, legacyTokens: false, bodyLimit: 64 * 1024 },
  playground: [{ integration: acme }],
})

const ITEM = JSON.stringify({ item: { id: 42, title: 'Hello' } })
// Another body, so the server does not take it for a redelivery of ITEM.
const SIGNED = JSON.stringify({ item: { id: 43, title: 'Signed' } })
const GZIP = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00]).toString('latin1')

interface Case {
  name: string
  event: string
  body: string
  headers?: Record<string, string>
  options?: Record<string, unknown>
  secrets?: string[]
  /** The answer all four must give. */
  answer: [number, string]
}

const CASES: Case[] = [
  { name: 'a good delivery', event: 'item.created', body: ITEM, answer: [202, 'queued'] },
  {
    name: 'a signed delivery',
    event: 'item.created',
    body: SIGNED,
    secrets: [WEBHOOK_SECRET],
    headers: { 'x-acme-signature': sign(WEBHOOK_SECRET, SIGNED) },
    answer: [202, 'queued'],
  },
  {
    name: 'a badly signed delivery',
    event: 'item.created',
    body: SIGNED,
    secrets: [WEBHOOK_SECRET],
    headers: { 'x-acme-signature': sign('other', SIGNED) },
    answer: [401, 'invalid_signature'],
  },
  { name: 'an unsigned and badly formed request', event: 'item.created', body: '{"item":', secrets: [WEBHOOK_SECRET], answer: [401, 'invalid_signature'] },
  { name: 'a badly formed request', event: 'item.created', body: '{"item":', answer: [400, 'invalid_body'] },
  {
    name: 'badly formed, to an endpoint with bad options',
    event: 'item.created',
    body: '{"item":',
    options: { limit: 'many' },
    answer: [400, 'invalid_options'],
  },
  { name: 'a compressed body', event: 'item.created', body: GZIP, headers: { 'content-encoding': 'gzip' }, answer: [415, 'unsupported_encoding'] },
  { name: 'another content type', event: 'item.created', body: ITEM, headers: { 'content-type': 'text/xml' }, answer: [415, 'unsupported_media_type'] },
  { name: 'a skipped event', event: 'ping', body: '{}', answer: [200, 'skipped'] },
  { name: 'a delivery the endpoint filters', event: 'item.created', body: ITEM, options: { exclude_titles: 'hello' }, answer: [200, 'filtered'] },
  { name: 'an endpoint with a bad filter', event: 'item.created', body: ITEM, options: { exclude_titles: 'hello,' }, answer: [400, 'invalid_options'] },
  { name: 'an unknown event', event: 'item.exploded', body: '{}', answer: [200, 'skipped'] },
  { name: 'a payload missing a field', event: 'item.created', body: '{"item":{"id":1}}', answer: [422, 'invalid_payload'] },
  { name: 'a provider bug', event: 'boom', body: '{}', answer: [422, 'provider_error'] },
]

type Answer = [number, string]

const ofPreview = (result: PreviewResult): Answer =>
  result.kind === 'posts' ? [202, 'queued'] : result.kind === 'error' ? [result.status, result.error] : [200, result.kind]

async function server(c: Case): Promise<Answer> {
  const t = sealed({ ...(c.options ? { options: c.options } : {}), ...(c.secrets ? { secrets: c.secrets } : {}) })
  const request = senderRequest(acme, { body: c.body, headers: c.headers ?? {}, event: c.event })
  const res = await app.inject({ method: 'POST', url: `/acme?t=${t}`, headers: request.headers, payload: request.rawBody })
  const body = res.json()
  return [res.statusCode, body.error ?? body.status]
}

async function preview(c: Case): Promise<Answer> {
  return ofPreview(
    await previewWebhook(acme, {
      body: c.body,
      event: c.event,
      ...(c.headers ? { headers: c.headers } : {}),
      ...(c.options ? { options: c.options } : {}),
      ...(c.secrets ? { secrets: c.secrets } : {}),
    }),
  )
}

async function playground(c: Case): Promise<Answer> {
  const res = await app.inject({
    method: 'POST',
    url: '/playground/api/preview',
    payload: {
      provider: 'acme',
      body: c.body,
      event: c.event,
      headers: c.headers ?? {},
      options: c.options ?? {},
      ...(c.secrets ? { secrets: c.secrets } : {}),
    },
  })
  expect(res.statusCode).toBe(200)
  return ofPreview(res.json() as PreviewResult)
}

async function kit(c: Case): Promise<Answer> {
  const request = senderRequest(acme, { body: c.body, headers: c.headers ?? {}, event: c.event })
  try {
    const { outcome } = await deliver(acme, request, { token: 'kit', options: c.options ?? {}, secrets: c.secrets ?? [] })
    return outcome.kind === 'posts' ? [202, 'queued'] : [200, outcome.kind]
  } catch (error) {
    if (!(error instanceof IntegrationError)) throw error
    return [error.status, error.code]
  }
}

describe('one request path', () => {
  it.each(CASES)('$name: the same answer from the server, the preview, the playground and the kit', async (c) => {
    const answers = { server: await server(c), preview: await preview(c), playground: await playground(c), kit: await kit(c) }
    expect(answers).toEqual({ server: c.answer, preview: c.answer, playground: c.answer, kit: c.answer })
  })
})
