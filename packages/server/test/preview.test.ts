import { describe, expect, it } from 'vitest'
import { Integration, skip, type Payload, type ProcessOutput } from '@missive-integrations/core'
import { formatPreview, parseHeaderFlag, previewWebhook } from '../src/preview.ts'

class Echo extends Integration {
  override get schema() {
    return { options: [{ key: 'project', type: 'String' as const, required: true }] }
  }
  override get eventHeader() {
    return 'X-Echo-Event'
  }
  override process(payload: Payload, request: { header(name: string): string | undefined }, options: Record<string, unknown>): ProcessOutput {
    const event = request.header('x-echo-event')
    if (event === 'ping') return skip('ping only checks the endpoint')
    if (typeof payload.title !== 'string') return { references: [], text: '' }
    return [
      { references: [`${options.project}/${payload.title}`], subject: payload.title, text: `${event}: ${payload.title}` },
      { conversation: 'c-1', text: 'follow-up' },
    ]
  }
}
const echo = new Echo()

describe('previewWebhook', () => {
  it('shows the exact posts, follow-ups in order', async () => {
    const result = await previewWebhook(echo, { body: '{"title":"Hi"}', event: 'opened', options: { project: 'p' }, postOptions: { organization: 'o' } })
    expect(result).toEqual({
      kind: 'posts',
      provider: 'echo',
      event: 'opened',
      posts: [
        {
          organization: 'o',
          username: 'Echo',
          username_icon: echo.avatar,
          notification: { title: 'Hi', body: 'opened: Hi' },
          references: ['<echo/p/Hi@missive-integrations>'],
          conversation_subject: 'Hi',
          conversation_icon: echo.icon,
          update_existing_conversation_subject: false,
          text: 'opened: Hi',
        },
        { username: 'Echo', username_icon: echo.avatar, notification: { title: 'Echo', body: 'follow-up' }, conversation: 'c-1', text: 'follow-up' },
      ],
    })
    expect(formatPreview(result)).toMatch(/^# post 1 of 2: POST \/v1\/posts\n\{\n {2}"posts": \{/)
  })

  it('reports a skip with its reason', async () => {
    const result = await previewWebhook(echo, { body: '{}', headers: { 'x-echo-event': 'ping' }, options: { project: 'p' } })
    expect(result).toEqual({ kind: 'skipped', provider: 'echo', event: 'ping', reason: 'ping only checks the endpoint' })
    expect(formatPreview(result)).toBe('skipped: echo ping: ping only checks the endpoint')
  })

  it('reports validation, option and body errors as the server would answer them', async () => {
    const invalid = await previewWebhook(echo, { body: '{}', event: 'opened', options: { project: 'p' } })
    expect(invalid).toMatchObject({ kind: 'error', status: 422, error: 'invalid_result' })
    expect(formatPreview(invalid)).toMatch(
      /^error \(422 invalid_result\): provider echo returned an invalid result for event "opened": result has neither references nor a conversation/,
    )
    expect(await previewWebhook(echo, { body: '{}', event: 'opened' })).toMatchObject({
      kind: 'error',
      status: 400,
      message: 'invalid options for provider echo: "project" is required (a string)',
    })
    expect(await previewWebhook(echo, { body: '{"a":', options: { project: 'p' } })).toMatchObject({ kind: 'error', status: 400, error: 'invalid_body' })
  })

  it('reads header flags', () => {
    expect(parseHeaderFlag('X-GitHub-Event: push')).toEqual(['X-GitHub-Event', 'push'])
    expect(parseHeaderFlag('Date: Tue, 10:00')).toEqual(['Date', 'Tue, 10:00'])
    expect(() => parseHeaderFlag('nocolon')).toThrow('--header takes key:value, got "nocolon"')
  })
})
