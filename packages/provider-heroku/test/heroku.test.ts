import { afterAll, describe, expect, it } from 'vitest'
import { SignatureError } from '@missive-integrations/core'
import { fixtureKit, hmacSigner, rejectionOf } from '@missive-integrations/core/testing'
import Heroku, { SIGNATURE } from '../src/index.ts'

// One test per fixture states what the provider decides (thread, subject, notification,
// attachments); the kit adds the envelope every post shares and compares the exact Missive request.
const kit = fixtureKit(new Heroku(), new URL('../fixtures/', import.meta.url), { sign: hmacSigner(SIGNATURE) })

const ITEM_CREATED = {
  references: ['42'],
  subject: 'The first item',
  notification: 'Ada Lovelace created The first item',
  attachments: [{ pretext: '*Ada Lovelace* created <https://example.com/items/42|The first item>', text: 'Created from the provider template.' }],
}

describe('heroku', () => {
  it('item.created__basic', () => kit.expectPosts('item.created__basic', [ITEM_CREATED]))

  it('item.created__basic, signed with the endpoint secret', () => kit.expectPosts('item.created__basic', [ITEM_CREATED], { secrets: ['webhook-secret'] }))

  it('refuses a delivery that is not signed with the endpoint secret', async () => {
    const error = await rejectionOf(kit.deliver('item.created__basic', { secrets: ['webhook-secret'], sign: false }))
    expect(error).toBeInstanceOf(SignatureError)
  })

  it('ping__basic', () => kit.expectSkip('ping__basic', 'ping only checks that the endpoint answers'))

  afterAll(() => kit.assertComplete())
})
