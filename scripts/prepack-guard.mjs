#!/usr/bin/env node
// `prepack` of every published package. Only pnpm packs these packages right: it swaps `exports`
// for `publishConfig.exports` and rewrites `workspace:^` to real versions. `npm pack` / `npm
// publish` do neither, so a hand-made tarball would ship a `@missive-integrations/source` export
// pointing at src/ (not in the tarball) and an uninstallable `workspace:^` range. And a package
// packed before `pnpm build` would point at a dist/ that does not exist.
// Plain Node with no dependencies, run from the package's folder.
import { existsSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'

const dir = process.cwd()
const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))

/** Every file path an `exports` / `bin` value points at (patterns excluded). */
function targets(value) {
  if (typeof value === 'string') return value.includes('*') ? [] : [value]
  if (value === null || typeof value !== 'object') return []
  return Object.values(value).flatMap(targets)
}

const problems = []
// npm_execpath is the tool running this script; npm sets it even when started from a pnpm script
// (the user agent, by contrast, is inherited from the environment).
const tool = basename(process.env.npm_execpath ?? '')
if (!tool.startsWith('pnpm')) {
  problems.push(
    `it is being packed by ${tool.replace(/[-.].*$/, '') || 'a tool that is not pnpm'}: only pnpm applies publishConfig.exports and rewrites workspace: ranges`,
  )
}
for (const target of [...targets(manifest.publishConfig?.exports ?? manifest.exports), ...targets(manifest.bin)]) {
  if (!existsSync(join(dir, target))) problems.push(`${target} does not exist yet: build first (pnpm build)`)
}

if (problems.length > 0) {
  console.error(
    `${manifest.name} must not be packed like this:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
      'Release with `pnpm release` (build, then changeset publish through pnpm), or make a tarball with ' +
      '`pnpm build && pnpm --filter <package> pack`. See CONTRIBUTING.md, "Releases".',
  )
  process.exit(1)
}
