import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { IntegrationError, integrationInfo, readDelivery, schemaOf, type Integration, type PostOptions } from '@missive-integrations/core'
import { ConfigError, SETTINGS, baseUrlOf, loadConfig, type Config, type SettingFlag } from './config.js'
import { mintWebhookUrl, parseKeyValues } from './mint-url.js'
import { formatPreview, parseHeaderFlag, previewWebhook } from './preview.js'
import { ProviderLoadError, iconFilesOf, integrationsOf, loadProviders, type LoadedProvider } from './providers.js'
import { QueueLockedError } from './queue/errors.js'
import type { PostQueue } from './queue/types.js'
import type { RunningServer } from './start.js'

/** What the CLI talks to; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: Readonly<Record<string, string | undefined>>
  cwd: string
  /** Export conditions for importing providers (tests add the workspace's source condition). */
  conditions?: readonly string[]
  /** Called with the running server of `start` (tests stop it; the binary waits for a signal). */
  onStarted?: (server: RunningServer) => void | Promise<void>
}

/** A usage mistake: printed with the command's help, exit code 2. */
class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>

const CONFIG_OPTIONS: Options = Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: 'string' }]))
const HELP_OPTION: Options = { help: { type: 'boolean', short: 'h' } }

interface Command {
  summary: string
  usage: string
  options: Options
  /** Which settings flags the command reads (shown in its help). */
  settings: readonly SettingFlag[]
  run(args: Parsed, io: CliIo): Promise<number>
}

interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
}

const COMMANDS: Record<string, Command> = {
  start: {
    summary: 'start the server: load providers, open the queue (DATA_DIR, or DATABASE_URL), deliver posts',
    usage: 'missive-integrations start [options]',
    options: {},
    settings: SETTINGS.map((s) => s.flag),
    async run(args, io) {
      const config = configOf(args, io)
      // Imported here so that `url` and `providers` never load the queue's native module.
      const { startServer } = await import('./start.js')
      const server = await startServer(config, { print: (line) => io.stderr(`${line}\n`), ...(io.conditions ? { conditions: io.conditions } : {}) })
      if (io.onStarted) {
        await io.onStarted(server)
        return 0
      }
      await waitForSignal(server, io)
      return 0
    },
  },
  url: {
    summary: 'print a webhook URL with a sealed token for a provider',
    usage: 'missive-integrations url <provider> --token <missive-api-token> [--option key=value]… [--post-option key=value]… [--secret <webhook-secret>]…',
    options: {
      token: { type: 'string' },
      option: { type: 'string', multiple: true },
      'post-option': { type: 'string', multiple: true },
      secret: { type: 'string', multiple: true },
    },
    settings: ['public-url', 'host', 'port', 'data-dir', 'secret-key', 'project-dir', 'providers'],
    async run(args, io) {
      const [id, ...extra] = args.positionals
      if (id === undefined) throw new UsageError('url needs a provider id, e.g. `missive-integrations url github --token …`')
      if (extra.length > 0) throw new UsageError(`url takes one provider id, got ${args.positionals.join(' ')}`)
      const token = args.values.token
      if (typeof token !== 'string' || token === '') throw new UsageError('url needs --token <missive-api-token> (Missive → Settings → API)')
      const config = configOf(args, io)
      const providers = await providersOf(config, io)
      const integration = findProvider(providers, id)
      let options: Record<string, unknown>
      let postOptions: Record<string, unknown>
      try {
        options = parseKeyValues(strings(args.values.option), '--option', false)
        postOptions = parseKeyValues(strings(args.values['post-option']), '--post-option', true)
      } catch (error) {
        throw new UsageError((error as Error).message)
      }
      const url = mintWebhookUrl({
        integration,
        token,
        options,
        postOptions: postOptions as PostOptions,
        secrets: strings(args.values.secret),
        key: config.secretKey,
        baseUrl: baseUrlOf(config),
      })
      io.stdout(`${url}\n`)
      return 0
    },
  },
  'dead-letters': {
    summary: 'list posts that failed permanently (id, provider, event, reason, attempts, failedAt)',
    usage: 'missive-integrations dead-letters [--json] [--limit N]',
    options: { json: { type: 'boolean' }, limit: { type: 'string' } },
    settings: ['data-dir', 'database-url'],
    async run(args, io) {
      const limit = args.values.limit === undefined ? 100 : Number(args.values.limit)
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer, got ${String(args.values.limit)}`)
      return withQueue(configOf(args, io), async (queue) => {
        const letters = await queue.deadLetters(limit)
        if (args.values.json) {
          io.stdout(
            `${JSON.stringify(
              letters.map(({ post: _post, ...letter }) => letter),
              null,
              2,
            )}\n`,
          )
          return 0
        }
        if (letters.length === 0) {
          io.stdout('no dead letters\n')
          return 0
        }
        const rows = letters.map((l) => [l.id, l.provider, l.event ?? '', String(l.attempts), l.failedAt.toISOString(), l.reason])
        io.stdout(table(['id', 'provider', 'event', 'attempts', 'failedAt', 'reason'], rows))
        return 0
      })
    },
  },
  replay: {
    summary: 'put dead letters back in the queue (by id, or --all)',
    usage: 'missive-integrations replay <id>… | --all',
    options: { all: { type: 'boolean' } },
    settings: ['data-dir', 'database-url'],
    async run(args, io) {
      const all = args.values.all === true
      if (all === args.positionals.length > 0) throw new UsageError('replay needs dead-letter ids or --all (not both)')
      return withQueue(configOf(args, io), async (queue) => {
        const count = await queue.replay(all ? 'all' : args.positionals)
        io.stdout(`re-queued ${count} post${count === 1 ? '' : 's'}\n`)
        return 0
      })
    },
  },
  providers: {
    summary: 'list the providers this server loads',
    usage: 'missive-integrations providers [--json]',
    options: { json: { type: 'boolean' } },
    settings: ['project-dir', 'providers'],
    async run(args, io) {
      const config = configOf(args, io)
      const loaded = await loadedProvidersOf(config, io)
      const list = [...integrationsOf(loaded).values()]
      if (args.values.json) {
        // The icons as this server's posts and `GET /integrations` carry them.
        const listed = list.map((p) => [p.id, integrationInfo(p, publicUrlFor(config, loaded, p.id))])
        io.stdout(`${JSON.stringify(Object.fromEntries(listed), null, 2)}\n`)
        return 0
      }
      if (list.length === 0) {
        io.stdout('no provider installed: add a provider package (e.g. @missive-integrations/provider-github) to the project\n')
        return 0
      }
      const rows = list.map((p) => [
        p.id,
        p.name,
        schemaOf(p)
          .options.map((o) => `${o.key}${o.required ? '*' : ''}`)
          .join(', '),
      ])
      io.stdout(table(['id', 'name', 'options (* required)'], rows))
      return 0
    },
  },
  preview: {
    summary: 'print the exact Missive post(s) a payload produces, or why it is skipped',
    usage:
      'missive-integrations preview <provider> <payload.json> [--event NAME] [--header key:value]… [--option key=value]… [--post-option key=value]… [--secret <webhook-secret>]…',
    options: {
      event: { type: 'string' },
      header: { type: 'string', multiple: true },
      secret: { type: 'string', multiple: true },
      option: { type: 'string', multiple: true },
      'post-option': { type: 'string', multiple: true },
    },
    settings: ['project-dir', 'providers'],
    async run(args, io) {
      const [id, file, ...extra] = args.positionals
      if (id === undefined || file === undefined)
        throw new UsageError('preview needs a provider id and a payload file, e.g. `missive-integrations preview github push.json`')
      if (extra.length > 0) throw new UsageError(`preview takes one provider and one file, got ${args.positionals.join(' ')}`)
      const path = resolve(io.cwd, file)
      if (!existsSync(path)) throw new UsageError(`no payload file ${JSON.stringify(file)}`)
      let delivery: { body: string; headers: Record<string, string> }
      let options: Record<string, unknown>
      let postOptions: Record<string, unknown>
      try {
        delivery = readDelivery(path)
        const headers = delivery.headers
        for (const flag of strings(args.values.header)) {
          const [key, value] = parseHeaderFlag(flag)
          headers[key] = value
        }
        options = parseKeyValues(strings(args.values.option), '--option', false)
        postOptions = parseKeyValues(strings(args.values['post-option']), '--post-option', true)
      } catch (error) {
        throw new UsageError((error as Error).message)
      }
      const config = configOf(args, io)
      const loaded = await loadedProvidersOf(config, io)
      const integration = findProvider(integrationsOf(loaded), id)
      const event = typeof args.values.event === 'string' ? args.values.event : undefined
      const result = await previewWebhook(integration, {
        body: delivery.body,
        headers: delivery.headers,
        options,
        postOptions: postOptions as PostOptions,
        secrets: strings(args.values.secret),
        ...(event ? { event } : {}),
        ...publicUrlFor(config, loaded, id),
      })
      const text = `${formatPreview(result)}\n`
      if (result.kind === 'error') {
        io.stderr(text)
        return 1
      }
      io.stdout(text)
      return 0
    },
  },
}

/** Run the CLI; resolves to the process exit code (0 ok, 1 failure, 2 usage or configuration). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(mainHelp())
    return name === undefined ? 2 : 0
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
  if (!command) {
    io.stderr(`unknown command ${JSON.stringify(name)}\n\n${mainHelp()}`)
    return 2
  }
  let args: Parsed
  try {
    args = parseArgs({
      args: [...rest],
      options: { ...CONFIG_OPTIONS, ...HELP_OPTION, ...command.options },
      allowPositionals: true,
      strict: true,
    }) as Parsed
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${commandHelp(name, command)}`)
    return 2
  }
  if (args.values.help) {
    io.stdout(commandHelp(name, command))
    return 0
  }
  if (command !== COMMANDS.replay && command !== COMMANDS.url && command !== COMMANDS.preview && args.positionals.length > 0) {
    io.stderr(`${name} takes no arguments, got ${args.positionals.join(' ')}\n\n${commandHelp(name, command)}`)
    return 2
  }
  try {
    return await command.run(args, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n\n${commandHelp(name, command)}`)
      return 2
    }
    // A configuration problem, or a queue that refuses this process (DATA_DIR held by another server).
    if (error instanceof ConfigError || error instanceof ProviderLoadError || error instanceof QueueLockedError) {
      io.stderr(`missive-integrations: ${error.message}\n`)
      return 2
    }
    // InvalidOptionsError and friends: the user gave something the provider does not accept.
    if (error instanceof IntegrationError && error.status >= 400 && error.status < 500) {
      io.stderr(`missive-integrations: ${error.message}\n`)
      return 2
    }
    io.stderr(`missive-integrations ${name} failed: ${(error as Error)?.stack ?? String(error)}\n`)
    return 1
  }
}

function configOf(args: Parsed, io: CliIo): Config {
  const flags: Partial<Record<SettingFlag, string>> = {}
  for (const setting of SETTINGS) {
    const value = args.values[setting.flag]
    if (typeof value === 'string') flags[setting.flag] = value
  }
  return loadConfig({ env: io.env, flags, cwd: io.cwd })
}

async function providersOf(config: Config, io: CliIo): Promise<ReadonlyMap<string, Integration>> {
  return integrationsOf(await loadedProvidersOf(config, io))
}

function loadedProvidersOf(config: Config, io: CliIo): Promise<Map<string, LoadedProvider>> {
  return loadProviders({
    projectPackageJson: config.projectPackageJson,
    ...(config.providers ? { only: config.providers } : {}),
    ...(io.conditions ? { conditions: io.conditions } : {}),
  })
}

/** `PUBLIC_URL`, when the server would serve this provider's icon under it (as `buildApp` decides). */
function publicUrlFor(config: Config, loaded: ReadonlyMap<string, LoadedProvider>, id: string): { publicUrl?: string } {
  return config.publicUrl !== undefined && iconFilesOf(loaded).has(id) ? { publicUrl: config.publicUrl } : {}
}

function findProvider(providers: ReadonlyMap<string, Integration>, id: string): Integration {
  const integration = providers.get(id)
  if (!integration) {
    throw new UsageError(`no provider ${JSON.stringify(id)} is installed; installed providers: ${[...providers.keys()].join(', ') || 'none'}`)
  }
  return integration
}

/** The queue the servers use (SQLite in DATA_DIR, or the shared PostgreSQL), opened next to them. */
async function withQueue(config: Config, use: (queue: PostQueue) => Promise<number>): Promise<number> {
  const { openQueue } = await import('./queue/open-queue.js')
  const { queue } = await openQueue(config, { role: 'tool' })
  try {
    return await use(queue)
  } finally {
    await queue.close()
  }
}

/** Stop accepting, finish in-flight requests and deliveries, close the queue; a second signal forces exit. */
function waitForSignal(server: RunningServer, io: CliIo): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopping = false
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        io.stderr(`${signal} again: exiting without waiting\n`)
        process.exit(1)
      }
      stopping = true
      io.stderr(`${signal}: finishing in-flight requests and closing the queue…\n`)
      server.close().then(resolve, reject)
    }
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
  })
}

function strings(value: string | boolean | string[] | undefined): string[] {
  if (Array.isArray(value)) return value
  return typeof value === 'string' ? [value] : []
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return `${[line(header), ...rows.map(line)].join('\n')}\n`
}

function mainHelp(): string {
  const names = Object.keys(COMMANDS)
  const width = Math.max(...names.map((n) => n.length))
  return `missive-integrations — turn webhooks into Missive posts

Usage: missive-integrations <command> [options]

Commands:
${names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n]!.summary}`).join('\n')}

Run \`missive-integrations <command> --help\` for a command's options.
Every option can also be set by its environment variable; flags win.
`
}

function commandHelp(name: string, command: Command): string {
  const own = Object.entries(command.options).map(([flag, spec]) => `  --${flag}${spec.type === 'string' ? ' <value>' : ''}`)
  const settings = SETTINGS.filter((s) => command.settings.includes(s.flag)).map(
    (s) => `  --${s.flag} <value>`.padEnd(32) + `${s.env}: ${s.help}${s.default !== undefined ? ` (default ${s.default})` : ''}`,
  )
  return `${command.summary}

Usage: ${command.usage}
${own.length > 0 ? `\nOptions:\n${own.join('\n')}\n` : ''}${settings.length > 0 ? `\nSettings (flag or environment variable):\n${settings.join('\n')}\n` : ''}  -h, --help                    show this help
`
}
