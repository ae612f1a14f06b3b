import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** test/helpers */
export const here = dirname(fileURLToPath(import.meta.url))
// Host projects are written under the package (not /tmp) so that Node resolves them as it would
// in a real install.
export const root = mkdtempSync(join(here, '..', '..', '.tmp-projects-'))
export const SOURCE = ['@missive-integrations/source', 'import', 'node']

export function cleanProjects(): void {
  rmSync(root, { recursive: true, force: true })
}

export interface FakePackage {
  name: string
  provider?: string
  code: string
}

let count = 0
/** A host project whose node_modules hold these packages; returns its package.json path. */
export function project(packages: FakePackage[], extraDependencies: string[] = []): string {
  const dir = join(root, `project-${count++}`)
  const dependencies: Record<string, string> = {}
  for (const pkg of packages) {
    const pkgDir = join(dir, 'node_modules', pkg.name)
    mkdirSync(pkgDir, { recursive: true })
    const manifest: Record<string, unknown> = { name: pkg.name, version: '1.0.0', type: 'module', exports: { '.': { import: './index.js' } } }
    if (pkg.provider) manifest.missiveIntegrations = { provider: pkg.provider }
    writeFileSync(join(pkgDir, 'package.json'), JSON.stringify(manifest))
    writeFileSync(join(pkgDir, 'index.js'), pkg.code)
    dependencies[pkg.name] = '1.0.0'
  }
  for (const name of extraDependencies) dependencies[name] = '1.0.0'
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'host', dependencies }))
  return join(dir, 'package.json')
}

// Packages under node_modules are loaded by Node itself (not transformed by vitest), so they use
// core's build: a second copy of core, as in a real install with duplicated dependencies.
const CORE = pathToFileURL(join(here, '..', '..', '..', 'core', 'dist', 'index.js')).href

/** A provider package's code: a class extending core's Integration, with an optional schema. */
export function providerClass(id: string, className = 'Acme', schema = '{ options: [] }'): string {
  return `
import { Integration } from '${CORE}'
export default class ${className} extends Integration {
  get id() { return ${JSON.stringify(id)} }
  get schema() { return ${schema} }
  process(payload) { return { references: ['r'], text: 'hello ' + String(payload.name ?? '') } }
}
`
}
