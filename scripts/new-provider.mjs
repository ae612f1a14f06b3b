#!/usr/bin/env node
// `pnpm new-provider <name>`: creates packages/provider-<name> from templates/provider and wires it
// into the workspace, so that `pnpm test` runs it at once and the server loads it on next start.
// Plain Node ESM with no dependencies: it must run before anything is installed (Node >= 20.19).
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const SCOPE = '@missive-integrations'
// The workspace package the server loads its providers from (`pnpm start`); not the root, so that
// turbo can tell which packages a change affects.
const HOST_PROJECT = join('apps', 'bridge')
const NAME_PATTERN = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/
// Ids the server routes itself (`POST /:provider` shares the path space with these), package
// names already taken in the monorepo, and keys that would collide with Object.prototype in a
// provider registry keyed by id.
const RESERVED_IDS = new Set([
  'core',
  'server',
  'integrations',
  'healthz',
  'readyz',
  'metrics',
  'playground',
  'assets',
  'constructor',
  '__proto__',
  'prototype',
  'tostring',
])
// A title lands in package.json, TypeScript string literals and Markdown: keep it to characters
// that need no escaping in any of them.
const TITLE_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} .&+()!-]{0,59}$/u

// Template files copied as they are: reading them as UTF-8 to fill in tokens would corrupt them.
const BINARY = /\.(png|jpe?g|gif|webp|ico)$/i

const EXIT_REFUSED = 1
const EXIT_USAGE = 2

const USAGE = `Usage: pnpm new-provider <name> [--title "Display Name"] [--dry-run] [--skip-install]

Creates packages/provider-<name> from templates/provider and wires it into the workspace.

  <name>            provider id: lowercase letters, digits and single dashes, 3–40 characters
                    (e.g. acme, status-page); it is the webhook path (POST /<name>)
  --title <text>    display name used as the post author and in docs (default: from <name>)
  --dry-run         print what would be created and changed, touch nothing
  --skip-install    do not run \`pnpm install\` afterwards (run it yourself)
  --root <dir>      repository root (default: the folder above scripts/)
  -h, --help        show this help`

class UsageError extends Error {}
class RefusedError extends Error {}

/** Parses argv into options; throws UsageError for anything it does not understand. */
export function parseArgs(argv) {
  const options = { name: undefined, title: undefined, dryRun: false, skipInstall: false, root: undefined, help: false }
  const takeValue = (flag, i) => {
    const value = argv[i + 1]
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`)
    return value
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    switch (flag) {
      case '-h':
      case '--help':
        options.help = true
        break
      case '--dry-run':
        options.dryRun = true
        break
      case '--skip-install':
        options.skipInstall = true
        break
      case '--title':
        options.title = inline ?? takeValue(flag, i++)
        break
      case '--root':
        options.root = inline ?? takeValue(flag, i++)
        break
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`)
        if (options.name !== undefined) throw new UsageError(`expected one provider name, got "${options.name}" and "${arg}"`)
        options.name = arg
    }
  }
  if (!options.help && options.name === undefined) throw new UsageError('missing the provider name')
  return options
}

/** Why `name` cannot be a provider id, or undefined when it can. */
export function invalidNameReason(name) {
  if (name.startsWith('provider-')) {
    return `pass the id without the "provider-" prefix: pnpm new-provider ${name.slice('provider-'.length)}`
  }
  if (!NAME_PATTERN.test(name)) {
    return 'use 3–40 lowercase letters, digits and dashes, starting with a letter and not ending with a dash (e.g. acme, status-page)'
  }
  if (name.includes('--')) return 'double dashes are not allowed'
  if (RESERVED_IDS.has(name)) return `"${name}" is reserved (it is a server route or a core package name); reserved: ${[...RESERVED_IDS].join(', ')}`
  return undefined
}

/** `status-page` → `StatusPage`: the provider's class name. */
export function className(id) {
  return words(id).join('')
}

/** `status-page` → `Status Page`: the default display name. */
export function defaultTitle(id) {
  return words(id).join(' ')
}

function words(id) {
  return id
    .split('-')
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
}

/** Folders that hold workspace packages, from the `packages:` list of pnpm-workspace.yaml. */
function workspacePackageDirs(root) {
  const file = join(root, 'pnpm-workspace.yaml')
  if (!existsSync(file)) return [join(root, 'packages')].filter(existsSync).flatMap(subdirs)
  // A minimal reader for the one list we need, so that the script has no dependencies.
  const globs = []
  let inPackages = false
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    if (/^packages:\s*$/.test(line)) inPackages = true
    else if (inPackages && /^\s+-\s+/.test(line))
      globs.push(
        line
          .replace(/^\s+-\s+/, '')
          .replace(/\s+#.*$/, '')
          .replace(/^['"]|['"]$/g, ''),
      )
    else if (inPackages && /^\S/.test(line)) inPackages = false
  }
  return globs
    .filter((glob) => !glob.startsWith('!'))
    .flatMap((glob) => {
      if (glob.endsWith('/**') || glob.endsWith('/*')) {
        const base = join(root, glob.replace(/\/\*\*?$/, ''))
        return existsSync(base) ? subdirs(base) : []
      }
      return [join(root, glob)]
    })
}

function subdirs(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(dir, e.name))
}

function workspacePackageNames(root) {
  const names = new Set()
  for (const dir of workspacePackageDirs(root)) {
    const manifest = join(dir, 'package.json')
    if (!existsSync(manifest)) continue
    try {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8'))
      if (typeof name === 'string') names.add(name)
    } catch {
      // A half-written package.json belongs to someone else's work in progress; its folder name
      // is still checked below.
    }
  }
  return names
}

/** Every file of the template, as paths relative to it. */
function templateFiles(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.name !== 'node_modules' && e.name !== 'dist' && e.name !== '.turbo')
    .flatMap((e) => (e.isDirectory() ? templateFiles(join(dir, e.name), join(prefix, e.name)) : [join(prefix, e.name)]))
    .sort()
}

function fill(text, tokens) {
  return text.replaceAll('__ID__', tokens.id).replaceAll('__NAME__', tokens.name).replaceAll('__TITLE__', tokens.title)
}

/** The host project's package.json with the provider added to its dependencies, in the file's own format. */
function withHostDependency(text, packageName) {
  const manifest = JSON.parse(text)
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  '
  // apps/bridge is the server's host project in this repository: it loads every provider listed
  // here. Sorted, as pnpm writes dependencies.
  const dependencies = { ...manifest.dependencies, [packageName]: 'workspace:^' }
  manifest.dependencies = Object.fromEntries(
    Object.keys(dependencies)
      .sort()
      .map((name) => [name, dependencies[name]]),
  )
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const out = JSON.stringify(manifest, null, indent).replace(/\n/g, eol)
  return text.endsWith('\n') ? out + eol : out
}

function changeset(packageName, title) {
  return `---\n"${packageName}": minor\n---\n\nAdd the ${title} provider: ${title} webhooks as Missive posts.\n`
}

/**
 * The template is formatted, but a long name can push a filled-in line past Prettier's width: the
 * new files are formatted as the repository is (`pnpm format:check` runs in CI). Before the first
 * install there is no Prettier yet; `pnpm format` does it then.
 */
function format(root, paths) {
  const prettier = join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs')
  if (!existsSync(prettier)) return
  const result = spawnSync(process.execPath, [prettier, '--write', '--log-level', 'warn', ...paths], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) console.error('new-provider: could not format the new files; run `pnpm format`')
}

/** Runs `pnpm install --offline`, then a plain `pnpm install` if the store lacks something. */
function install(root) {
  const run = (args) => {
    console.log(`\n$ pnpm ${args.join(' ')}`)
    const result = spawnSync('pnpm', args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
    if (result.error) console.error(`could not run pnpm: ${result.error.message}`)
    return result.status === 0
  }
  return run(['install', '--offline']) || run(['install'])
}

function nextSteps(id, title, dir) {
  return `
Next steps:
  1. Capture a real ${title} delivery (a request bin, or ${title}'s "recent deliveries" page), scrub
     secrets and personal data, and save it as ${dir}/fixtures/<event>__<scenario>.json
     (+ <event>__<scenario>.headers.json); record its source and license in fixtures/README.md.
     Then delete the template samples.
  2. Write src/index.ts and one test per fixture in test/${id}.test.ts (fixtureKit: exact posts,
     assertComplete); run it with: pnpm --filter ${SCOPE}/provider-${id} test
  3. Preview a payload: pnpm missive-integrations preview ${id} ${dir}/fixtures/<event>__<scenario>.json
     (or open /playground on a running server).
  4. Replace the placeholder icon ${dir}/assets/icon.png with ${title}'s mark (a square PNG,
     128×128 or 256×256) and record its source and license in assets/README.md.
  5. Fill in README.md (numbered setup steps, events table) and rewrite the changeset sentence:
     .changeset/provider-${id}-initial.md (more changes later: pnpm changeset).
  6. Open one pull request for this provider alone. See CONTRIBUTING.md.`
}

export function main(argv) {
  let options
  try {
    options = parseArgs(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    console.error(`new-provider: ${error.message}\n\n${USAGE}`)
    return EXIT_USAGE
  }
  if (options.help) {
    console.log(USAGE)
    return 0
  }

  const root = resolve(options.root ?? join(dirname(fileURLToPath(import.meta.url)), '..'))
  const id = options.name
  const title = options.title ?? defaultTitle(id)
  const packageName = `${SCOPE}/provider-${id}`
  const packageDir = join(root, 'packages', `provider-${id}`)
  const templateDir = join(root, 'templates', 'provider')
  const hostManifestPath = join(root, HOST_PROJECT, 'package.json')
  const changesetPath = join(root, '.changeset', `provider-${id}-initial.md`)
  const rel = (path) => relative(root, path) || '.'

  try {
    const reason = invalidNameReason(id)
    if (reason) throw new RefusedError(`invalid provider name "${id}": ${reason}`)
    if (options.title !== undefined && !TITLE_PATTERN.test(options.title)) {
      throw new RefusedError(`invalid --title "${options.title}": use up to 60 letters, digits, spaces and . & + ( ) ! -, starting with a letter or digit`)
    }
    if (existsSync(packageDir)) throw new RefusedError(`${rel(packageDir)} already exists; pick another name or work in that package`)
    if (workspacePackageNames(root).has(packageName)) throw new RefusedError(`a workspace package is already named ${packageName}`)
    if (existsSync(changesetPath)) throw new RefusedError(`${rel(changesetPath)} already exists; remove it or pick another name`)
    if (!existsSync(templateDir)) throw new RefusedError(`no template at ${rel(templateDir)}; is --root the repository root?`)
    if (!existsSync(hostManifestPath)) throw new RefusedError(`no ${rel(hostManifestPath)} (the server's host project); is --root the repository root?`)
  } catch (error) {
    if (!(error instanceof RefusedError)) throw error
    console.error(`new-provider: ${error.message}`)
    return EXIT_REFUSED
  }

  const tokens = { id, name: className(id), title }
  const files = templateFiles(templateDir).map((from) => ({
    from: join(templateDir, from),
    to: join(packageDir, fill(from, tokens)),
  }))
  const licensePath = join(root, 'LICENSE')
  const hostManifest = readFileSync(hostManifestPath, 'utf8')
  const hasDependency = Boolean(JSON.parse(hostManifest).dependencies?.[packageName])

  const plan = [
    ...files.map(({ to }) => `create ${rel(to)}`),
    ...(existsSync(licensePath) ? [`create ${rel(join(packageDir, 'LICENSE'))} (copy of ${rel(licensePath)})`] : []),
    `create ${rel(changesetPath)}`,
    ...(hasDependency ? [] : [`update ${rel(hostManifestPath)}: dependencies["${packageName}"] = "workspace:^"`]),
    ...(options.skipInstall ? [] : ['run    pnpm install --offline (falls back to pnpm install)']),
  ]

  if (options.dryRun) {
    console.log(`Would create ${packageName} (class ${tokens.name}, title "${title}"):`)
    for (const line of plan) console.log(`  ${line}`)
    return 0
  }

  try {
    for (const { from, to } of files) {
      mkdirSync(dirname(to), { recursive: true })
      // Binary files (the placeholder icon) are copied byte for byte; only text has tokens.
      if (BINARY.test(from)) cpSync(from, to)
      else writeFileSync(to, fill(readFileSync(from, 'utf8'), tokens), { mode: statSync(from).mode })
    }
    if (existsSync(licensePath)) cpSync(licensePath, join(packageDir, 'LICENSE'))
    mkdirSync(dirname(changesetPath), { recursive: true })
    writeFileSync(changesetPath, changeset(packageName, title))
  } catch (error) {
    // Leave nothing half-made behind, so that the same command can simply be run again.
    rmSync(packageDir, { recursive: true, force: true })
    rmSync(changesetPath, { force: true })
    throw error
  }
  if (!hasDependency) writeFileSync(hostManifestPath, withHostDependency(hostManifest, packageName))
  format(root, [packageDir, hostManifestPath])

  console.log(`Created ${packageName} in ${rel(packageDir)}:`)
  for (const line of plan.filter((l) => !l.startsWith('run'))) console.log(`  ${line}`)

  if (options.skipInstall) {
    console.log('\nSkipped the install: run `pnpm install` before testing, so the workspace links the package.')
  } else if (!install(root)) {
    console.error(`\nnew-provider: the package was created but \`pnpm install\` failed; fix the error above and run \`pnpm install\` again.`)
    return EXIT_REFUSED
  }
  console.log(nextSteps(id, title, rel(packageDir)))
  return 0
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2))
}
