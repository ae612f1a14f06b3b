import { describe, expect, it } from 'vitest'
import {
  BURST_OPTIONS,
  HOSTED_ICONS_URL,
  Integration,
  WebhookRequest,
  defaultIcon,
  handleWebhook,
  iconPath,
  iconsOf,
  integrationInfo,
  toMissivePost,
} from '../src/index.ts'

class GitHub extends Integration {
  override process() {
    return { references: ['r'], text: 'hi' }
  }
}
class Acme extends Integration {
  override process() {
    return { references: ['r'], text: 'hi' }
  }
}
/** A provider that chooses its own images: they win over every default. */
class Branded extends Integration {
  override get avatar() {
    return 'https://brand.example/avatar.png'
  }
  override get icon() {
    return 'https://brand.example/icon.png'
  }
  override process() {
    return { references: ['r'], text: 'hi' }
  }
}
/** Only the conversation icon is its own. */
class HalfBranded extends Acme {
  override get icon() {
    return 'https://brand.example/icon.png'
  }
}

const PUBLIC_URL = 'https://bridge.example.com'

describe('default icons', () => {
  it('are the hosted service own assets for the providers it hosts, so migrated conversations look the same', () => {
    for (const id of ['github', 'rollbar', 'canny', 'heroku']) {
      expect(defaultIcon(id)).toBe(`https://raw.githubusercontent.com/missive/missive-webhooks/master/assets/integrations/${id}.png`)
    }
    expect(HOSTED_ICONS_URL).toBe('https://raw.githubusercontent.com/missive/missive-webhooks/master/assets/integrations')
    const github = new GitHub()
    expect([github.avatar, github.icon]).toEqual([defaultIcon('github'), defaultIcon('github')])
    expect(github.toJSON()).toMatchObject({ avatar: defaultIcon('github'), icon: defaultIcon('github') })
  })

  it('are absent for other providers, rather than a broken image (Missive makes both fields optional)', () => {
    const acme = new Acme()
    expect([acme.avatar, acme.icon, defaultIcon('gitlab')]).toEqual([undefined, undefined, undefined])
    expect(acme.toJSON()).not.toHaveProperty('avatar')
    const post = toMissivePost(acme, { references: ['r'], text: 'hi' })
    expect(post).not.toHaveProperty('username_icon')
    expect(post).not.toHaveProperty('conversation_icon')
  })

  it('are the server copy under PUBLIC_URL when it serves the package icon, for every provider', () => {
    expect(iconPath('gitlab')).toBe('/assets/gitlab.png')
    expect(iconsOf(new GitHub(), { publicUrl: PUBLIC_URL })).toEqual({ avatar: `${PUBLIC_URL}/assets/github.png`, icon: `${PUBLIC_URL}/assets/github.png` })
    expect(iconsOf(new Acme(), { publicUrl: `${PUBLIC_URL}/bridge/` })).toEqual({
      avatar: `${PUBLIC_URL}/bridge/assets/acme.png`,
      icon: `${PUBLIC_URL}/bridge/assets/acme.png`,
    })
    expect(iconsOf(new Acme())).toEqual({ avatar: undefined, icon: undefined })
  })

  it("lose to a provider's own getters, with or without PUBLIC_URL", () => {
    const own = { avatar: 'https://brand.example/avatar.png', icon: 'https://brand.example/icon.png' }
    expect(iconsOf(new Branded())).toEqual(own)
    expect(iconsOf(new Branded(), { publicUrl: PUBLIC_URL })).toEqual(own)
    expect(iconsOf(new HalfBranded(), { publicUrl: PUBLIC_URL })).toEqual({ avatar: `${PUBLIC_URL}/assets/halfbranded.png`, icon: own.icon })
    expect(integrationInfo(new Branded(), { publicUrl: PUBLIC_URL })).toMatchObject(own)
  })

  it('are listed as the posts carry them', async () => {
    const request = () => new WebhookRequest({ headers: { 'content-type': 'application/json' }, body: '{}' })
    for (const [integration, settings] of [
      [new GitHub(), {}],
      [new GitHub(), { publicUrl: PUBLIC_URL }],
      [new Acme(), {}],
      [new Acme(), { publicUrl: PUBLIC_URL }],
      [new Branded(), { publicUrl: PUBLIC_URL }],
    ] as const) {
      const { outcome } = await handleWebhook(integration, request(), () => ({ token: 't' }), settings)
      if (outcome.kind !== 'posts') throw new Error(`expected posts, got ${outcome.kind}`)
      const info = integrationInfo(integration, settings)
      expect({ avatar: outcome.posts[0]!.username_icon, icon: outcome.posts[0]!.conversation_icon }).toEqual({ avatar: info.avatar, icon: info.icon })
    }
    expect(integrationInfo(new Acme(), { publicUrl: PUBLIC_URL })).toEqual({
      id: 'acme',
      name: 'Acme',
      avatar: `${PUBLIC_URL}/assets/acme.png`,
      icon: `${PUBLIC_URL}/assets/acme.png`,
      schema: { options: [...BURST_OPTIONS] },
    })
    expect(Object.keys(integrationInfo(new GitHub(), { publicUrl: PUBLIC_URL }))).toEqual(['id', 'name', 'avatar', 'icon', 'schema'])
  })
})
