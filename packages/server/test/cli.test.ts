import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { runCli } from '../src/commands.js'
import { ConfigError, loadConfig, parseBytes, parseDuration } from '../src/config.js'
import { integrationsOf, loadProviders } from '../src/providers.js'
import { openSealedToken } from '../src/tokens.js'
import { MemoryQueue } from './helpers/memory-queue.js'
import { SOURCE, cleanProjects, project, providerClass } from './helpers/project.js'

const SCHEMA = "{ options: [{ key: 'account', type: 'String', required: true }, { key: 'limit', type: 'Number' }] }"
const host = project([{ name: 'acme-provider', provider: 'acme', code: providerClass('acme', 'Acme', SCHEMA) }])
const dataDirs: string[] = []
afterAll(() => {
  cleanProjects()
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true })
})

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mi-cli-'))
  dataDirs.push(dir)
  return dir
}

async function cli(argv: string[], env: Record<string, string> = {}) {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env: { PROJECT_DIR: dirname(host), ...env },
    cwd: process.cwd(),
    conditions: SOURCE,
  })
  return { code, stdout, stderr }
}

describe('missive-integrations url', () => {
  it('prints a URL whose sealed token opens on the server', async () => {
    const dir = dataDir()
    const token = 'missive-cli-token-42'
    const { code, stdout, stderr } = await cli([
      'url',
      'acme',
      '--token',
      token,
      '--option',
      'account=acme-inc',
      '--option',
      'limit=5',
      '--post-option',
      'add_shared_labels=["bugs","web"]',
      '--post-option',
      'organization=org-1',
      '--secret',
      'old',
      '--secret',
      'new',
      '--data-dir',
      dir,
      '--public-url',
      'https://hooks.example.com/',
    ])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const url = new URL(stdout.trim())
    expect(url.origin + url.pathname).toBe('https://hooks.example.com/acme')
    expect(stdout).not.toContain(token)
    // The key was generated into DATA_DIR, readable by the owner only.
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600)
    const key = Buffer.from(readFileSync(join(dir, 'secret.key'), 'utf8').trim(), 'base64')
    expect(openSealedToken('acme', url.searchParams.get('t')!, key)).toEqual({
      format: 'sealed',
      token,
      options: { account: 'acme-inc', limit: 5 },
      postOptions: { add_shared_labels: ['bugs', 'web'], organization: 'org-1' },
      secrets: ['old', 'new'],
    })

    // The same URL, posted to a server with the same key, is accepted (secrets need a verifying provider: mint without).
    const plain = await cli(['url', 'acme', '--token', token, '--option', 'account=acme-inc', '--data-dir', dir])
    expect(plain.code).toBe(0)
    const plainUrl = new URL(plain.stdout.trim())
    expect(plainUrl.origin).toBe('http://127.0.0.1:8080')
    const queue = new MemoryQueue()
    const app = buildApp({
      providers: integrationsOf(await loadProviders({ projectPackageJson: host, conditions: SOURCE })),
      queue,
      config: loadConfig({ env: { DATA_DIR: dir } }),
    })
    const res = await app.inject({ method: 'POST', url: plainUrl.pathname + plainUrl.search, payload: { name: 'x' } })
    expect(res.statusCode).toBe(202)
    expect(queue.enqueued[0]).toMatchObject({ token, provider: 'acme' })
  })

  it.each([
    [['--option', 'account=a', '--option', 'nope=1'], '"nope" is not an option of this provider; known options: account, limit'],
    [['--option', 'account=a', '--option', 'limit=many'], '"limit" must be a number'],
    [[], '"account" is required'],
    [['--option', 'account'], '--option expects key=value'],
  ])('exits 2 with a message for invalid options %j', async (extra, message) => {
    const { code, stderr, stdout } = await cli(['url', 'acme', '--token', 't', '--data-dir', dataDir(), ...extra])
    expect(code).toBe(2)
    expect(stderr).toContain(message)
    expect(stdout).toBe('')
  })

  describe('with filters (GitHub, from apps/bridge)', () => {
    const bridge = { PROJECT_DIR: new URL('../../../apps/bridge/', import.meta.url).pathname }

    it('mints the README example: only main and release branches, no bots', async () => {
      const dir = dataDir()
      const { code, stdout, stderr } = await cli(
        ['url', 'github', '--token', 't', '--option', 'branches=main,release/*', '--option', 'exclude_bots=true', '--data-dir', dir],
        bridge,
      )
      expect(stderr).toBe('')
      expect(code).toBe(0)
      const key = Buffer.from(readFileSync(join(dir, 'secret.key'), 'utf8').trim(), 'base64')
      expect(openSealedToken('github', new URL(stdout.trim()).searchParams.get('t')!, key)).toMatchObject({
        options: { branches: 'main,release/*', exclude_bots: true },
      })
    })

    it.each([
      [
        ['--option', 'branches=main,,release/*'],
        'missive-integrations: invalid options for provider github: "branches" has an empty item in "main,,release/*"; it takes comma-separated; * matches within a /-separated segment, ** across segments (release/*)\n',
      ],
      [
        ['--option', 'exclude_bots=maybe'],
        'missive-integrations: invalid options for provider github: "exclude_bots" must be true or false: drop events sent by bots (sender type Bot or a login ending in [bot]: dependabot, renovate), got "maybe"\n',
      ],
      [
        ['--option', 'events=pull_request.*,isues.opened'],
        /^missive-integrations: invalid options for provider github: "events" has "isues\.opened", which matches no github event; known events: push, /,
      ],
      [
        ['--option', 'branch=main'],
        /"branch" is not an option of this provider; known options: events, exclude_events, branches, exclude_bots, exclude_authors, labels, exclude_labels, burst_limit, burst_window\n$/,
      ],
    ])('exits 2 naming a bad filter %j', async (extra, message) => {
      const { code, stdout, stderr } = await cli(['url', 'github', '--token', 't', '--data-dir', dataDir(), ...extra], bridge)
      expect(code).toBe(2)
      expect(stdout).toBe('')
      if (typeof message === 'string') expect(stderr).toBe(message)
      else expect(stderr).toMatch(message)
    })
  })

  it('exits 2 for an unknown provider, a missing token or an unknown flag', async () => {
    const dir = dataDir()
    expect((await cli(['url', 'nope', '--token', 't', '--data-dir', dir])).stderr).toContain('installed providers: acme')
    const noToken = await cli(['url', 'acme', '--data-dir', dir])
    expect(noToken.code).toBe(2)
    expect(noToken.stderr).toContain('url needs --token')
    const unknown = await cli(['url', 'acme', '--tokn', 'x'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("Unknown option '--tokn'")
  })
})

describe('configuration', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a number'],
    [{ SECRET_KEY: 'short' }, 'SECRET_KEY must be 32 bytes'],
    [{ BODY_LIMIT: 'lots' }, 'BODY_LIMIT must be a size'],
    [{ LEGACY_TOKENS: 'maybe' }, 'LEGACY_TOKENS must be true or false'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ MISSIVE_API_BASE_URL: 'ftp://x' }, 'MISSIVE_API_BASE_URL must be an http(s) URL'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL must be an absolute'],
    [{ PROVIDERS: 'gamma' }, 'PROVIDERS lists gamma'],
  ])('exits 2 with a clear message for %j', async (env, message) => {
    const { code, stderr } = await cli(['providers'], { DATA_DIR: dataDir(), SECRET_KEY: Buffer.alloc(32).toString('hex'), ...env })
    expect(code).toBe(2)
    expect(stderr).toContain(message)
  })

  it('flags win over environment variables; sizes and keys parse', () => {
    const key = Buffer.alloc(32, 3)
    const config = loadConfig({
      env: { PORT: '1', BODY_LIMIT: '1kb', SECRET_KEY: key.toString('base64'), LEGACY_TOKENS: 'false', PROVIDERS: 'a, b' },
      flags: { port: '9090' },
      cwd: '/srv',
    })
    expect(config).toMatchObject({ port: 9090, bodyLimit: 1024, legacyTokens: false, providers: ['a', 'b'], dataDir: '/srv/data', host: '127.0.0.1' })
    expect(config.secretKey.equals(key)).toBe(true)
    expect(config.projectPackageJson).toBe('/srv/package.json')
    expect(loadConfig({ env: { SECRET_KEY: key.toString('hex') } }).secretKey.equals(key)).toBe(true)
    expect(parseBytes('BODY_LIMIT', '25mb')).toBe(25 * 1024 * 1024)
    expect(parseBytes('BODY_LIMIT', '1048576')).toBe(1048576)
    expect(() => parseBytes('BODY_LIMIT', '0')).toThrow(ConfigError)
  })

  it('bounds how long a request may take and how many connections are open', () => {
    const key = Buffer.alloc(32, 3).toString('base64')
    expect(loadConfig({ env: { SECRET_KEY: key } })).toMatchObject({ requestTimeoutMs: 30_000, maxConnections: 1024 })
    expect(loadConfig({ env: { SECRET_KEY: key, REQUEST_TIMEOUT: '2m', MAX_CONNECTIONS: '64' } })).toMatchObject({
      requestTimeoutMs: 120_000,
      maxConnections: 64,
    })
    expect(parseDuration('REQUEST_TIMEOUT', '45')).toBe(45_000)
    expect(parseDuration('REQUEST_TIMEOUT', '500ms')).toBe(500)
    expect(() => parseDuration('REQUEST_TIMEOUT', '0')).toThrow('REQUEST_TIMEOUT must be a duration such as 30, 30s, 500ms or 2m, got "0"')
    expect(() => loadConfig({ env: { SECRET_KEY: key, MAX_CONNECTIONS: 'lots' } })).toThrow('MAX_CONNECTIONS must be a whole number of 1 or more, got "lots"')
  })

  it('keeps the generated key across runs', () => {
    const dir = dataDir()
    const first = loadConfig({ env: { DATA_DIR: dir } })
    const second = loadConfig({ env: { DATA_DIR: dir } })
    expect(first.secretKeySource).toBe('generated')
    expect(second.secretKeySource).toBe('file')
    expect(second.secretKey.equals(first.secretKey)).toBe(true)
  })
})

describe('other commands', () => {
  it('--help for the CLI and each command', async () => {
    const main = await cli(['--help'])
    expect(main.code).toBe(0)
    for (const command of ['start', 'url', 'dead-letters', 'replay', 'providers']) {
      expect(main.stdout).toContain(command)
      const help = await cli([command, '--help'])
      expect(help.code, command).toBe(0)
      expect(help.stdout).toContain(`missive-integrations ${command}`)
    }
    expect((await cli(['url', '--help'])).stdout).toContain('--post-option')
    expect((await cli(['start', '--help'])).stdout).toContain('LEGACY_TOKENS')
    const unknown = await cli(['serve'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown command "serve"')
  })

  it('providers lists the loaded providers', async () => {
    const { code, stdout } = await cli(['providers', '--data-dir', dataDir()])
    expect(code).toBe(0)
    expect(stdout).toMatch(/acme\s+Acme\s+account\*, limit/)
    const json = await cli(['providers', '--json', '--data-dir', dataDir()])
    expect(JSON.parse(json.stdout).acme).toMatchObject({ id: 'acme', name: 'Acme' })
  })

  it('dead-letters and replay talk to the queue in DATA_DIR', async () => {
    const dir = dataDir()
    const list = await cli(['dead-letters', '--json', '--data-dir', dir])
    expect(list.stderr).toBe('')
    expect(JSON.parse(list.stdout)).toEqual([])
    expect((await cli(['dead-letters', '--data-dir', dir])).stdout).toBe('no dead letters\n')
    expect((await cli(['replay', '--all', '--data-dir', dir])).stdout).toBe('re-queued 0 posts\n')
    const neither = await cli(['replay', '--data-dir', dir])
    expect(neither.code).toBe(2)
    expect(neither.stderr).toContain('replay needs dead-letter ids or --all')
  })
})

describe('missive-integrations preview', () => {
  // apps/bridge is the repository's real host project: every provider in the workspace is installed there.
  const root = new URL('../../../apps/bridge/', import.meta.url).pathname
  const fixture = (provider: string, name: string) => new URL(`../../provider-${provider}/fixtures/${name}.json`, import.meta.url).pathname
  const preview = (args: string[]) => cli(['preview', ...args], { PROJECT_DIR: root })

  it('prints the exact post a real payload produces', async () => {
    const { code, stdout, stderr } = await preview([
      'rollbar',
      fixture('rollbar', 'new_item__error'),
      '--option',
      'account=acme',
      '--option',
      'project=web',
      '--post-option',
      'organization=org-1',
    ])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout.startsWith('# POST /v1/posts\n')).toBe(true)
    const { posts } = JSON.parse(stdout.slice(stdout.indexOf('\n') + 1)) as { posts: Record<string, unknown> }
    expect(posts.organization).toBe('org-1')
    expect(posts.username).toBe('Rollbar')
    expect(posts.references).toEqual(['<rollbar/496445267@missive-integrations>'])
    expect(JSON.stringify(posts.attachments)).toContain('https://rollbar.com/acme/web/items/')
    expect(JSON.stringify(posts.attachments)).not.toContain('undefined')
  })

  it('reads headers from a sibling .headers.json or --header, and says why an event is skipped', async () => {
    const ping = await preview(['github', fixture('github', 'ping__basic')])
    expect(ping).toMatchObject({ code: 0, stderr: '' })
    expect(ping.stdout).toMatch(/^skipped: github ping: /)
    const filtered = await preview(['github', fixture('github', 'push__new_branch'), '--option', 'branches=main,release/*'])
    expect(filtered).toEqual({ code: 0, stderr: '', stdout: 'filtered: github push: branch "master" is not in branches (main, release/*)\n' })
    const asEvent = await preview(['github', fixture('github', 'public__basic'), '--header', 'X-GitHub-Event: public'])
    expect(asEvent.code).toBe(0)
    expect(asEvent.stdout).toContain('"conversation_subject"')
  })

  it('exits 1 with the validation error, 2 on usage mistakes', async () => {
    const missing = await preview(['rollbar', fixture('rollbar', 'new_item__error')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe(
      'error (400 invalid_options): invalid options for provider rollbar: "account" is required (a string: the account slug in your Rollbar URLs (https://rollbar.com/ACCOUNT/PROJECT/…))\n',
    )
    expect((await preview(['rollbar'])).code).toBe(2)
    expect((await preview(['rollbar', 'nope.json'])).stderr).toContain('no payload file "nope.json"')
    expect((await preview(['github', fixture('github', 'ping__basic'), '--header', 'nocolon'])).code).toBe(2)
    expect((await preview(['nope', fixture('github', 'ping__basic')])).stderr).toContain('no provider "nope" is installed')
  })
})
