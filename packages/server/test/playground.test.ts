/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { randomBytes } from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { registerPlayground } from '../src/playground/route.ts'
import { Deployer } from './helpers/deployer.ts'
import { MemoryQueue } from './helpers/memory-queue.ts'
import { freePort } from './helpers/missive-stand-in.ts'

const CHROMIUM = '/usr/bin/chromium'
// CI installs Chromium and sets REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping.
const browserMissing = !existsSync(CHROMIUM)
if (browserMissing && process.env.REQUIRE_BROWSER) throw new Error(`the playground test needs Chromium at ${CHROMIUM} (apt-get install -y chromium)`)

const SCREENSHOTS = fileURLToPath(new URL('../test-results/', import.meta.url))

describe.skipIf(browserMissing)('playground in a real browser', () => {
  let app: FastifyInstance
  let browser: Browser
  let base: string

  beforeAll(async () => {
    // The real app, as `missive-integrations start` builds it, listening on a real socket, with
    // PUBLIC_URL set so that posts carry the icon it serves (the template's placeholder here).
    const deployer = new Deployer()
    const port = await freePort()
    app = buildApp({
      providers: [deployer],
      queue: new MemoryQueue(),
      config: { bodyLimit: 1024 * 1024, secretKey: randomBytes(32), legacyTokens: true, publicUrl: `http://127.0.0.1:${port}` },
      playground: [{ integration: deployer, fixturesDir: fileURLToPath(new URL('./fixtures/playground/', import.meta.url)) }],
      icons: new Map([['deployer', fileURLToPath(new URL('../../../templates/provider/assets/icon.png', import.meta.url))]]),
    })
    base = await app.listen({ port, host: '127.0.0.1' })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    })
  })

  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('renders a fixture as Missive shows it, next to the JSON, and hostile content as text', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.setDefaultTimeout(8_000)
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(`${base}/playground`)
    await page.waitForSelector('body[data-ready="true"]')
    await page.fill('[data-testid="option-team"]', 'Platform')
    await page.selectOption('[data-testid="fixture"]', 'deploy__production')
    await page.waitForSelector('[data-testid="post"]')

    const posts = page.locator('[data-testid="post"]')
    await expect.poll(() => posts.count()).toBe(2)
    expect(await page.textContent('[data-testid="status"]')).toBe('2 posts for deployer deploy')

    const first = posts.nth(0)
    expect(await first.locator('[data-testid="subject"]').textContent()).toBe('web [production]')
    expect(await first.locator('[data-testid="conversation"]').getAttribute('data-color')).toBe('danger')
    expect(await first.locator('[data-testid="conversation"]').evaluate((node) => getComputedStyle(node).borderLeftColor)).toBe('rgb(212, 14, 13)')
    expect(await first.locator('[data-testid="notification"]').textContent()).toBe('web [production]Ada deployed web to production')
    expect(await first.locator('[data-testid="username"]').textContent()).toBe('Deployer')

    const attachment = first.locator('[data-testid="attachment"]')
    expect(await attachment.getAttribute('data-color')).toBe('#0093ce')
    expect(await attachment.locator('[data-testid="pretext"] strong').textContent()).toBe('Ada')
    expect(await attachment.locator('[data-testid="pretext"] a').getAttribute('href')).toBe('https://deploys.example/web/42')
    expect(await attachment.locator('[data-testid="pretext"] a').textContent()).toBe('web')
    expect(await attachment.locator('[data-testid="field"]').allTextContents()).toEqual(['TeamPlatform', 'Environmentproduction'])
    expect(await attachment.locator('.field.short').count()).toBe(2)

    // Hostile content: the script is text, javascript: links and images are not rendered as such.
    expect(await attachment.locator('[data-testid="attachment-text"]').textContent()).toBe(
      'Release <script>window.__pwned = true</script> and <javascript:alert(1)|click me>',
    )
    expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined()
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0)
    expect(await page.locator('img[src^="javascript:"]').count()).toBe(0)
    expect(await page.locator('script').count()).toBe(1)
    expect(await attachment.locator('[data-testid="attachment-title"] a').count()).toBe(0)

    const json = JSON.parse((await first.locator('[data-testid="json"]').textContent())!.replace(/^\/\/.*\n/, ''))
    expect(json.posts.references).toEqual(['<deployer/web/production@missive-integrations>'])
    expect(json.posts.conversation_color).toBe('danger')

    const second = posts.nth(1)
    expect(await second.locator('.conv-target').textContent()).toBe('conversation c-42')
    expect(await second.locator('[data-testid="post-text"] a').getAttribute('href')).toBe('https://deploys.example/web/42')

    // The provider's icon, served by this server at PUBLIC_URL/assets/deployer.png, loads in the browser.
    expect(json.posts.username_icon).toBe(`${base}/assets/deployer.png`)
    expect(json.posts.conversation_icon).toBe(`${base}/assets/deployer.png`)
    for (const selector of ['.post img', '[data-testid="conversation"] img']) {
      const icon = first.locator(selector).first()
      expect(await icon.getAttribute('src')).toBe(`${base}/assets/deployer.png`)
      await expect.poll(() => icon.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0)
    }

    mkdirSync(SCREENSHOTS, { recursive: true })
    await page.screenshot({ path: `${SCREENSHOTS}playground.png`, fullPage: true })
    console.log(`playground screenshot: ${SCREENSHOTS}playground.png`)
    expect(errors).toEqual([])
    await page.close()
  })

  it('shows what a filter does to a fixture', async () => {
    const page = await browser.newPage()
    page.setDefaultTimeout(8_000)
    await page.goto(`${base}/playground`)
    await page.waitForSelector('body[data-ready="true"]')
    // The filter is a field of the form, from the provider's schema, saying what it takes.
    expect(await page.locator('[data-testid="option-environments"]').getAttribute('title')).toBe(
      'only deploys to these environments (comma-separated, case-insensitive)',
    )
    await page.fill('[data-testid="option-team"]', 'Platform')
    await page.fill('[data-testid="option-environments"]', 'staging, qa')
    await page.selectOption('[data-testid="fixture"]', 'deploy__production')
    await expect.poll(() => page.textContent('[data-testid="status"]')).toBe('Filtered: environment "production" is not in environments (staging, qa)')
    expect(await page.locator('[data-testid="status"]').getAttribute('class')).toBe('filtered')
    expect(await page.locator('[data-testid="post"]').count()).toBe(0)
    await page.fill('[data-testid="option-environments"]', 'staging,,qa')
    await page.click('[data-testid="run"]')
    await expect
      .poll(() => page.textContent('[data-testid="status"]'))
      .toBe(
        'Error 400 (invalid_options): invalid options for provider deployer: "environments" has an empty item in "staging,,qa"; it takes comma-separated, case-insensitive',
      )
    await page.fill('[data-testid="option-environments"]', 'Production')
    await page.click('[data-testid="run"]')
    await expect.poll(() => page.locator('[data-testid="post"]').count()).toBe(2)
    await page.close()
  })

  it('shows skips and errors as such', async () => {
    const page = await browser.newPage()
    await page.goto(`${base}/playground`)
    await page.waitForSelector('body[data-ready="true"]')
    await page.fill('[data-testid="payload"]', '{"type":"ping"}')
    await page.click('[data-testid="run"]')
    await expect
      .poll(() => page.textContent('[data-testid="status"]'))
      .toBe('Error 400 (invalid_options): invalid options for provider deployer: "team" is required (a string)')
    await page.fill('[data-testid="option-team"]', 'Platform')
    await page.click('[data-testid="run"]')
    await expect.poll(() => page.textContent('[data-testid="status"]')).toBe('Skipped: ping is not posted')
    await page.fill('[data-testid="payload"]', '{"type":"deploy"}')
    await page.click('[data-testid="run"]')
    await expect
      .poll(() => page.textContent('[data-testid="status"]'))
      .toBe('Error 422 (invalid_payload): invalid deployer payload for event "deploy": field "user" must be a string')
    expect(await page.locator('[data-testid="post"]').count()).toBe(0)
    await page.close()
  })
})

describe('playground API', () => {
  it('lists providers with fixtures, serves fixtures, refuses traversal, and previews', async () => {
    const app = Fastify()
    registerPlayground(app, [{ integration: new Deployer(), fixturesDir: fileURLToPath(new URL('./fixtures/playground/', import.meta.url)) }])
    const list = (await app.inject('/playground/api/providers')).json()
    expect(list).toMatchObject([{ id: 'deployer', name: 'Deployer', fixtures: ['deploy__production'], eventHeader: null }])
    expect((await app.inject('/playground/api/fixtures/deployer/deploy__production')).json()).toMatchObject({
      name: 'deploy__production',
      event: 'deploy',
      headers: {},
    })
    expect((await app.inject('/playground/api/fixtures/deployer/..%2F..%2Fpackage')).statusCode).toBe(404)
    expect((await app.inject('/playground/api/fixtures/nope/x__y')).statusCode).toBe(404)
    const page = await app.inject('/playground')
    expect(page.headers['content-security-policy']).toContain("script-src 'self'")
    expect(page.body).toContain('<script src="/playground/app.js" defer></script>')
    const preview = await app.inject({
      method: 'POST',
      url: '/playground/api/preview',
      payload: { provider: 'deployer', body: '{"type":"other"}', options: { team: 'x' } },
    })
    expect(preview.json()).toEqual({ kind: 'skipped', provider: 'deployer', event: 'other', reason: 'other is not posted' })
    const filtered = await app.inject({
      method: 'POST',
      url: '/playground/api/preview',
      payload: {
        provider: 'deployer',
        body: JSON.stringify({
          type: 'deploy',
          user: 'Ada',
          url: 'https://deploys.example/web/42',
          app: 'web',
          environment: 'production',
          message: 'm',
          image: 'https://deploys.example/i.png',
        }),
        options: { team: 'x', environments: 'staging' },
      },
    })
    expect(filtered.json()).toEqual({
      kind: 'filtered',
      provider: 'deployer',
      event: 'deploy',
      reason: 'environment "production" is not in environments (staging)',
    })
    expect((await app.inject({ method: 'POST', url: '/playground/api/preview', payload: { provider: 'deployer', body: 1 } })).statusCode).toBe(400)
    expect((await app.inject({ method: 'POST', url: '/playground/api/preview', payload: { provider: 'deployer', body: '{}', headers: [] } })).statusCode).toBe(
      400,
    )
    await app.close()
  })
})
