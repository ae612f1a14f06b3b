// The version policy (CONTRIBUTING.md, "Releases"), checked on the release plan `changeset status`
// computes: packages are released independently, so a package jumps a major only when a changeset
// of its own says so, never because a dependency left its peer range.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BIN, type Scratch } from './scratch.ts'

export type Bump = 'major' | 'minor' | 'patch' | 'none'

/** `changeset status --output` (the fields used here). */
export interface ReleasePlan {
  changesets: { id: string; releases: { name: string; type: Bump }[] }[]
  releases: { name: string; type: Bump; oldVersion: string; newVersion: string; changesets: string[] }[]
}

export interface WorkspaceManifest {
  name: string
  version: string
  private?: boolean
  peerDependencies?: Record<string, string>
}

/** Runs `changeset status` in a scratch repository and returns its release plan. */
export function releasePlan(scratch: Scratch): ReleasePlan {
  scratch.run(join(BIN, 'changeset'), ['status', '--output=release-plan.json'])
  return JSON.parse(readFileSync(join(scratch.dir, 'release-plan.json'), 'utf8')) as ReleasePlan
}

/** Everything in the plan and manifests that breaks the policy, as sentences (empty when none). */
export function versionPolicyProblems(plan: ReleasePlan, manifests: readonly WorkspaceManifest[]): string[] {
  const problems: string[] = []
  for (const release of plan.releases) {
    if (release.type !== 'major') continue
    const own = plan.changesets.some((c) => c.releases.some((r) => r.name === release.name && r.type === 'major'))
    if (!own) {
      problems.push(
        `${release.name} would jump a major (${release.oldVersion} → ${release.newVersion}) without a changeset of its own: ` +
          'a dependency it takes as a peer would leave its range. Release that dependency as a minor or patch, ' +
          `or add a "${release.name}": major changeset saying what changes for its users`,
      )
    }
  }
  // `^0.y` spans no minor release: a 0.x peer would bump every dependent at each minor.
  const byName = new Map(manifests.map((m) => [m.name, m]))
  for (const manifest of manifests) {
    if (manifest.private) continue
    for (const peer of Object.keys(manifest.peerDependencies ?? {})) {
      const target = byName.get(peer)
      if (target && /^0\./.test(target.version)) {
        problems.push(
          `${manifest.name} takes ${peer} as a peer but ${peer} is ${target.version}: a workspace package others peer-depend on must be 1.0.0 or later`,
        )
      }
    }
  }
  return problems
}
