// `pnpm new-provider` for real, in this checkout: generate a provider, let pnpm link it, run its
// test, then remove every trace. Opt-in (`pnpm --filter @missive-integrations/repo-tests test:e2e`,
// run by CI after the main suite) because it reinstalls the workspace, which must not happen while
// `pnpm test` runs other packages' tests in parallel. test/new-provider.test.ts covers the same
// generated package hermetically on every run.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runGenerator } from './support/generator.ts'
import { REPO_ROOT } from './support/packed.ts'

const ID = 'zz-generator-check'
const PACKAGE = `@missive-integrations/provider-${ID}`
const dir = join(REPO_ROOT, 'packages', `provider-${ID}`)
const changeset = join(REPO_ROOT, '.changeset', `provider-${ID}-initial.md`)
const hostManifestPath = join(REPO_ROOT, 'apps', 'bridge', 'package.json')

/** Puts the host project's package.json back: byte for byte unless someone else changed it meanwhile. */
function restoreHostManifest(original: string, generated: string | undefined): void {
  const current = readFileSync(hostManifestPath, 'utf8')
  if (current === original) return
  if (current === generated) {
    writeFileSync(hostManifestPath, original)
    return
  }
  const manifest = JSON.parse(current) as { dependencies?: Record<string, string> }
  if (manifest.dependencies) delete manifest.dependencies[PACKAGE]
  writeFileSync(hostManifestPath, `${JSON.stringify(manifest, null, 2)}\n`)
}

describe.runIf(process.env.REPO_TESTS_E2E === '1')('new-provider in the real repository', () => {
  it('generates a provider that the workspace links and whose test passes at once', () => {
    expect(existsSync(dir), `${dir} is left over from an earlier run: remove it`).toBe(false)
    const original = readFileSync(hostManifestPath, 'utf8')
    const lockfile = readFileSync(join(REPO_ROOT, 'pnpm-lock.yaml'), 'utf8')
    let generated: string | undefined
    try {
      const run = runGenerator([ID])
      generated = readFileSync(hostManifestPath, 'utf8')
      expect(run.status, run.stderr).toBe(0)
      expect((JSON.parse(generated) as { dependencies: Record<string, string> }).dependencies[PACKAGE]).toBe('workspace:^')

      // What the server will find on its next start: the package, linked from the host project.
      const linked = join(REPO_ROOT, 'apps', 'bridge', 'node_modules', '@missive-integrations', `provider-${ID}`)
      expect(realpathSync(linked)).toBe(realpathSync(dir))

      const test = spawnSync('npx', ['vitest', 'run'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } })
      expect(test.status, `${test.stdout}${test.stderr}`).toBe(0)
      expect(test.stdout).toMatch(/Tests\s+\S*4 passed/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
      rmSync(changeset, { force: true })
      restoreHostManifest(original, generated)
      execFileSync('pnpm', ['install', '--offline'], { cwd: REPO_ROOT, stdio: 'pipe' })
    }
    expect(readFileSync(hostManifestPath, 'utf8')).toBe(original)
    expect(readFileSync(join(REPO_ROOT, 'pnpm-lock.yaml'), 'utf8')).toBe(lockfile)
    expect(existsSync(join(REPO_ROOT, 'apps', 'bridge', 'node_modules', '@missive-integrations', `provider-${ID}`))).toBe(false)
  }, 120_000)
})
