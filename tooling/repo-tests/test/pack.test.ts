// Every public package in packages/* must publish cleanly: built files, docs and license in,
// sources, tests and configs out, and a manifest that works outside the workspace.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, pack, packedProblems, type Manifest, type Packed } from './support/packed.ts'

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

  it('keeps name and version', () => {
    expect([packed.manifest.name, packed.manifest.version]).toEqual([manifest.name, manifest.version])
  })
})
