// What a published package must look like, checked on the tarball `pnpm pack` produces: the
// tarball is what users install, so the checks read it rather than the package folder.
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url)).replace(/\/$/, '')

/** Files every published package carries (paths inside the tarball's `package/` folder). */
export const REQUIRED_FILES = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts']

// Sources, tests and build configuration stay in the repository. fixtures/ too, unless a package
// lists it in `files` because it reads them at runtime (preview, playground).
const DEV_ONLY = [
  /^src\//,
  /^test\//,
  /^fixtures\//,
  /^bench\//,
  /^node_modules\//,
  /^\.turbo\//,
  /(^|\/)tsconfig(\.[\w-]+)?\.json$/,
  /(^|\/)(vitest|tsup|eslint)\.config\.[cm]?[jt]s$/,
  /\.tsbuildinfo$/,
]

const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'] as const

export interface Manifest {
  name: string
  version: string
  private?: boolean
  files?: string[]
  exports?: unknown
  bin?: string | Record<string, string>
  main?: string
  types?: string
  [field: string]: unknown
}

export interface Packed {
  tarball: string
  /** Paths inside the tarball, without the leading `package/`. */
  files: string[]
  manifest: Manifest
}

/** Packs the package in `dir` into `destination` with pnpm (which applies publishConfig and rewrites workspace: ranges). */
export function pack(dir: string, destination: string): Packed {
  const before = new Set(readdirSync(destination))
  execFileSync('pnpm', ['pack', '--pack-destination', destination], { cwd: dir, stdio: 'pipe' })
  const created = readdirSync(destination).filter((f) => f.endsWith('.tgz') && !before.has(f))
  if (created.length !== 1) throw new Error(`pnpm pack in ${dir} produced ${created.length} tarballs`)
  const tarball = join(destination, created[0]!)
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''))
    .sort()
  const manifest = JSON.parse(readPacked(tarball, 'package.json')) as Manifest
  return { tarball, files, manifest }
}

function readPacked(tarball: string, file: string): string {
  return readPackedBytes(tarball, file).toString('utf8')
}

/** One file of a packed tarball, as bytes. */
export function readPackedBytes(tarball: string, file: string): Buffer {
  return execFileSync('tar', ['-xzOf', tarball, `package/${file.replace(/^\.\//, '')}`])
}

/** Every string leaf of an `exports` / `bin` value, with the condition path that leads to it. */
function targets(value: unknown, path: string[] = []): { path: string[]; target: string }[] {
  if (typeof value === 'string') return [{ path, target: value }]
  if (value === null || typeof value !== 'object') return []
  if (Array.isArray(value)) return value.flatMap((v, i) => targets(v, [...path, String(i)]))
  return Object.entries(value).flatMap(([key, v]) => targets(v, [...path, key]))
}

function matches(files: string[], target: string): boolean {
  const relative = target.replace(/^\.\//, '')
  if (!relative.includes('*')) return files.includes(relative)
  const pattern = new RegExp(
    `^${relative
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.+')}$`,
  )
  return files.some((file) => pattern.test(file))
}

/** Everything wrong with a packed package, as readable sentences (empty when it publishes cleanly). */
export function packedProblems({ tarball, files, manifest }: Packed, declaredFiles: readonly string[] = manifest.files ?? []): string[] {
  const problems: string[] = []
  for (const file of REQUIRED_FILES) {
    if (!files.includes(file)) problems.push(`missing ${file}`)
  }
  const shipsFixtures = declaredFiles.some((entry) => /^(\.\/)?fixtures(\/|$)/.test(entry))
  for (const file of files) {
    if (DEV_ONLY.some((pattern) => pattern.test(file)) && !(shipsFixtures && file.startsWith('fixtures/'))) {
      problems.push(`ships a development file: ${file}`)
    }
  }
  for (const { path, target } of targets(manifest.exports)) {
    if (path.includes('@missive-integrations/source')) problems.push(`exports keeps the workspace-only condition at ${path.join(' → ')}`)
    else if (!matches(files, target)) problems.push(`exports ${path.join(' → ')} points to ${target}, which is not in the tarball`)
  }
  for (const field of ['bin', 'main', 'types'] as const) {
    for (const { path, target } of targets(manifest[field])) {
      if (!matches(files, target)) problems.push(`${[field, ...path].join(' → ')} points to ${target}, which is not in the tarball`)
      else if (field === 'bin' && !readPacked(tarball, target).startsWith('#!/usr/bin/env node')) {
        problems.push(`bin ${target} does not start with #!/usr/bin/env node`)
      }
    }
  }
  for (const field of DEPENDENCY_FIELDS) {
    const deps = (manifest[field] ?? {}) as Record<string, string>
    for (const [name, range] of Object.entries(deps)) {
      if (range.startsWith('workspace:')) problems.push(`${field}["${name}"] is still "${range}"`)
    }
  }
  return problems
}

export interface Repository {
  type: string
  url: string
  directory?: string
}

/** The repository every package points at: the root package.json's, the one place to change it. */
export function rootRepository(): Repository {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { repository: Repository }).repository
}

/**
 * What npm shows next to a package and checks provenance against: `repository` naming this
 * repository and the package's folder in it, a `homepage` (its README there) and `bugs`.
 */
export function metadataProblems(manifest: Manifest, directory: string, repository: Repository): string[] {
  const problems: string[] = []
  const web = repository.url.replace(/^git\+/, '').replace(/\.git$/, '')
  const expected = { type: repository.type, url: repository.url, directory }
  if (JSON.stringify(manifest.repository) !== JSON.stringify(expected)) {
    problems.push(`repository is ${JSON.stringify(manifest.repository)}, expected ${JSON.stringify(expected)}`)
  }
  const homepage = `${web}/tree/main/${directory}#readme`
  if (manifest.homepage !== homepage) problems.push(`homepage is ${JSON.stringify(manifest.homepage)}, expected ${JSON.stringify(homepage)}`)
  if (manifest.bugs !== `${web}/issues`) problems.push(`bugs is ${JSON.stringify(manifest.bugs)}, expected ${JSON.stringify(`${web}/issues`)}`)
  if (typeof (manifest.engines as { node?: unknown } | undefined)?.node !== 'string') problems.push('engines.node is missing')
  if (manifest.license !== 'MIT') problems.push(`license is ${JSON.stringify(manifest.license)}, expected "MIT"`)
  return problems
}

/** publint's findings on the tarball itself, every level (suggestions included), as sentences. */
export async function publintProblems(tarball: string): Promise<string[]> {
  const bytes = readFileSync(tarball)
  const { messages, pkg } = await publint({
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
    level: 'suggestion',
    strict: true,
  })
  return messages.map((message) => `publint ${message.type} ${message.code}: ${formatMessage(message, pkg) ?? ''}`)
}
