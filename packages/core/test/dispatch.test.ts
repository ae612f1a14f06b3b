import { describe, expect, it } from 'vitest'
import {
  Integration,
  SignatureError,
  UnsupportedEventError,
  WebhookRequest,
  dispatchTable,
  eventNamed,
  handleWebhook,
  senderRequest,
  skip,
  type Handlers,
  type WebhookEvent,
} from '../src/index.ts'
import { processPayload } from '../src/testing/index.ts'

/** GitHub-shaped: the event in a header, refined by the body's `action`. */
class Forge extends Integration {
  override get eventHeader() {
    return 'x-forge-event'
  }
  override get actionField() {
    return 'action'
  }
  override get handlers(): Handlers {
    return {
      'issues.opened': ({ action }) => ({ references: ['issue'], text: `specific ${action}` }),
      issues: ({ action, event }) => ({ references: ['issue'], text: `${event} ${action ?? '(none)'}` }),
      'check_run.completed': ({ p }) => ({ references: ['check'], text: p.string('conclusion') }),
      push: ({ p, options }) => (p.string('ref') === 'refs/tags/x' ? skip('tags are not posted') : { references: [String(options.repo)], text: 'pushed' }),
    }
  }
  override get skipped(): Readonly<Record<string, string>> {
    return { ping: 'ping only checks the endpoint', 'issues.edited': 'edits are not posted', 'check_run.created': 'not finished yet' }
  }
}

/** Canny-shaped: dotted event names in a body field, no actions. */
class Board extends Integration {
  override get eventField() {
    return 'event.type'
  }
  override get handlers(): Handlers {
    return { 'post.created': ({ event }) => ({ references: ['p'], text: event }) }
  }
  override get skipped(): Readonly<Record<string, string>> {
    return { 'post.deleted': 'deletions are not posted' }
  }
}

const forge = new Forge()
const send = (event: string | undefined, payload: object) =>
  processPayload(forge, payload, { headers: event === undefined ? {} : { 'x-forge-event': event }, options: { repo: 'r' } })

describe('declarative providers', () => {
  it('derives the events and the skipped events from the declarations', () => {
    expect(forge.events).toEqual(['issues', 'check_run', 'push'])
    expect(forge.skippedEvents).toEqual({ ping: 'ping only checks the endpoint' })
    expect(dispatchTable(forge as Integration<never>).refined.get('check_run')).toEqual(['check_run.completed', 'check_run.created'])
    expect(new Board().events).toEqual(['post.created'])
    expect(new Board().skippedEvents).toEqual({ 'post.deleted': 'deletions are not posted' })
  })

  it('dispatches from event.action to event', async () => {
    const text = async (event: string, payload: object) => {
      const outcome = await send(event, payload)
      return outcome.kind === 'posts' ? outcome.results[0]!.text : `skipped: ${outcome.reason}`
    }
    expect(await text('issues', { action: 'opened' })).toBe('specific opened')
    expect(await text('issues', { action: 'closed' })).toBe('issues closed')
    expect(await text('issues', {})).toBe('issues (none)')
    expect(await text('issues', { action: 'edited' })).toBe('skipped: edits are not posted')
    expect(await text('check_run', { action: 'completed', conclusion: 'failure' })).toBe('failure')
    expect(await text('check_run', { action: 'created' })).toBe('skipped: not finished yet')
    expect(await text('ping', { zen: 'hi' })).toBe('skipped: ping only checks the endpoint')
    expect(await text('push', { ref: 'refs/tags/x' })).toBe('skipped: tags are not posted')
    expect(await text('push', { ref: 'refs/heads/main' })).toBe('pushed')
  })

  it('hands handlers the typed reader, the event, the action, the options and the request', async () => {
    let seen: WebhookEvent | undefined
    const spy = new (class Spy extends Forge {
      override get handlers(): Handlers {
        return { 'issues.opened': (event) => ((seen = event), { references: ['x'], text: 'x' }) }
      }
    })()
    await processPayload(spy, { action: 'opened', issue: { number: 1 } }, { headers: { 'x-forge-event': 'issues', 'x-other': 'y' }, options: { repo: 'r' } })
    expect(seen!.event).toBe('issues')
    expect(seen!.action).toBe('opened')
    expect(seen!.options).toEqual({})
    expect(seen!.p.number('issue.number')).toBe(1)
    expect(seen!.request.header('x-other')).toBe('y')
    expect(() => seen!.p.string('issue.title')).toThrow('invalid spy payload for event "issues": field "issue.title" must be a string')
  })

  it('answers what it does not know with UnsupportedEventError listing what it does', async () => {
    const star = () => forge.process({}, new WebhookRequest({ headers: { 'x-forge-event': 'star' } }), {})
    expect(star).toThrow(UnsupportedEventError)
    expect(star).toThrow('unknown event "star" for provider forge; known events: issues, check_run, push, ping; see the provider\'s fixtures/ for examples')
    const outcome = await send('check_run', { action: 'requested_action' })
    expect(outcome).toEqual({
      kind: 'skipped',
      reason:
        'unknown event "check_run.requested_action" for provider forge; known events: check_run.completed, check_run.created; see the provider\'s fixtures/ for examples',
    })
    expect(await send(undefined, {})).toMatchObject({ kind: 'skipped', reason: expect.stringMatching(/^unknown event \(none given\) for provider forge/) })
  })

  it('reads the event from a dot path in the body', async () => {
    const board = new Board()
    expect(await processPayload(board, { event: { type: 'post.created' } })).toMatchObject({ kind: 'posts', results: [{ text: 'post.created' }] })
    expect(await processPayload(board, { event: { type: 'post.deleted' } })).toEqual({ kind: 'skipped', reason: 'deletions are not posted' })
    expect(await processPayload(board, { event: 'post.created' })).toMatchObject({
      kind: 'skipped',
      reason: expect.stringContaining('unknown event (none given)'),
    })
  })

  it('reports a name that is both handled and skipped', () => {
    const confused = new (class extends Board {
      override get skipped(): Readonly<Record<string, string>> {
        return { 'post.created': 'never mind' }
      }
    })()
    expect(dispatchTable(confused as Integration<never>).problems).toEqual(['"post.created" is both handled and skipped'])
  })
})

/** GitLab-shaped: the header spells events `Push Hook`; the provider names them `push_hook`. */
class Lab extends Integration {
  override get eventHeader() {
    return 'x-lab-event'
  }
  override eventName(sent: string): string {
    return sent.trim().toLowerCase().replace(/\s+/g, '_')
  }
  override sentEventName(event: string): string {
    return this.eventName(event)
      .split('_')
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join(' ')
  }
  override get handlers(): Handlers {
    return { push_hook: ({ event }) => ({ references: ['branch'], text: event }) }
  }
}

describe('event names spelled differently by the sender', () => {
  const lab = new Lab()

  it('dispatches, reports and refuses with the provider name of the sent event', async () => {
    const outcome = await processPayload(lab, {}, { headers: { 'x-lab-event': 'Push Hook' } })
    expect(outcome.kind === 'posts' && outcome.results[0]!.text).toBe('push_hook')
    const request = new WebhookRequest({ headers: { 'x-lab-event': 'Push Hook', 'content-type': 'application/json' }, body: '{}' })
    expect((await handleWebhook(lab, request, () => ({ token: 't' }))).event).toBe('push_hook')
    const refused = await handleWebhook(lab, request, () => {
      throw new SignatureError('no token')
    })
    expect(refused).toMatchObject({ event: 'push_hook', outcome: { kind: 'rejected' } })
    expect(lab.event({}, request)).toBe('push_hook')
    expect(eventNamed(lab, undefined)).toBeUndefined()
  })

  it('sends an event name as the sender spells it, so the kit, the preview and the playground make real requests', () => {
    expect(senderRequest(lab, { body: '{}', event: 'push_hook' }).header('x-lab-event')).toBe('Push Hook')
    expect(senderRequest(lab, { body: '{}', event: 'Push Hook' }).header('x-lab-event')).toBe('Push Hook')
    // A provider that declares neither sends and reads names as they are.
    expect(senderRequest(forge, { body: '{}', event: 'push' }).header('x-forge-event')).toBe('push')
    expect(forge.event({}, new WebhookRequest({ headers: { 'x-forge-event': 'Push Hook' } }))).toBe('Push Hook')
  })
})
