// Every provider ships its icon (assets/icon.png, served by the server at /assets/<id>.png), lists
// assets in its published files, and says where the icon came from and under which license.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT, type Manifest } from './support/packed.ts'
import { iconProblems, pngSize } from './support/png.ts'

const providers = readdirSync(join(REPO_ROOT, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(REPO_ROOT, 'packages', entry.name, 'package.json')))
  .map((entry) => ({
    dir: join(REPO_ROOT, 'packages', entry.name),
    manifest: JSON.parse(readFileSync(join(REPO_ROOT, 'packages', entry.name, 'package.json'), 'utf8')) as Manifest,
  }))
  .filter(({ manifest }) => manifest.missiveIntegrations !== undefined)

it('finds the providers', () => {
  expect(providers.length).toBeGreaterThanOrEqual(6)
})

describe.each(providers.map((p) => [p.manifest.name, p] as const))('%s', (_name, { dir, manifest }) => {
  it('ships assets/icon.png, a real square PNG', () => {
    const file = join(dir, 'assets', 'icon.png')
    expect(existsSync(file), `${file} is missing: see CONTRIBUTING.md, "Add an icon"`).toBe(true)
    expect(iconProblems(readFileSync(file))).toEqual([])
  })

  it('publishes assets/', () => {
    expect(manifest.files).toContain('assets')
  })

  it("records the icon's source and license in assets/README.md", () => {
    const readme = readFileSync(join(dir, 'assets', 'README.md'), 'utf8')
    expect(readme).toContain('`icon.png`')
    expect(readme).toMatch(/licen[cs]e/i)
    expect(readme).not.toMatch(/placeholder/i)
  })
})

describe('the template', () => {
  it('ships a placeholder icon that says how to replace it', () => {
    expect(iconProblems(readFileSync(join(REPO_ROOT, 'templates', 'provider', 'assets', 'icon.png')))).toEqual([])
    expect(readFileSync(join(REPO_ROOT, 'templates', 'provider', 'assets', 'README.md'), 'utf8')).toMatch(/placeholder[\s\S]*To replace it/)
  })
})

describe('iconProblems', () => {
  it('refuses what is not a usable PNG', () => {
    expect(iconProblems(Buffer.from('<svg/>'))).toEqual(['not a PNG (no PNG signature and IHDR chunk)'])
    const header = (width: number, height: number) => {
      const bytes = Buffer.alloc(33)
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes)
      bytes.write('IHDR', 12, 'latin1')
      bytes.writeUInt32BE(width, 16)
      bytes.writeUInt32BE(height, 20)
      return bytes
    }
    expect(pngSize(header(128, 64))).toEqual({ width: 128, height: 64 })
    expect(iconProblems(header(128, 64))).toEqual(['not square: 128×64'])
    expect(iconProblems(header(1024, 1024))).toEqual(['1024×1024: use 64×64 to 256×256'])
    expect(iconProblems(header(128, 128))).toEqual([])
  })
})
