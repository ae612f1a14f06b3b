import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { Integration, loadFixture } from '@missive-integrations/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { startServer, type RunningServer } from '../src/start.ts'
import { bridgeProviderIds } from './helpers/bridge.ts'
import { startMissiveStandIn, type MissiveStandIn } from './helpers/missive-stand-in.ts'
import { MemoryQueue } from './helpers/memory-queue.ts'
import { SOURCE, here } from './helpers/project.ts'

const PUBLIC_URL = 'https://bridge.example.com'
const packages = join(here, '..', '..', '..')
const iconOf = (id: string) => readFileSync(join(packages, `provider-${id}`, 'assets', 'icon.png'))
const legacyToken = (token: string) => Buffer.from(JSON.stringify({ token, options: {} })).toString('base64')

// The server as `pnpm start` composes it (apps/bridge, every provider of this repository, a
// SQLite queue), with PUBLIC_URL set; its worker posts to a Missive stand-in.
describe('provider icons, served and posted (PUBLIC_URL set)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mi-assets-'))
  let standIn: MissiveStandIn
  let server: RunningServer

  beforeAll(async () => {
    standIn = await startMissiveStandIn()
    const config = loadConfig({
      env: {
        PORT: '0',
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        PUBLIC_URL,
        LOG_LEVEL: 'silent',
        PROJECT_DIR: join(packages, '..', 'apps', 'bridge'),
        MISSIVE_API_BASE_URL: standIn.url,
      },
    })
    server = await startServer(config, { conditions: SOURCE, print: () => {} })
  })

  afterAll(async () => {
    await server?.close()
    await standIn?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it.each(bridgeProviderIds())('GET /assets/%s.png serves the bytes of the package icon', async (id) => {
    const response = await fetch(`${server.address}/assets/${id}.png`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('image/png')
    expect(response.headers.get('cache-control')).toBe('public, max-age=86400')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(Buffer.from(await response.arrayBuffer()).equals(iconOf(id))).toBe(true)

    const etag = response.headers.get('etag')!
    const again = await fetch(`${server.address}/assets/${id}.png`, { headers: { 'if-none-match': etag } })
    expect(again.status).toBe(304)
  })

  it.each([
    'nope.png',
    'github.svg',
    'github',
    'GitHub.png',
    '..%2F..%2Fprovider-github%2Fpackage.json',
    '..%2Fprovider-github%2Fassets%2Ficon.png',
    '%2e%2e%2fgithub.png',
    'constructor.png',
    '__proto__.png',
  ])('GET /assets/%s is a 404 with a JSON reason', async (name) => {
    const response = await fetch(`${server.address}/assets/${name}`)
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toContain('application/json')
    const body = (await response.json()) as { error: string; message: string }
    expect(body.error).toMatch(/^(unknown_asset|not_found)$/)
  })

  it('lists, in GET /integrations, the URLs the posts carry', async () => {
    const listed = (await (await fetch(`${server.address}/integrations`)).json()) as Record<string, { avatar?: string; icon?: string }>
    expect(Object.keys(listed).length).toBeGreaterThan(0)
    for (const [id, info] of Object.entries(listed)) {
      expect(info).toMatchObject({ avatar: `${PUBLIC_URL}/assets/${id}.png`, icon: `${PUBLIC_URL}/assets/${id}.png` })
    }
  })

  it('posts with <PUBLIC_URL>/assets/<provider>.png as username_icon and conversation_icon', async () => {
    const fixture = loadFixture(join(packages, 'provider-github', 'fixtures'), 'issues__opened')
    const response = await fetch(`${server.address}/github?t=${encodeURIComponent(legacyToken('icons-token'))}`, {
      method: 'POST',
      body: fixture.body,
      headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': 'icons-1', ...fixture.headers },
    })
    expect(response.status, await response.clone().text()).toBe(202)
    await expect.poll(() => standIn.accepted.length, { timeout: 5_000 }).toBeGreaterThan(0)
    const post = standIn.accepted[0]!.body.posts
    expect(post.username_icon).toBe(`${PUBLIC_URL}/assets/github.png`)
    expect(post.conversation_icon).toBe(`${PUBLIC_URL}/assets/github.png`)
  })
})

describe('provider icons without PUBLIC_URL', () => {
  class GitHub extends Integration {
    override process() {
      return { references: ['r'], text: 'hi' }
    }
  }
  class Acme extends GitHub {}
  class Branded extends GitHub {
    override get icon() {
      return 'https://brand.example/icon.png'
    }
  }

  const app = (publicUrl?: string) =>
    buildApp({
      providers: [new GitHub(), new Acme(), new Branded()],
      queue: new MemoryQueue(),
      config: { bodyLimit: 1024 * 1024, secretKey: randomBytes(32), legacyTokens: true, ...(publicUrl ? { publicUrl } : {}) },
      // Acme ships no icon here; an icon for a provider that is not loaded is never served.
      icons: new Map([
        ['github', join(packages, 'provider-github', 'assets', 'icon.png')],
        ['branded', join(packages, 'provider-gitlab', 'assets', 'icon.png')],
        ['gitlab', join(packages, 'provider-gitlab', 'assets', 'icon.png')],
      ]),
    })

  it("keep the hosted service's own assets for the providers it hosts, and leave the others without an icon", async () => {
    const listed = (await app().inject({ url: '/integrations' })).json()
    expect(listed.github).toMatchObject({
      avatar: 'https://raw.githubusercontent.com/missive/missive-webhooks/master/assets/integrations/github.png',
      icon: 'https://raw.githubusercontent.com/missive/missive-webhooks/master/assets/integrations/github.png',
    })
    expect(listed.acme).not.toHaveProperty('avatar')
    expect(listed.acme).not.toHaveProperty('icon')
    expect(listed.branded).toEqual(expect.objectContaining({ icon: 'https://brand.example/icon.png' }))
    expect(listed.branded).not.toHaveProperty('avatar')
  })

  it('use PUBLIC_URL only for providers whose icon the server serves, and never over their own getters', async () => {
    const server = app(PUBLIC_URL)
    const listed = (await server.inject({ url: '/integrations' })).json()
    expect(listed.github).toMatchObject({ avatar: `${PUBLIC_URL}/assets/github.png`, icon: `${PUBLIC_URL}/assets/github.png` })
    expect(listed.acme).not.toHaveProperty('avatar')
    expect(listed.branded).toMatchObject({ avatar: `${PUBLIC_URL}/assets/branded.png`, icon: 'https://brand.example/icon.png' })
    expect((await server.inject({ url: '/assets/gitlab.png' })).statusCode).toBe(404)
    expect((await server.inject({ url: '/assets/acme.png' })).statusCode).toBe(404)
    expect((await server.inject({ url: '/assets/branded.png' })).headers['content-type']).toBe('image/png')
  })
})
