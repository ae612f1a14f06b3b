import { afterAll, describe, expect, it } from 'vitest'
import nock from 'nock'
import { fixtureKit, oneFieldChanges, processPayload, rejectionOf, TEST_TOKEN } from '../src/testing/index.ts'
import type { FilterSpec } from '../src/index.ts'
import { Acme, signAcme } from './acme.ts'

const acme = new Acme()
const kit = fixtureKit(acme, new URL('./fixtures/acme/', import.meta.url), {
  options: { channel: 'ops' },
  postOptions: { organization: 'org-1', add_shared_labels: ['label-1'] },
  sign: ({ body }, secret) => ({ 'x-acme-signature': signAcme(body, secret) }),
})

/** What Acme decides for the deploy fixture: thread, subject, color, notification and attachment. */
const deployDecision = {
  references: ['web/production'],
  subject: 'web [production]',
  color: 'good',
  notification: 'Ada <ada@example.com> deployed web to production',
  attachments: [
    {
      pretext: '*Ada ‹ada@example.com›* deployed <https://acme.example/deploys/7|web> to production',
      text: 'Ship ∗it∗ ‹https://evil.example∣click›',
      footer: 'ops',
      color: '#0a0',
    },
  ],
}

/** The exact request body the kit's Missive stand-in receives for it, envelope and post options included. */
const deployPost = {
  organization: 'org-1',
  add_shared_labels: ['label-1'],
  // No icon fields: Acme is not a provider Missive's hosted service has an icon for, and no server serves its own here.
  username: 'Acme',
  notification: { title: 'web [production]', body: 'Ada <ada@example.com> deployed web to production' },
  references: ['<acme/web/production@missive-integrations>'],
  conversation_subject: 'web [production]',
  conversation_color: 'good',
  update_existing_conversation_subject: false,
  attachments: [
    {
      pretext: '*Ada ‹ada@example.com›* deployed <https://acme.example/deploys/7|web> to production',
      text: 'Ship ∗it∗ ‹https://evil.example∣click›',
      footer: 'ops',
      color: '#0a0',
    },
  ],
}

describe('fixtureKit', () => {
  it('sends the exact Missive request for a fixture', async () => {
    const delivery = await kit.expectRequests('deploy__production', [deployPost])
    expect(delivery.requests).toHaveLength(1)
    expect(delivery.requests[0]!.authorization).toBe(`Bearer ${TEST_TOKEN}`)
    expect(delivery.event).toBe('deploy')
    expect(nock.pendingMocks()).toEqual([])
  })

  it('fills the envelope around what the provider decides, and compares the same request', async () => {
    const delivery = await kit.expectPosts('deploy__production', [deployDecision])
    expect(delivery.requests.map((request) => request.body.posts)).toEqual([deployPost])
    // `attachment` is the same decision as a one-item `attachments`.
    const { attachments, ...rest } = deployDecision
    await kit.expectPosts('deploy__production', [{ ...rest, attachment: attachments[0]! }])
  })

  it('fails when the decision or the envelope differs', async () => {
    await expect(kit.expectPosts('deploy__production', [{ ...deployDecision, color: 'danger' }])).rejects.toThrow(/Expected values to be strictly deep-equal/)
    await expect(kit.expectPosts('deploy__production', [{ ...deployDecision, references: ['web'] }])).rejects.toThrow(
      /Expected values to be strictly deep-equal/,
    )
    await expect(kit.expectPosts('deploy__production', [deployDecision, deployDecision])).rejects.toThrow(/Expected values to be strictly deep-equal/)
    await expect(kit.expectRequests('deploy__production', [{ ...deployPost, username: 'Other' }])).rejects.toThrow(/Expected values to be strictly deep-equal/)
    await expect(kit.expectPosts('deploy__production', [{ subject: 'x', text: 'y' }])).rejects.toThrow(/has neither references nor a conversation/)
  })

  it('reports a skip with its reason', async () => {
    await kit.expectSkip('ping__basic', 'ping is a connectivity check')
    await expect(kit.expectSkip('deploy__production', /anything/)).rejects.toThrow(/expected deploy__production to be skipped/)
  })

  it("reports a delivery the endpoint's filters drop, with its reason", async () => {
    class FilteredAcme extends Acme {
      override get filters(): readonly FilterSpec[] {
        return [{ key: 'envs', kind: 'list', noun: 'environment', label: 'Environments', description: 'only these', read: (p) => p.optionalString('env') }]
      }
    }
    const filtered = fixtureKit(new FilteredAcme(), new URL('./fixtures/acme/', import.meta.url), { options: { channel: 'ops' } })
    const delivery = await filtered.expectFiltered('deploy__production', 'environment "production" is not in envs (staging)', { options: { envs: 'staging' } })
    expect(delivery.requests).toEqual([])
    await filtered.expectFiltered('deploy__production', /is not in envs/, { options: { envs: 'staging' } })
    await expect(filtered.expectFiltered('deploy__production', /anything/, { options: { envs: 'production' } })).rejects.toThrow(
      'expected deploy__production to be filtered, but it produced 1 post(s)',
    )
    await expect(filtered.expectFiltered('deploy__production', 'other', { options: { envs: 'staging' } })).rejects.toThrow(
      'filter reason mismatch for deploy__production',
    )
    await expect(filtered.expectPosts('deploy__production', [deployDecision], { options: { envs: 'staging' } })).rejects.toThrow(
      'expected deploy__production to post, but it was filtered: environment "production" is not in envs (staging)',
    )
    await expect(filtered.expectSkip('deploy__production', /x/, { options: { envs: 'staging' } })).rejects.toThrow(
      'expected deploy__production to be skipped, but it was filtered',
    )
    await expect(filtered.deliver('deploy__production', { options: { envs: ',' } })).rejects.toThrow('"envs" has an empty item in ","')
  })

  it('signs with the provider signer and rejects a wrong secret', async () => {
    await kit.expectPosts('deploy__production', [deployDecision], { secrets: ['s3cret'] })
    await expect(kit.deliver('deploy__production', { secrets: ['s3cret'], headers: { 'x-acme-signature': signAcme('{}', 's3cret') } })).rejects.toThrow(
      'X-Acme-Signature does not match the body signed with the endpoint secret: check the secret in the Acme webhook settings',
    )
  })

  it('delivers form-encoded bodies like JSON ones', async () => {
    await kit.expectPosts('deploy__production', [deployDecision], { form: true })
  })

  it('names a missing fixture and lists the known ones', async () => {
    await expect(kit.deliver('deploy__staging')).rejects.toThrow(/no fixture deploy__staging.json .*deploy__production.json/)
  })

  it('processes hand-written payloads and returns rejections', async () => {
    const outcome = await processPayload(
      acme,
      { kind: 'deploy', app: 'a', env: 'e', user: 'u', url: 'https://x.example', message: 'm' },
      { options: { channel: 'c' } },
    )
    expect(outcome.kind === 'posts' && outcome.posts[0]!.references).toEqual(['<acme/a/e@missive-integrations>'])
    const error = await rejectionOf(processPayload(acme, { kind: 'deploy' }, { options: { channel: 'c' } }))
    expect(error.message).toBe('invalid acme payload for event "deploy": field "user" must be a string')
    await expect(rejectionOf(Promise.resolve(1))).rejects.toThrow('expected the promise to reject, but it resolved')
  })

  afterAll(() => kit.assertComplete())
})

describe('the kit on odd payloads', () => {
  it('lists every one-field change of a payload, to a depth, arrays by their first item', () => {
    const changes = [...oneFieldChanges({ a: { b: 1 }, list: [{ c: 2 }, { c: 3 }] }, 3, [undefined, null])].map(({ path, payload }) => [
      path,
      JSON.stringify(payload),
    ])
    expect(changes).toEqual([
      ['a', '{"list":[{"c":2},{"c":3}]}'],
      ['a', '{"a":null,"list":[{"c":2},{"c":3}]}'],
      ['a.b', '{"a":{},"list":[{"c":2},{"c":3}]}'],
      ['a.b', '{"a":{"b":null},"list":[{"c":2},{"c":3}]}'],
      ['list', '{"a":{"b":1}}'],
      ['list', '{"a":{"b":1},"list":null}'],
      ['list.0', '{"a":{"b":1},"list":[null,{"c":3}]}'],
      ['list.0', '{"a":{"b":1},"list":[null,{"c":3}]}'],
      ['list.0.c', '{"a":{"b":1},"list":[{},{"c":3}]}'],
      ['list.0.c', '{"a":{"b":1},"list":[{"c":null},{"c":3}]}'],
    ])
  })

  it('finds a digest that throws on an odd payload, and passes one that reads liberally', () => {
    class Strict extends Acme {
      override get digest() {
        return {
          fold: (count: number | undefined, { payload }: { payload: Record<string, unknown> }) => (count ?? 0) + (payload.app as string).length,
          render: () => ({ text: 'x' }),
        }
      }
    }
    class Liberal extends Acme {
      override get digest() {
        return { fold: (count: number | undefined) => (count ?? 0) + 1, render: () => ({ text: 'x' }) }
      }
    }
    const dir = new URL('./fixtures/acme/', import.meta.url)
    expect(() => fixtureKit(new Strict(), dir).assertDigestTolerates(1)).toThrow(/digest threw on odd payloads:\n- deploy__production app=undefined: TypeError/)
    expect(fixtureKit(new Liberal(), dir).assertDigestTolerates(1)).toBe((6 + 1) * 6) // six fields of a deploy and one of a ping, six changes each
  })
})
