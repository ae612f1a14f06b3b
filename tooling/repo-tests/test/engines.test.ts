// Item: runtime support. Each package's `engines.node` must be true of what it installs: no
// narrower dependency hides behind it (npm would warn EBADENGINE on a Node the package claims),
// and CI tests every Node major it admits among 20, 22 and 24.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import semver from 'semver'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { REPO_ROOT } from './support/packed.ts'
import { workspaceDirs } from './support/scratch.ts'

interface Listed {
  version?: string
  path: string
  dependencies?: Record<string, Listed>
}

interface Manifest {
  name: string
  private?: boolean
  engines?: { node?: string }
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Manifest
const root = read(join(REPO_ROOT, 'package.json'))
const published = workspaceDirs()
  .map((dir) => read(join(REPO_ROOT, dir, 'package.json')))
  .filter((m) => !m.private)

/** `engines.node` of every package a published package installs (its production dependencies, transitively). */
function productionEngines(name: string): Map<string, string> {
  const output = execFileSync('pnpm', ['--filter', name, 'list', '--prod', '--depth', 'Infinity', '--json'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  const engines = new Map<string, string>()
  const walk = (deps: Record<string, Listed> | undefined) => {
    for (const [dep, listed] of Object.entries(deps ?? {})) {
      const key = `${dep}@${listed.version}`
      if (engines.has(key)) continue
      engines.set(key, read(join(listed.path, 'package.json')).engines?.node ?? '*')
      walk(listed.dependencies)
    }
  }
  walk((JSON.parse(output) as Listed[])[0]?.dependencies)
  return engines
}

/**
 * Whether every version `range` admits is admitted by `declared` too. semver.subset compares one
 * alternative at a time and never merges adjacent ones (better-sqlite3 declares
 * `20.x || 22.x || 23.x || …`), so compare major by major, up to an arbitrary far-off 99.
 */
function admitsAll(declared: string, range: string): boolean {
  const alternatives = new semver.Range(range).set.map((comparators) => comparators.map(String).join(' '))
  for (let major = 0; major < 100; major++) {
    const slice = alternatives.map((a) => `${a} >=${major}.0.0 <${major + 1}.0.0-0`).filter((a) => semver.minVersion(a) !== null)
    if (slice.length > 0 && !semver.subset(slice.join(' || '), declared)) return false
  }
  return true
}

/** Dependencies whose declared Node range does not contain all of `range`, as sentences. */
function narrower(range: string, engines: Iterable<[string, string]>): string[] {
  return [...engines].filter(([, node]) => !admitsAll(node, range)).map(([pkg, node]) => `${pkg} declares node ${node}`)
}

describe.each(published.map((m) => [m.name, m] as const))('%s', (name, manifest) => {
  it('declares engines.node that every production dependency accepts', () => {
    expect(semver.validRange(manifest.engines?.node ?? ''), 'engines.node').toBeTruthy()
    expect(narrower(manifest.engines!.node!, productionEngines(name))).toEqual([])
  })

  it('admits every Node CI tests, and the root (development) range', () => {
    for (const major of [20, 22, 24]) expect(semver.intersects(manifest.engines!.node!, `${major}.x`), `Node ${major}`).toBe(true)
    expect(admitsAll(manifest.engines!.node!, root.engines!.node!)).toBe(true)
  })
})

describe('the workspace', () => {
  it('installs nothing that declares a narrower Node than the root engines (what `pnpm install` would warn about)', () => {
    const lockfile = parse(readFileSync(join(REPO_ROOT, 'pnpm-lock.yaml'), 'utf8')) as { packages: Record<string, { engines?: { node?: string } }> }
    const engines = Object.entries(lockfile.packages)
      .filter(([, entry]) => entry.engines?.node)
      .map(([pkg, entry]) => [pkg, entry.engines!.node!] as [string, string])
    expect(engines.length).toBeGreaterThan(10)
    expect(narrower(root.engines!.node!, engines)).toEqual([])
  })

  it('is developed on Node 20.19+, 22 and 24 (the root range admits each)', () => {
    for (const version of ['20.19.0', '22.13.0', '24.0.0']) expect(semver.satisfies(version, root.engines!.node!), version).toBe(true)
  })

  it('runs here on a Node the root admits', () => {
    expect(semver.satisfies(process.versions.node, root.engines!.node!), process.versions.node).toBe(true)
  })
})

describe('admitsAll', () => {
  it('merges adjacent alternatives, which semver.subset does not', () => {
    expect(admitsAll('20.x || 22.x || 23.x || 24.x || 25.x || 26.x', '^20.19.0 || >=22.0.0 <27')).toBe(true)
    expect(semver.subset('^20.19.0 || >=22.0.0 <27', '20.x || 22.x || 23.x || 24.x || 25.x || 26.x')).toBe(false)
  })

  it('catches a dependency that needs a newer or an older Node', () => {
    expect(admitsAll('>=22', '^20.19.0 || >=22.0.0 <27')).toBe(false)
    expect(admitsAll('20.x || 22.x || 26.x', '^20.19.0 || >=22.0.0')).toBe(false)
  })
})
