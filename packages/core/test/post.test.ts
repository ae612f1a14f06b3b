import { describe, expect, it } from 'vitest'
import { namespaceReference, toMissivePost, toMissivePosts } from '../src/index.ts'

const integration = { id: 'acme', name: 'Acme', avatar: 'https://img.example/avatar.png', icon: 'https://img.example/icon.png' }

describe('toMissivePost', () => {
  it('maps a referenced result field by field', () => {
    const post = toMissivePost(
      integration,
      {
        references: ['42', 'web/main'],
        subject: 'Deploy #42',
        update_existing_conversation_subject: true,
        color: '#c00',
        notification: 'Ada deployed web',
        text: 'hello',
        markdown: '**hi**',
        attachments: [{ text: 'a', color: 'good' }],
      },
      { organization: 'org', team: 'team', add_shared_labels: ['l1'], add_users: ['u1'], close: true },
    )
    expect(post).toStrictEqual({
      organization: 'org',
      team: 'team',
      add_shared_labels: ['l1'],
      add_users: ['u1'],
      close: true,
      username: 'Acme',
      username_icon: 'https://img.example/avatar.png',
      notification: { title: 'Deploy #42', body: 'Ada deployed web' },
      references: ['<acme/42@missive-integrations>', '<acme/web/main@missive-integrations>'],
      conversation_subject: 'Deploy #42',
      conversation_color: '#c00',
      conversation_icon: 'https://img.example/icon.png',
      update_existing_conversation_subject: true,
      text: 'hello',
      markdown: '**hi**',
      attachments: [{ text: 'a', color: 'good' }],
    })
  })

  it('defaults update_existing_conversation_subject to false and leaves absent fields out', () => {
    const post = toMissivePost(integration, { references: ['1'], text: 'x' })
    expect(post).toStrictEqual({
      username: 'Acme',
      username_icon: 'https://img.example/avatar.png',
      notification: { title: 'Acme', body: 'x' },
      references: ['<acme/1@missive-integrations>'],
      conversation_icon: 'https://img.example/icon.png',
      update_existing_conversation_subject: false,
      text: 'x',
    })
  })

  it('posts a conversation-targeted result into that conversation only, without sharing it', () => {
    const post = toMissivePost(
      integration,
      { conversation: 'c-1', references: ['ignored'], subject: 'S', color: 'danger', text: 'ref', notification: 'n' },
      { organization: 'org', team: 'team', add_shared_labels: ['l1'], add_users: ['u1'] },
    )
    expect(post).toStrictEqual({
      team: 'team',
      username: 'Acme',
      username_icon: 'https://img.example/avatar.png',
      notification: { title: 'S', body: 'n' },
      conversation: 'c-1',
      text: 'ref',
    })
  })

  it('never lets endpoint post options override mapped fields, and copies them', () => {
    const postOptions = { username: 'evil', references: ['<x>'], text: 'injected', add_shared_labels: ['l1'] }
    const post = toMissivePost(integration, { references: ['1'], text: 'real' }, postOptions)
    expect(post.username).toBe('Acme')
    expect(post.references).toEqual(['<acme/1@missive-integrations>'])
    expect(post.text).toBe('real')
    post.add_shared_labels!.push('l2')
    expect(postOptions.add_shared_labels).toEqual(['l1'])
  })

  it('falls back to the text, then the first attachment, for the notification body', () => {
    expect(toMissivePost(integration, { references: ['1'], text: '*Ada* merged <https://x.example|#1> `main`' }).notification).toEqual({
      title: 'Acme',
      body: 'Ada merged #1 main',
    })
    expect(toMissivePost(integration, { references: ['1'], attachments: [{ pretext: '<https://x.example>', text: 'b' }] }).notification.body).toBe(
      'https://x.example',
    )
  })

  it('maps several results in order', () => {
    const posts = toMissivePosts(integration, [
      { references: ['a'], text: '1' },
      { conversation: 'c', text: '2' },
    ])
    expect(posts.map((p) => p.text)).toEqual(['1', '2'])
    expect(namespaceReference('github', '123/main')).toBe('<github/123/main@missive-integrations>')
  })
})
