import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { DEFAULT_MISSIVE_API_BASE_URL } from '@missive-integrations/core'
import { MISSIVE_RATE_LIMITS, rateLimits, type RateLimits } from './delivery/rate-limiter.js'

/** How long a request to Missive may take: 10 s, or a third of the lease when instances share a queue. */
export function missiveTimeoutMs(config: Pick<Config, 'databaseUrl' | 'leaseMs'>): number {
  return config.databaseUrl === undefined ? 10_000 : Math.min(10_000, Math.floor(config.leaseMs / 3))
}

/** The server's configuration, after every value has been checked. */
export interface Config {
  port: number
  host: string
  /** The URL the world reaches this server at (`url` prints webhook URLs under it). */
  publicUrl: string | undefined
  missiveApiBaseUrl: string
  dataDir: string
  /** `postgres://…`: the shared PostgreSQL queue (several instances); undefined: SQLite in DATA_DIR. */
  databaseUrl: string | undefined
  /** How long a claimed post is reserved for its instance (PostgreSQL); then another instance sends it. */
  leaseMs: number
  /** Per-token limits kept for Missive (across every instance on PostgreSQL). */
  rateLimits: RateLimits
  /** 32 bytes: seals and opens webhook URL tokens. */
  secretKey: Buffer
  /** Where the key came from, for the start-up line (never the key itself). */
  secretKeySource: 'env' | 'file' | 'generated'
  bodyLimit: number
  /** A whole request, headers and body, must arrive within this many ms. */
  requestTimeoutMs: number
  /** Connections open at once. */
  maxConnections: number
  legacyTokens: boolean
  logLevel: LogLevel
  /** Narrows the installed providers to these ids; undefined loads every installed one. */
  providers: string[] | undefined
  /** Serve the playground page at /playground (default: on unless NODE_ENV is production). */
  playground: boolean
  /** The package.json whose dependencies are searched for providers. */
  projectPackageJson: string
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** GitHub caps webhook payloads at 25 MB, so a smaller default would drop real deliveries. */
export const DEFAULT_BODY_LIMIT = 25 * 1024 * 1024

/**
 * Every setting: its environment variable, its CLI flag, its default and what it means. The CLI's
 * `--help`, the README's table and `loadConfig` are all read from this one list.
 */
export const SETTINGS = [
  { env: 'PORT', flag: 'port', default: '8080', help: 'TCP port to listen on' },
  {
    env: 'HOST',
    flag: 'host',
    default: '127.0.0.1',
    help: 'interface to listen on; set 0.0.0.0 in a container or to accept connections from other machines',
  },
  {
    env: 'PUBLIC_URL',
    flag: 'public-url',
    default: undefined,
    help: 'URL senders and Missive reach this server at (webhook URLs are printed under it; posts carry provider icons from <PUBLIC_URL>/assets/<provider>.png)',
  },
  { env: 'MISSIVE_API_BASE_URL', flag: 'missive-api-base-url', default: DEFAULT_MISSIVE_API_BASE_URL, help: 'Missive REST API base' },
  { env: 'DATA_DIR', flag: 'data-dir', default: './data', help: 'directory for the queue file and the generated secret key' },
  {
    env: 'DATABASE_URL',
    flag: 'database-url',
    default: undefined,
    help: 'postgres://user:password@host:5432/db: queue in PostgreSQL, shared by several server instances (default: SQLite in DATA_DIR)',
  },
  {
    env: 'SECRET_KEY',
    flag: 'secret-key',
    default: undefined,
    help: '32-byte key (base64 or hex) sealing webhook URL tokens; generated into DATA_DIR/secret.key when unset (required with DATABASE_URL)',
  },
  {
    env: 'LEASE_SECONDS',
    flag: 'lease-seconds',
    default: '30',
    help: 'with DATABASE_URL: how long a post being sent stays reserved for its instance; after a crash, other instances send it once this runs out (at least 6; requests to Missive time out after a third of it, 10 s at most)',
  },
  {
    env: 'MISSIVE_RATE_LIMITS',
    flag: 'missive-rate-limits',
    default: '5,300/60s,900/15m',
    help: "per-token limits: requests at once, then count/window pairs (Missive's documented limits; lower them to leave room for other clients of a token)",
  },
  { env: 'BODY_LIMIT', flag: 'body-limit', default: '25mb', help: 'largest accepted request body (bytes, or 512kb, 25mb)' },
  {
    env: 'REQUEST_TIMEOUT',
    flag: 'request-timeout',
    default: '30s',
    help: 'longest time a request, headers and body, may take to arrive (seconds, or 500ms, 30s, 2m)',
  },
  { env: 'MAX_CONNECTIONS', flag: 'max-connections', default: '1024', help: 'connections open at once; more are refused' },
  { env: 'LEGACY_TOKENS', flag: 'legacy-tokens', default: 'true', help: "accept the hosted service's base64 JSON tokens (true/false)" },
  { env: 'LOG_LEVEL', flag: 'log-level', default: 'info', help: LOG_LEVELS.join(', ') },
  { env: 'PROVIDERS', flag: 'providers', default: undefined, help: 'comma-separated provider ids to load (default: every installed provider)' },
  {
    env: 'PLAYGROUND',
    flag: 'playground',
    default: undefined,
    help: 'serve the playground at /playground (true/false; default: on unless NODE_ENV=production)',
  },
  {
    env: 'PROJECT_DIR',
    flag: 'project-dir',
    default: '.',
    help: 'project whose package.json dependencies are searched for provider packages',
  },
] as const

export type SettingFlag = (typeof SETTINGS)[number]['flag']

/** A configuration value is wrong: the CLI prints the message and exits with code 2. */
export class ConfigError extends Error {
  readonly exitCode = 2
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

export interface LoadConfigInput {
  env?: Readonly<Record<string, string | undefined>>
  /** CLI flag values by flag name; they win over the environment. */
  flags?: Readonly<Partial<Record<SettingFlag, string | undefined>>>
  cwd?: string
}

/** Read and check the configuration from environment variables and CLI flags (flags win). */
export function loadConfig(input: LoadConfigInput = {}): Config {
  const env = input.env ?? process.env
  const cwd = input.cwd ?? process.cwd()
  const value = (flag: SettingFlag): string | undefined => {
    const setting = SETTINGS.find((s) => s.flag === flag)!
    const raw = input.flags?.[flag] ?? env[setting.env]
    return raw === undefined || raw.trim() === '' ? setting.default : raw.trim()
  }

  const dataDir = resolve(cwd, value('data-dir')!)
  const projectDir = resolve(cwd, value('project-dir')!)
  const databaseUrl = parseDatabaseUrl(value('database-url'))
  if (databaseUrl !== undefined && value('secret-key') === undefined) {
    throw new ConfigError(
      `SECRET_KEY must be set when DATABASE_URL is: every instance seals and opens webhook URLs with it, and a key generated by each instance would make a URL minted on one refused by the others. Generate one (node -e "console.log(require('crypto').randomBytes(32).toString('base64'))") and give every instance the same value`,
    )
  }
  const { key, source } = loadSecretKey(value('secret-key'), dataDir)
  const providers = value('providers')
  return {
    port: parsePort(value('port')!),
    host: value('host')!,
    publicUrl: parsePublicUrl(value('public-url')),
    missiveApiBaseUrl: parseUrl('MISSIVE_API_BASE_URL', value('missive-api-base-url')!),
    dataDir,
    databaseUrl,
    leaseMs: parseLeaseSeconds(value('lease-seconds')!) * 1000,
    rateLimits: parseRateLimits(value('missive-rate-limits')!),
    secretKey: key,
    secretKeySource: source,
    bodyLimit: parseBytes('BODY_LIMIT', value('body-limit')!),
    requestTimeoutMs: parseDuration('REQUEST_TIMEOUT', value('request-timeout')!),
    maxConnections: parseCount('MAX_CONNECTIONS', value('max-connections')!),
    legacyTokens: parseBoolean('LEGACY_TOKENS', value('legacy-tokens')!),
    logLevel: parseLogLevel(value('log-level')!),
    providers: providers === undefined ? undefined : parseList(providers),
    playground: value('playground') === undefined ? env.NODE_ENV !== 'production' : parseBoolean('PLAYGROUND', value('playground')!),
    projectPackageJson: projectDir.endsWith('package.json') ? projectDir : join(projectDir, 'package.json'),
  }
}

function parsePort(text: string): number {
  const port = Number(text)
  if (!/^\d+$/.test(text) || port > 65535) throw new ConfigError(`PORT must be a number from 0 to 65535, got ${JSON.stringify(text)}`)
  return port
}

function parseUrl(name: string, text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL, got ${JSON.stringify(text)}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http(s) URL, got ${JSON.stringify(text)}`)
  }
  return text.replace(/\/+$/, '')
}

/** A PostgreSQL connection URL; never echoed back (it may hold a password). */
function parseDatabaseUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  let protocol: string
  try {
    protocol = new URL(text).protocol
  } catch {
    throw new ConfigError(
      'DATABASE_URL must be a URL such as postgres://user:password@host:5432/database (the value given is not one; it is not printed, as it may hold a password)',
    )
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new ConfigError(`DATABASE_URL must start with postgres:// or postgresql://, got a ${protocol} URL`)
  }
  return text
}

/**
 * A lease must outlast a request to Missive and the commit that records its answer: with
 * DATABASE_URL, requests time out after a third of the lease (10 s at most, the default).
 */
export const MIN_LEASE_SECONDS = 6

function parseLeaseSeconds(text: string): number {
  const seconds = Number(text)
  if (!/^\d+$/.test(text) || seconds < MIN_LEASE_SECONDS) {
    throw new ConfigError(
      `LEASE_SECONDS must be a whole number of seconds, at least ${MIN_LEASE_SECONDS} (a post's request to Missive must fit in it), got ${JSON.stringify(text)}`,
    )
  }
  return seconds
}

const WINDOW_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** `5,300/60s,900/15m` → 5 at once, 300 per 60 s, 900 per 15 minutes. */
export function parseRateLimits(text: string): RateLimits {
  const [concurrency, ...windows] = text.split(',').map((part) => part.trim())
  const wrong = () =>
    new ConfigError(
      `MISSIVE_RATE_LIMITS must be requests at once, then count/window pairs, e.g. 5,300/60s,900/15m (Missive's documented limits), got ${JSON.stringify(text)}`,
    )
  if (!concurrency || !/^\d+$/.test(concurrency) || Number(concurrency) < 1 || windows.length === 0) throw wrong()
  const parsed = windows.map((window) => {
    const match = /^(\d+)\/(\d+)(ms|s|m|h)$/.exec(window)
    if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) throw wrong()
    return { limit: Number(match[1]), windowMs: Number(match[2]) * WINDOW_UNITS[match[3]!]! }
  })
  // The margin is a small share of the shortest window (Missive's: 500 ms of 60 s).
  const marginMs = Math.min(MISSIVE_RATE_LIMITS.marginMs, Math.floor(Math.min(...parsed.map((w) => w.windowMs)) / 8))
  return rateLimits({ concurrency: Number(concurrency), windows: parsed, marginMs })
}

function parsePublicUrl(text: string | undefined): string | undefined {
  return text === undefined ? undefined : parseUrl('PUBLIC_URL', text)
}

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3 }

/** `25mb` → 26214400. Units are powers of 1024, as GitHub's "25 MB" cap is. */
export function parseBytes(name: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim())
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined
  if (!match || unit === undefined) {
    throw new ConfigError(`${name} must be a size in bytes such as 1048576, 512kb or 25mb, got ${JSON.stringify(text)}`)
  }
  const bytes = Math.floor(Number(match[1]) * unit)
  if (bytes < 1) throw new ConfigError(`${name} must be at least 1 byte, got ${JSON.stringify(text)}`)
  return bytes
}

const DURATION_UNITS: Record<string, number> = { '': 1000, s: 1000, ms: 1, m: 60_000 }

/** `30s` → 30000, `500ms` → 500, `2m` → 120000; a bare number is seconds. */
export function parseDuration(name: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|)$/i.exec(text.trim())
  const ms = match ? Math.round(Number(match[1]) * DURATION_UNITS[match[2]!.toLowerCase()]!) : 0
  if (!match || ms < 1) throw new ConfigError(`${name} must be a duration such as 30, 30s, 500ms or 2m, got ${JSON.stringify(text)}`)
  return ms
}

function parseCount(name: string, text: string): number {
  const count = Number(text)
  if (!/^\d+$/.test(text) || count < 1) throw new ConfigError(`${name} must be a whole number of 1 or more, got ${JSON.stringify(text)}`)
  return count
}

function parseBoolean(name: string, text: string): boolean {
  const lower = text.toLowerCase()
  if (['true', '1', 'yes', 'on'].includes(lower)) return true
  if (['false', '0', 'no', 'off'].includes(lower)) return false
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(text)}`)
}

function parseLogLevel(text: string): LogLevel {
  const lower = text.toLowerCase()
  if (!(LOG_LEVELS as readonly string[]).includes(lower)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(text)}`)
  }
  return lower as LogLevel
}

function parseList(text: string): string[] {
  const ids = text
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '')
  if (ids.length === 0) throw new ConfigError('PROVIDERS must list at least one provider id, e.g. PROVIDERS=github,rollbar')
  return ids
}

/** Parse a 32-byte key written as 64 hex digits or as base64 / base64url. */
export function parseSecretKey(text: string, where = 'SECRET_KEY'): Buffer {
  const trimmed = text.trim()
  const key = /^[0-9a-f]{64}$/i.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)
      ? Buffer.from(trimmed, 'base64')
      : Buffer.alloc(0)
  if (key.length !== 32) {
    throw new ConfigError(
      `${where} must be 32 bytes written as 64 hex digits or base64 (try: node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")`,
    )
  }
  return key
}

/**
 * The key from SECRET_KEY, else from DATA_DIR/secret.key, else a new random one written there
 * (mode 0600) so that URLs minted now still open after a restart.
 */
function loadSecretKey(fromEnv: string | undefined, dataDir: string): { key: Buffer; source: Config['secretKeySource'] } {
  if (fromEnv !== undefined) return { key: parseSecretKey(fromEnv), source: 'env' }
  const file = join(dataDir, 'secret.key')
  const existing = readKeyFile(file)
  if (existing !== undefined) return { key: parseSecretKey(existing, file), source: 'file' }
  const key = randomBytes(32)
  try {
    // DATA_DIR holds the queue (Missive tokens) and this key: only the server's user may list it.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    // 'wx' fails if another process wrote the key meanwhile: then read theirs.
    writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { key: parseSecretKey(readKeyFile(file) ?? '', file), source: 'file' }
    throw new ConfigError(`cannot write the secret key to ${file}: ${(error as Error).message}; set SECRET_KEY or make DATA_DIR writable`)
  }
  return { key, source: 'generated' }
}

function readKeyFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new ConfigError(`cannot read the secret key ${file}: ${(error as Error).message}`)
  }
}

/** `PUBLIC_URL`, else the address the server listens on, for printing webhook URLs. */
export function baseUrlOf(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string {
  if (config.publicUrl) return config.publicUrl
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`
}
