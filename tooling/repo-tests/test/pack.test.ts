// Every public package in packages/* must publish cleanly: built files, docs and license in,
// sources, tests and configs out, a manifest that works outside the workspace and names its
// repository (npm provenance checks it), publint's checks; and no way to pack it wrong by hand.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  REPO_ROOT,
  metadataProblems,
  pack,
  packedProblems,
  publintProblems,
  readPackedBytes,
  rootRepository,
  type Manifest,
  type Packed,
} from './support/packed.ts'
import { iconProblems } from './support/png.ts'

const publicPackages = readdirSync(join(REPO_ROOT, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(REPO_ROOT, 'packages', entry.name, 'package.json')))
  .map((entry) => {
    const dir = join(REPO_ROOT, 'packages', entry.name)
    return { dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest }
  })
  .filter(({ manifest }) => manifest.private !== true)

const destination = mkdtempSync(join(tmpdir(), 'repo-tests-pack-'))
afterAll(() => rmSync(destination, { recursive: true, force: true }))

it('finds the packages to check', () => {
  expect(publicPackages.map(({ manifest }) => manifest.name)).toContain('@missive-integrations/core')
})

describe.each(publicPackages.map((p) => [p.manifest.name, p] as const))('%s', (name, { dir, manifest }) => {
  let packed: Packed

  beforeAll(() => {
    // Build only what was never built: `pnpm build` (turbo) is the normal way, this keeps the test
    // runnable on its own without rebuilding packages other engineers are working in.
    if (!existsSync(join(dir, 'dist', 'index.js'))) {
      try {
        execFileSync('pnpm', ['--filter', name, 'build'], { cwd: REPO_ROOT, stdio: 'pipe', encoding: 'utf8' })
      } catch (error) {
        const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
        throw new Error(`could not build ${name}:\n${stdout}${stderr}`.slice(0, 4000), { cause: error })
      }
    }
    packed = pack(dir, destination)
  }, 120_000)

  it('packs built files, docs and license only, with a manifest that works outside the workspace', () => {
    expect(packedProblems(packed, manifest.files)).toEqual([])
  })

  it('passes publint', async () => {
    expect(await publintProblems(packed.tarball)).toEqual([])
  })

  it('names its repository, folder, homepage and issue tracker (npm provenance checks the repository)', () => {
    expect(metadataProblems(packed.manifest, relative(REPO_ROOT, dir), rootRepository())).toEqual([])
  })

  it('keeps name and version', () => {
    expect([packed.manifest.name, packed.manifest.version]).toEqual([manifest.name, manifest.version])
  })

  // The server serves a provider's icon from the installed package: it must be in the tarball.
  it.runIf(manifest.missiveIntegrations !== undefined)('ships its icon, assets/icon.png, a real PNG, with its source and license', () => {
    expect(packed.files).toEqual(expect.arrayContaining(['assets/icon.png', 'assets/README.md']))
    expect(iconProblems(readPackedBytes(packed.tarball, 'assets/icon.png'))).toEqual([])
  })
})

describe('packing by hand', () => {
  const core = join(REPO_ROOT, 'packages', 'core')

  it('is refused with npm, which would ship workspace: ranges and the source export', () => {
    const run = spawnSync('npm', ['pack', '--dry-run'], { cwd: core, encoding: 'utf8' })
    expect(run.status).not.toBe(0)
    expect(run.stderr).toContain('@missive-integrations/core must not be packed like this')
    expect(run.stderr).toContain('only pnpm applies publishConfig.exports and rewrites workspace: ranges')
    expect(run.stderr).toContain('pnpm release')
  })

  it('is refused before a build, whose dist/ the exports point at', () => {
    // The guard alone, as pnpm runs it, in a copy of a package that was never built.
    const copy = mkdtempSync(join(tmpdir(), 'repo-tests-unbuilt-'))
    try {
      writeFileSync(join(copy, 'package.json'), readFileSync(join(core, 'package.json')))
      const run = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'prepack-guard.mjs')], {
        cwd: copy,
        encoding: 'utf8',
        env: { ...process.env, npm_execpath: '/usr/lib/node_modules/pnpm/bin/pnpm.cjs' },
      })
      expect(run.status).toBe(1)
      expect(run.stderr).toContain('./dist/index.js does not exist yet: build first (pnpm build)')
      expect(run.stderr).not.toContain('only pnpm')
    } finally {
      rmSync(copy, { recursive: true, force: true })
    }
  })
})
