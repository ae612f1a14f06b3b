// The pack checks themselves: each problem a broken `files` / `publishConfig` causes is reported.
import { describe, expect, it } from 'vitest'
import { metadataProblems, packedProblems, type Packed } from './support/packed.ts'

const good: Packed = {
  tarball: '/nonexistent.tgz',
  files: ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist/index.d.ts', 'dist/index.js', 'package.json'],
  manifest: {
    name: '@missive-integrations/provider-acme',
    version: '1.0.0',
    files: ['dist', 'README.md', 'CHANGELOG.md', 'LICENSE'],
    exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' }, './package.json': './package.json' },
    peerDependencies: { '@missive-integrations/core': '^0.1.0' },
  },
}

describe('packedProblems', () => {
  it('accepts a clean package', () => {
    expect(packedProblems(good)).toEqual([])
  })

  it('reports missing docs and build output', () => {
    expect(packedProblems({ ...good, files: ['package.json', 'dist/index.js'] })).toEqual([
      'missing README.md',
      'missing LICENSE',
      'missing CHANGELOG.md',
      'missing dist/index.d.ts',
      'exports . → types points to ./dist/index.d.ts, which is not in the tarball',
    ])
  })

  it('reports sources, tests, fixtures and configs', () => {
    const files = [...good.files, 'src/index.ts', 'test/acme.test.ts', 'fixtures/ping__basic.json', 'tsconfig.json', 'vitest.config.ts', 'tsup.config.ts']
    expect(packedProblems({ ...good, files })).toEqual([
      'ships a development file: src/index.ts',
      'ships a development file: test/acme.test.ts',
      'ships a development file: fixtures/ping__basic.json',
      'ships a development file: tsconfig.json',
      'ships a development file: vitest.config.ts',
      'ships a development file: tsup.config.ts',
    ])
  })

  it('accepts fixtures a package lists in files (read at runtime by preview and the playground)', () => {
    const manifest = { ...good.manifest, files: [...good.manifest.files!, 'fixtures'] }
    expect(packedProblems({ ...good, manifest, files: [...good.files, 'fixtures/ping__basic.json'] })).toEqual([])
  })

  it('reports workspace-only exports and ranges that publishConfig and pnpm should have replaced', () => {
    const manifest = {
      ...good.manifest,
      exports: { '.': { '@missive-integrations/source': './src/index.ts', types: './dist/index.d.ts', import: './dist/index.js' } },
      peerDependencies: { '@missive-integrations/core': 'workspace:^' },
    }
    expect(packedProblems({ ...good, manifest })).toEqual([
      'exports keeps the workspace-only condition at . → @missive-integrations/source',
      'peerDependencies["@missive-integrations/core"] is still "workspace:^"',
    ])
  })

  it('reports exports and bin targets missing from the tarball, including patterns', () => {
    const manifest = { ...good.manifest, exports: { './*': './dist/*.js' }, bin: { acme: './dist/cli.js' } }
    expect(packedProblems({ ...good, manifest, files: good.files.filter((f) => !f.endsWith('.js')) })).toEqual([
      'missing dist/index.js',
      'exports ./* points to ./dist/*.js, which is not in the tarball',
      'bin → acme points to ./dist/cli.js, which is not in the tarball',
    ])
  })
})

describe('metadataProblems', () => {
  const repository = { type: 'git', url: 'git+https://github.com/acme/bridge.git' }
  const manifest = {
    ...good.manifest,
    license: 'MIT',
    engines: { node: '>=20.19' },
    homepage: 'https://github.com/acme/bridge/tree/main/packages/provider-acme#readme',
    bugs: 'https://github.com/acme/bridge/issues',
    repository: { ...repository, directory: 'packages/provider-acme' },
  }

  it('accepts a package that names its repository, folder, homepage and issue tracker', () => {
    expect(metadataProblems(manifest, 'packages/provider-acme', repository)).toEqual([])
  })

  it('reports missing or stale fields, saying what was expected', () => {
    const { homepage: _homepage, bugs: _bugs, engines: _engines, ...bare } = manifest
    expect(metadataProblems({ ...bare, repository: { ...repository, directory: 'packages/acme' } }, 'packages/provider-acme', repository)).toEqual([
      'repository is {"type":"git","url":"git+https://github.com/acme/bridge.git","directory":"packages/acme"}, expected {"type":"git","url":"git+https://github.com/acme/bridge.git","directory":"packages/provider-acme"}',
      'homepage is undefined, expected "https://github.com/acme/bridge/tree/main/packages/provider-acme#readme"',
      'bugs is undefined, expected "https://github.com/acme/bridge/issues"',
      'engines.node is missing',
    ])
  })
})
