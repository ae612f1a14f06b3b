import { afterAll, describe, it } from 'vitest'
import { fixtureKit } from '@missive-integrations/core/testing'
import __NAME__ from '../src/index.ts'

const provider = new __NAME__()
const kit = fixtureKit(provider, new URL('../fixtures/', import.meta.url))
const AVATAR = provider.avatar

describe('__ID__', () => {
  it('item.created__basic', () =>
    kit.expectRequests('item.created__basic', [
      {
        username: '__TITLE__',
        username_icon: AVATAR,
        conversation_icon: AVATAR,
        notification: { title: 'The first item', body: 'Ada Lovelace created The first item' },
        references: ['<__ID__/42@missive-integrations>'],
        conversation_subject: 'The first item',
        update_existing_conversation_subject: false,
        attachments: [{ pretext: '*Ada Lovelace* created <https://example.com/items/42|The first item>', text: 'Created from the provider template.' }],
      },
    ]))

  it('ping__basic', () => kit.expectSkip('ping__basic', 'ping only checks that the endpoint answers'))

  afterAll(() => kit.assertComplete())
})
