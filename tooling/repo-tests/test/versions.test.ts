// Item: providers release independently. `changeset status` on the pending changesets must not
// bump any package by a major that no changeset of its own asks for, and a core minor must not
// release the providers at all. Run in a scratch copy of the manifests and .changeset/, so that
// made-up changesets can show what the check catches.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from './support/packed.ts'
import { scratchRepository, workspaceDirs, type Scratch } from './support/scratch.ts'
import { releasePlan, versionPolicyProblems, type Bump, type WorkspaceManifest } from './support/version-policy.ts'

const manifests = workspaceDirs().map((dir) => JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8')) as WorkspaceManifest)
const publicNames = manifests.filter((m) => !m.private).map((m) => m.name)
const CORE = '@missive-integrations/core'
const dependentsOfCore = manifests
  .filter((m) => !m.private && m.peerDependencies?.[CORE])
  .map((m) => m.name)
  .sort()

const scratches: Scratch[] = []
afterAll(() => scratches.forEach((s) => s.remove()))

/** The release plan of the real pending changesets, with `extra` changesets added (name → bumps). */
function planWith(extra: Record<string, Record<string, Bump>> = {}) {
  const scratch = scratchRepository()
  scratches.push(scratch)
  const files: Record<string, string> = {}
  for (const [id, bumps] of Object.entries(extra)) {
    const frontmatter = Object.entries(bumps)
      .map(([name, bump]) => `"${name}": ${bump}`)
      .join('\n')
    files[`.changeset/${id}.md`] = `---\n${frontmatter}\n---\n\nA change made up by the test.\n`
  }
  if (Object.keys(files).length > 0) scratch.commit(files, 'made-up changesets')
  return releasePlan(scratch)
}

describe('the pending changesets', () => {
  const plan = planWith()

  it('follow the version policy', () => {
    expect(versionPolicyProblems(plan, manifests)).toEqual([])
  })

  it('release public packages only, each by a minor at most: nothing jumps a major', () => {
    // Private packages (the host project, the repository checks) appear with type "none" when a
    // dependency of theirs moves: they are never versioned.
    for (const release of plan.releases.filter((r) => r.type !== 'none')) {
      expect(publicNames, `${release.name} is not a public workspace package`).toContain(release.name)
      expect(release.type, `${release.name} ${release.oldVersion} → ${release.newVersion}`).not.toBe('major')
    }
  })
})

describe('the check', () => {
  it('has dependents of core to protect (providers and the server)', () => {
    expect(dependentsOfCore).toEqual(expect.arrayContaining(['@missive-integrations/provider-github', '@missive-integrations/server']))
  })

  it('reports every package a core major would bump by a major without a changeset of its own', () => {
    const problems = versionPolicyProblems(planWith({ 'core-breaks': { [CORE]: 'major' } }), manifests)
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual(dependentsOfCore)
    expect(problems[0]).toMatch(/without a changeset of its own.*add a ".*": major changeset/)
  })

  it('accepts a core major when every dependent says what changes for its users', () => {
    const bumps = Object.fromEntries([[CORE, 'major'], ...dependentsOfCore.map((name) => [name, 'major'])]) as Record<string, Bump>
    expect(versionPolicyProblems(planWith({ 'core-breaks': bumps }), manifests)).toEqual([])
  })

  it('a core minor releases core alone: providers are released only by their own changesets', () => {
    const before = planWith()
    const after = planWith({ 'core-adds': { [CORE]: 'minor' } })
    expect(versionPolicyProblems(after, manifests)).toEqual([])
    const others = (plan: typeof before) => plan.releases.filter((r) => r.name !== CORE).map((r) => `${r.name}@${r.newVersion}`)
    expect(others(after)).toEqual(others(before))
    expect(after.releases.find((r) => r.name === CORE)?.type).toBe('minor')
  })

  it('reports a 0.x package that others take as a peer', () => {
    const zero = manifests.map((m) => (m.name === CORE ? { ...m, version: '0.3.0' } : m))
    expect(versionPolicyProblems({ changesets: [], releases: [] }, zero)).toEqual(
      dependentsOfCore.map((name) => `${name} takes ${CORE} as a peer but ${CORE} is 0.3.0: a workspace package others peer-depend on must be 1.0.0 or later`),
    )
  })
})
