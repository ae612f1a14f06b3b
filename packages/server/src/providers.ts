import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isIntegration, type Integration } from '@missive-integrations/core'

/** A provider package declares itself in its package.json: `"missiveIntegrations": { "provider": "github" }`. */
export interface ProviderManifest {
  name: string
  provider: string
  /** Absolute path of the package's package.json. */
  packageJson: string
}

/** Providers by id. A Map, so that `/constructor` or `/__proto__` is never a provider. */
export type Providers = ReadonlyMap<string, Integration>

/** A loaded provider package: its Integration, and where the package is (its `fixtures/` feed the playground). */
export interface LoadedProvider {
  integration: Integration
  /** The package name (`@missive-integrations/provider-github`). */
  name: string
  /** The package's folder. */
  dir: string
  /** The package's `assets/icon.png`, when it ships one: served at `/assets/<id>.png`. */
  iconFile: string | undefined
}

/** The installed providers cannot be composed (duplicate id, not an Integration, …): start-up stops. */
export class ProviderLoadError extends Error {
  readonly exitCode = 2
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ProviderLoadError'
  }
}

export interface LoadProvidersOptions {
  /** The host project's package.json, whose dependencies are searched. */
  projectPackageJson: string
  /** Keep only these provider ids (`PROVIDERS=github,rollbar`). */
  only?: readonly string[]
  /**
   * Export conditions used to pick a package's entry, in order. Defaults to Node's own plus any
   * `--conditions` the process runs with (the workspace's tests add `@missive-integrations/source`).
   */
  conditions?: readonly string[]
}

/** Packages among the project's dependencies that declare themselves providers. */
export function findProviderPackages(projectPackageJson: string): ProviderManifest[] {
  const project = readJson(projectPackageJson, `the project's package.json (${projectPackageJson}); set PROJECT_DIR to the project that installs the providers`)
  const names = new Set([...Object.keys(objectOf(project.dependencies)), ...Object.keys(objectOf(project.devDependencies))])
  const require = createRequire(projectPackageJson)
  const found: ProviderManifest[] = []
  for (const name of [...names].sort()) {
    const packageJson = locatePackageJson(require, name)
    // Not installed (optional, or pruned in production): it cannot be a provider we load.
    if (packageJson === undefined) continue
    const manifest = readJson(packageJson, `${name}'s package.json`)
    const declared = objectOf(manifest.missiveIntegrations).provider
    if (declared === undefined) continue
    if (typeof declared !== 'string' || declared === '') {
      throw new ProviderLoadError(`${name} declares "missiveIntegrations.provider" but it is not a non-empty string`)
    }
    found.push({ name, provider: declared, packageJson })
  }
  return found
}

/**
 * Load every installed provider: find the packages, import each default export (an Integration
 * class, instantiated, or an instance), and check they compose. Installing or removing a
 * provider package is all it takes.
 */
export async function loadProviders(options: LoadProvidersOptions): Promise<Map<string, LoadedProvider>> {
  const manifests = findProviderPackages(options.projectPackageJson)
  const seen = new Map<string, string>()
  for (const manifest of manifests) {
    const previous = seen.get(manifest.provider)
    if (previous !== undefined) {
      throw new ProviderLoadError(`two installed packages declare provider "${manifest.provider}": ${previous} and ${manifest.name}; remove one of them`)
    }
    seen.set(manifest.provider, manifest.name)
  }
  if (options.only) {
    const missing = options.only.filter((id) => !seen.has(id))
    if (missing.length > 0) {
      const installed = [...seen.keys()].join(', ') || 'none'
      throw new ProviderLoadError(`PROVIDERS lists ${missing.join(', ')} but no installed package provides it; installed providers: ${installed}`)
    }
  }
  const wanted = options.only ? manifests.filter((m) => options.only!.includes(m.provider)) : manifests
  const conditions = options.conditions ?? defaultConditions()
  const providers = new Map<string, LoadedProvider>()
  for (const manifest of wanted) {
    const dir = dirname(manifest.packageJson)
    const iconFile = join(dir, 'assets', 'icon.png')
    providers.set(manifest.provider, {
      integration: await importProvider(manifest, conditions),
      name: manifest.name,
      dir,
      iconFile: existsSync(iconFile) ? iconFile : undefined,
    })
  }
  return providers
}

/** The Integrations of loaded provider packages, by id (what `buildApp` takes). */
export function integrationsOf(loaded: ReadonlyMap<string, LoadedProvider>): Map<string, Integration> {
  return new Map([...loaded].map(([id, { integration }]) => [id, integration]))
}

/** The icon files of loaded provider packages, by id (what `buildApp` serves at `/assets/<id>.png`). */
export function iconFilesOf(loaded: ReadonlyMap<string, LoadedProvider>): Map<string, string> {
  return new Map([...loaded].flatMap(([id, { iconFile }]) => (iconFile === undefined ? [] : [[id, iconFile] as const])))
}

/** Providers from instances already at hand (tests, embedding), with the same checks as loading. */
export function providersOf(integrations: Iterable<Integration>): Map<string, Integration> {
  const providers = new Map<string, Integration>()
  for (const integration of integrations) {
    if (!isIntegration(integration)) throw new ProviderLoadError('a provider is not an Integration (it needs process, id, name and event)')
    if (providers.has(integration.id)) throw new ProviderLoadError(`two providers have the id "${integration.id}"`)
    providers.set(integration.id, integration)
  }
  return providers
}

async function importProvider(manifest: ProviderManifest, conditions: readonly string[]): Promise<Integration> {
  const entry = resolveEntry(manifest, conditions)
  let module: { default?: unknown }
  try {
    module = (await import(pathToFileURL(entry).href)) as { default?: unknown }
  } catch (error) {
    throw new ProviderLoadError(`cannot import provider package ${manifest.name} (${entry}): ${(error as Error).message}; is it built?`, {
      cause: error,
    })
  }
  const exported = module.default
  let instance: unknown = exported
  if (typeof exported === 'function') {
    try {
      instance = new (exported as new () => unknown)()
    } catch (error) {
      throw new ProviderLoadError(`${manifest.name}'s default export could not be instantiated: ${(error as Error).message}`, { cause: error })
    }
  }
  if (!isIntegration(instance)) {
    throw new ProviderLoadError(
      `${manifest.name}'s default export is not an Integration: export default a class that extends Integration from @missive-integrations/core, or an instance of one`,
    )
  }
  if (instance.id !== manifest.provider) {
    throw new ProviderLoadError(
      `${manifest.name} declares provider "${manifest.provider}" in its package.json but its Integration's id is "${instance.id}"; they must match (the id is the URL path)`,
    )
  }
  return instance
}

/** The file `import(name)` would load, resolved from the package's own exports (or main). */
function resolveEntry(manifest: ProviderManifest, conditions: readonly string[]): string {
  const pkg = readJson(manifest.packageJson, `${manifest.name}'s package.json`)
  const root = dirname(manifest.packageJson)
  const exportsField = pkg.exports
  let target: unknown
  if (exportsField === undefined) {
    target = typeof pkg.main === 'string' ? pkg.main : 'index.js'
  } else {
    const dot = isObject(exportsField) && Object.keys(exportsField).some((k) => k.startsWith('.')) ? exportsField['.'] : exportsField
    target = pickCondition(dot, conditions)
  }
  if (typeof target !== 'string') {
    throw new ProviderLoadError(`${manifest.name}'s package.json exports no entry for conditions ${conditions.join(', ')}`)
  }
  return join(root, target)
}

function pickCondition(value: unknown, conditions: readonly string[]): string | undefined {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) {
    for (const item of value) {
      const picked = pickCondition(item, conditions)
      if (picked !== undefined) return picked
    }
    return undefined
  }
  if (!isObject(value)) return undefined
  // Conditions are matched in the package's key order, as Node does.
  for (const [key, nested] of Object.entries(value)) {
    if (key === 'default' || conditions.includes(key)) {
      const picked = pickCondition(nested, conditions)
      if (picked !== undefined) return picked
    }
  }
  return undefined
}

function defaultConditions(): string[] {
  const conditions = ['import', 'node']
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg.startsWith('--conditions=')) conditions.push(arg.slice('--conditions='.length))
    else if ((arg === '--conditions' || arg === '-C') && args[i + 1]) conditions.push(args[++i]!)
  }
  return conditions
}

function locatePackageJson(require: NodeRequire, name: string): string | undefined {
  try {
    return require.resolve(`${name}/package.json`)
  } catch {
    // A package whose `exports` hides its package.json: look where Node would look.
    for (const dir of require.resolve.paths(name) ?? []) {
      const candidate = join(dir, name, 'package.json')
      if (existsSync(candidate)) return candidate
    }
    return undefined
  }
}

function readJson(path: string, what: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new ProviderLoadError(`cannot read ${what}: ${(error as Error).message}`, { cause: error })
  }
  if (!isObject(value)) throw new ProviderLoadError(`${what} is not a JSON object`)
  return value
}

function objectOf(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {}
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
