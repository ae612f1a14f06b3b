// `pnpm new-provider <name>` against a throwaway root (`--root`, `--skip-install`): the files it
// creates, the wiring, the refusals, and that what it generates passes its own test, typecheck,
// lint and build and packs cleanly.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeRoot, read, runGenerator } from './support/generator.ts'
import { REPO_ROOT, metadataProblems, pack, packedProblems, publintProblems, rootRepository, type Manifest } from './support/packed.ts'
import { iconProblems } from './support/png.ts'

const roots: string[] = []
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true })
})

function freshRoot(): string {
  const root = makeRoot()
  roots.push(root)
  return root
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => !path.split('/').includes('node_modules') && statSync(join(dir, path)).isFile())
    .sort()
}

const BIN = join(REPO_ROOT, 'node_modules', '.bin')
const HOST_MANIFEST = join('apps', 'bridge', 'package.json')

describe('new-provider creates a provider package', () => {
  let root: string
  let dir: string
  let hostManifestBefore: string
  let stdout: string

  beforeAll(() => {
    root = freshRoot()
    hostManifestBefore = read(join(root, HOST_MANIFEST))
    const run = runGenerator(['status-page', '--title', 'Status Page Pro', '--skip-install', '--root', root])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    stdout = run.stdout
    dir = join(root, 'packages', 'provider-status-page')
  })

  it('creates the package skeleton', () => {
    expect(listFiles(dir)).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'assets/README.md',
      'assets/icon.png',
      'fixtures/README.md',
      'fixtures/item.created__basic.headers.json',
      'fixtures/item.created__basic.json',
      'fixtures/ping__basic.json',
      'package.json',
      'src/index.ts',
      'test/status-page.test.ts',
      'tsconfig.json',
      'tsup.config.ts',
      'vitest.config.ts',
    ])
  })

  it('replaces every template token, in names and contents', () => {
    for (const file of listFiles(dir).filter((name) => !name.endsWith('.png'))) {
      expect(file).not.toMatch(/__(ID|NAME|TITLE)__/)
      expect(read(join(dir, file)), file).not.toMatch(/__(ID|NAME|TITLE)__/)
    }
    expect(read(join(dir, 'src', 'index.ts'))).toContain('export default class StatusPage extends Integration')
    expect(read(join(dir, 'src', 'index.ts'))).toContain("return 'status-page'")
    expect(read(join(dir, 'src', 'index.ts'))).toContain("return 'Status Page Pro'")
    expect(read(join(dir, 'src', 'index.ts'))).toContain("header: 'x-status-page-signature'")
    expect(read(join(dir, 'test', 'status-page.test.ts'))).toContain("import StatusPage, { SIGNATURE } from '../src/index.ts'")
  })

  it('copies the placeholder icon byte for byte, and says how to replace it', () => {
    const icon = readFileSync(join(dir, 'assets', 'icon.png'))
    expect(icon.equals(readFileSync(join(REPO_ROOT, 'templates', 'provider', 'assets', 'icon.png')))).toBe(true)
    expect(iconProblems(icon)).toEqual([])
    expect(read(join(dir, 'assets', 'README.md'))).toContain('<PUBLIC_URL>/assets/status-page.png')
    expect(stdout).toContain('packages/provider-status-page/assets/icon.png')
  })

  it('declares the provider in package.json, with the publishing metadata of its folder', () => {
    const manifest = JSON.parse(read(join(dir, 'package.json'))) as Manifest
    expect(manifest.name).toBe('@missive-integrations/provider-status-page')
    expect(manifest.version).toBe('0.0.0')
    expect(manifest.missiveIntegrations).toEqual({ provider: 'status-page' })
    expect(manifest.peerDependencies).toEqual({ '@missive-integrations/core': 'workspace:^' })
    expect(metadataProblems(manifest, 'packages/provider-status-page', rootRepository())).toEqual([])
  })

  it('writes a README with numbered setup steps, a CHANGELOG and the root LICENSE', () => {
    const readme = read(join(dir, 'README.md'))
    expect(readme).toMatch(/^# @missive-integrations\/provider-status-page$/m)
    expect(readme).toMatch(/^1\. .+\n(?:.*\n)*?2\. /m)
    expect(read(join(dir, 'CHANGELOG.md'))).toMatch(/^# @missive-integrations\/provider-status-page/)
    expect(read(join(dir, 'LICENSE'))).toBe(read(join(REPO_ROOT, 'LICENSE')))
  })

  it('adds a minor changeset for the new package', () => {
    const changeset = read(join(root, '.changeset', 'provider-status-page-initial.md'))
    expect(changeset).toMatch(/^---\n"@missive-integrations\/provider-status-page": minor\n---\n\n\S.*\.\n$/)
  })

  it('adds the package to the host project (apps/bridge), sorted, keeping key order and format', () => {
    const before = JSON.parse(hostManifestBefore) as Record<string, Record<string, string>>
    const after = read(join(root, HOST_MANIFEST))
    const dependencies: Record<string, string> = { ...before.dependencies, '@missive-integrations/provider-status-page': 'workspace:^' }
    const sorted = Object.fromEntries(
      Object.keys(dependencies)
        .sort()
        .map((name) => [name, dependencies[name]]),
    )
    expect(after).toBe(`${JSON.stringify({ ...before, dependencies: sorted }, null, 2)}\n`)
    expect(Object.keys(JSON.parse(after) as object)).toEqual(Object.keys(before))
    // Never the root: a root that depends on workspace packages makes turbo run everything for any change.
    expect(read(join(root, 'package.json'))).toBe(read(join(REPO_ROOT, 'package.json')))
  })

  it('prints the next steps', () => {
    expect(stdout).toContain('missive-integrations preview status-page')
    expect(stdout).toContain('changeset')
    expect(stdout).toMatch(/one pull request/i)
  })

  it('generates a package that passes its test, typecheck and lint, builds and packs cleanly', async () => {
    const inDir = { cwd: dir, stdio: 'pipe', encoding: 'utf8' } as const
    // What `pnpm install` would do: link the package's devDependency on core into its node_modules
    // (tests import it; `pnpm pack` resolves the workspace: range through it).
    mkdirSync(join(dir, 'node_modules', '@missive-integrations'), { recursive: true })
    symlinkSync(join(REPO_ROOT, 'packages', 'core'), join(dir, 'node_modules', '@missive-integrations', 'core'), 'dir')
    execFileSync(join(BIN, 'vitest'), ['run'], inDir)
    execFileSync(join(BIN, 'tsc'), ['-p', 'tsconfig.json'], inDir)
    execFileSync(join(BIN, 'eslint'), ['src', 'test'], inDir)
    execFileSync(join(BIN, 'tsup'), [], inDir)
    const packed = pack(dir, root)
    expect(packedProblems(packed)).toEqual([])
    expect(await publintProblems(packed.tarball)).toEqual([])
    expect(metadataProblems(packed.manifest, 'packages/provider-status-page', rootRepository())).toEqual([])
    expect(packed.files).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'assets/README.md',
      'assets/icon.png',
      'dist/index.d.ts',
      'dist/index.js',
      'dist/index.js.map',
      'fixtures/README.md',
      'fixtures/item.created__basic.headers.json',
      'fixtures/item.created__basic.json',
      'fixtures/ping__basic.json',
      'package.json',
    ])
    // Five whole tool runs one after another, while turbo runs the server's process tests beside
    // them on a 2-core machine: a minute is not enough there. A limit, not a speed target.
  }, 240_000)
})

describe('new-provider formats what it writes', () => {
  it('as the repository is, even where a long name pushes a line past the width', () => {
    const root = freshRoot()
    const run = runGenerator(['acme-status-page-notifications', '--skip-install', '--root', root])
    expect(run.status).toBe(0)
    const dir = join(root, 'packages', 'provider-acme-status-page-notifications')
    // Filled in as is, the template's signature scheme line is 167 characters long here.
    const check = spawnSync(join(BIN, 'prettier'), ['--check', dir, join(root, HOST_MANIFEST)], { cwd: root, encoding: 'utf8' })
    expect(check.stderr + check.stdout).toContain('All matched files use Prettier code style!')
    expect(check.status).toBe(0)
  })
})

describe('new-provider options', () => {
  it('derives the class name and title from the name', () => {
    const root = freshRoot()
    expect(runGenerator(['acme', '--skip-install', '--root', root]).status).toBe(0)
    const source = read(join(root, 'packages', 'provider-acme', 'src', 'index.ts'))
    expect(source).toContain('export default class Acme extends Integration')
    expect(source).toContain("return 'Acme'")
  })

  it('--dry-run prints the plan and touches nothing', () => {
    const root = freshRoot()
    const manifest = read(join(root, HOST_MANIFEST))
    const run = runGenerator(['acme', '--dry-run', '--root', root])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('create packages/provider-acme/src/index.ts')
    expect(run.stdout).toContain('create .changeset/provider-acme-initial.md')
    expect(run.stdout).toContain('update apps/bridge/package.json')
    expect(existsSync(join(root, 'packages', 'provider-acme'))).toBe(false)
    expect(existsSync(join(root, '.changeset', 'provider-acme-initial.md'))).toBe(false)
    expect(read(join(root, HOST_MANIFEST))).toBe(manifest)
  })

  it('--help exits 0', () => {
    const run = runGenerator(['--help'])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('Usage: pnpm new-provider <name>')
  })
})

describe('new-provider refuses', () => {
  let root: string
  let before: string[]

  beforeAll(() => {
    root = freshRoot()
    expect(runGenerator(['taken', '--skip-install', '--root', root]).status).toBe(0)
    before = listFiles(root)
  })

  // Nothing a refused run does may leave a trace.
  afterAll(() => expect(listFiles(root)).toEqual(before))

  it('a name whose package folder exists', () => {
    const run = runGenerator(['taken', '--skip-install', '--root', root])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('packages/provider-taken already exists')
  })

  it('a name another workspace package already has', () => {
    const run = runGenerator(['renamed', '--skip-install', '--root', root])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('a workspace package is already named @missive-integrations/provider-renamed')
  })

  it.each(['Acme', 'ab', 'a', '1password', 'acme-', 'acme--corp', 'acme_corp', 'acme.corp', 'ac me', 'a'.repeat(41), 'provider-acme', 'ünicode'])(
    'the invalid name %j',
    (name) => {
      const run = runGenerator([name, '--skip-install', '--root', root])
      expect(run.status).toBe(1)
      expect(run.stderr).toMatch(/^new-provider: invalid provider name ".*": \S/)
    },
  )

  it.each(['core', 'server', 'integrations', 'healthz', 'readyz', 'metrics', 'playground', 'assets', 'constructor', 'prototype', 'tostring'])(
    'the reserved id %j',
    (name) => {
      const run = runGenerator([name, '--skip-install', '--root', root])
      expect(run.status).toBe(1)
      expect(run.stderr).toContain(`"${name}" is reserved`)
    },
  )

  it('__proto__, which is not even a valid name', () => {
    expect(runGenerator(['__proto__', '--skip-install', '--root', root]).status).toBe(1)
  })

  it('a title that would need escaping', () => {
    const run = runGenerator(['acme', '--title', `Acme "Cloud"`, '--skip-install', '--root', root])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('invalid --title')
  })

  it.each([
    [[], 'missing the provider name'],
    [['acme', 'other'], 'expected one provider name'],
    [['acme', '--force'], 'unknown option --force'],
    [['acme', '--title'], '--title needs a value'],
    [['acme', '--root'], '--root needs a value'],
  ])('usage errors with exit code 2: %j', (args, message) => {
    const run = runGenerator(['--skip-install', '--root', root, ...args])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(message)
    expect(run.stderr).toContain('Usage: pnpm new-provider')
  })
})
