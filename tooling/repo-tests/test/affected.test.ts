// Item: CI per provider. A pull request runs what its changes affect: `.ci/run --affected <base>`
// hands turbo `--filter=...[<base>]` (the changed packages and every package that depends on
// them) plus the repository checks. The exact command is read from .ci/run and dry-run
// (`--dry=json`) in a scratch repository on a made-up commit, so what is proven here is what CI runs.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from './support/packed.ts'
import { BIN, scratchRepository, workspaceDirs, type Scratch } from './support/scratch.ts'

const REPO_TESTS = '@missive-integrations/repo-tests'

/** The turbo arguments of .ci/run's pull-request mode, with `$base` replaced by `base`. */
function affectedTurboArgs(base: string): string[] {
  const script = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8')
  const line = script.split('\n').find((l) => /\bturbo run\b/.test(l) && l.includes('$base'))
  if (!line) throw new Error('.ci/run has no `turbo run … --filter="...[$base]"` line for pull requests')
  // The line is simple enough for a plain split: words, some in double quotes, no escapes.
  const words = line
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/"/g, '').replaceAll('$base', base))
  return words.slice(words.indexOf('turbo') + 1)
}

interface DryRun {
  tasks: { taskId: string; command: string }[]
}

function workspaceName(dir: string): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8')) as { name: string }).name
}

const providers = workspaceDirs().filter((dir) => /^packages\/provider-[^/]+$/.test(dir))

describe('turbo selection for a pull request', () => {
  let scratch: Scratch

  beforeAll(() => {
    scratch = scratchRepository()
  })
  afterAll(() => scratch.remove())

  /** The tasks CI would run (those with a script) after committing `files` on top of the base. */
  function tasksFor(files: Record<string, string>): string[] {
    scratch.commit(files)
    const json = scratch.run(join(BIN, 'turbo'), [...affectedTurboArgs('HEAD^'), '--dry=json'], { TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' })
    const run = JSON.parse(json.slice(json.indexOf('{'))) as DryRun
    return run.tasks
      .filter((t) => t.command !== '<NONEXISTENT>')
      .map((t) => t.taskId)
      .sort()
  }

  const repoTests = [`${REPO_TESTS}#lint`, `${REPO_TESTS}#test`, `${REPO_TESTS}#typecheck`]
  const checks = (name: string) => [`${name}#lint`, `${name}#test`, `${name}#typecheck`]

  it('finds the providers to check', () => {
    expect(providers).toEqual(expect.arrayContaining(['packages/provider-github', 'packages/provider-rollbar']))
  })

  it.each(providers)('a change to %s alone runs that provider and the repository checks only', (dir) => {
    const tasks = tasksFor({ [`${dir}/src/index.ts`]: `// ${dir} changed\n` })
    expect(tasks).toEqual([...checks(workspaceName(dir)), ...repoTests].sort())
  })

  it('a change to core runs core, every provider and the server', () => {
    const tasks = tasksFor({ 'packages/core/src/index.ts': '// core changed\n' })
    for (const name of ['@missive-integrations/core', '@missive-integrations/server', ...providers.map(workspaceName)]) {
      expect(tasks).toEqual(expect.arrayContaining(checks(name)))
    }
  })

  it.each(['package.json', 'tsconfig.base.json', 'eslint.config.js', 'vitest.shared.ts', 'tsup.provider.ts'])(
    'a change to the shared %s runs every package',
    (file) => {
      const previous = readFileSync(join(REPO_ROOT, file), 'utf8')
      const changed = file.endsWith('.json')
        ? `${JSON.stringify({ ...JSON.parse(previous), description: `changed ${file}` }, null, 2)}\n`
        : `${previous}// changed\n`
      const tasks = tasksFor({ [file]: changed })
      for (const dir of workspaceDirs()) {
        const manifest = JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8')) as { name: string; scripts?: Record<string, string> }
        if (manifest.scripts?.test) expect(tasks, `${file} → ${manifest.name}`).toContain(`${manifest.name}#test`)
      }
    },
  )

  it('a change outside every package (docs, workflows, the template) runs the repository checks', () => {
    const tasks = tasksFor({ 'README.md': 'changed\n', 'templates/provider/src/index.ts': '// changed\n' })
    expect(tasks).toEqual(repoTests)
  })
})

describe('what keeps the selection narrow', () => {
  it('the root package.json depends on no workspace package (else turbo selects every package for any change)', () => {
    const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>
    const internal = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'].flatMap((field) =>
      Object.keys(root[field] ?? {}).filter((name) => name.startsWith('@missive-integrations/')),
    )
    expect(internal).toEqual([])
  })

  it('no public package depends on a provider (the host project, apps/bridge, is where they come together)', () => {
    for (const dir of workspaceDirs()) {
      const manifest = JSON.parse(readFileSync(join(REPO_ROOT, dir, 'package.json'), 'utf8')) as Record<string, unknown>
      if (manifest.private === true) continue
      const fields = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const
      const onProviders = fields.flatMap((f) => Object.keys((manifest[f] as Record<string, string> | undefined) ?? {})).filter((n) => n.includes('/provider-'))
      expect(onProviders, dir).toEqual([])
    }
  })

  it('the host project lists every provider in the workspace', () => {
    const bridge = JSON.parse(readFileSync(join(REPO_ROOT, 'apps', 'bridge', 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
    for (const dir of providers) expect(bridge.dependencies[workspaceName(dir)], dir).toBe('workspace:^')
  })
})
