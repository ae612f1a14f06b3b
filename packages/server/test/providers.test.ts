import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ProviderLoadError, findProviderPackages, loadProviders } from '../src/providers.js'
import { bridgeProviderIds } from './helpers/bridge.js'
import { SOURCE, cleanProjects, here, project, providerClass, root } from './helpers/project.js'

afterAll(cleanProjects)

describe('loadProviders', () => {
  it('loads every dependency that declares itself a provider: a class or an instance', async () => {
    const host = project(
      [
        { name: 'acme-provider', provider: 'acme', code: providerClass('acme') },
        {
          name: '@scope/beta',
          provider: 'beta',
          code: `${providerClass('beta', 'Beta')}\n`.replace('export default class Beta', 'class Beta') + 'export default new Beta()\n',
        },
        { name: 'left-pad', code: 'export default 1' },
      ],
      ['not-installed'],
    )
    expect(findProviderPackages(host).map((m) => m.provider)).toEqual(['beta', 'acme'])
    const providers = await loadProviders({ projectPackageJson: host, conditions: SOURCE })
    expect([...providers.keys()].sort()).toEqual(['acme', 'beta'])
    expect(providers.get('acme')!.integration.name).toBe('Acme')
    // Where each package is, so that start finds its fixtures without reading manifests again.
    expect(providers.get('acme')!.dir).toBe(dirname(findProviderPackages(host).find((m) => m.provider === 'acme')!.packageJson))
  })

  it('narrows to PROVIDERS, and names an unknown one', async () => {
    const host = project([
      { name: 'acme-provider', provider: 'acme', code: providerClass('acme') },
      { name: 'beta-provider', provider: 'beta', code: providerClass('beta') },
    ])
    expect([...(await loadProviders({ projectPackageJson: host, only: ['beta'], conditions: SOURCE })).keys()]).toEqual(['beta'])
    await expect(loadProviders({ projectPackageJson: host, only: ['gamma'], conditions: SOURCE })).rejects.toThrow(
      'PROVIDERS lists gamma but no installed package provides it; installed providers: acme, beta',
    )
  })

  it('fails clearly on two providers with one id', async () => {
    const host = project([
      { name: 'acme-one', provider: 'acme', code: providerClass('acme') },
      { name: 'acme-two', provider: 'acme', code: providerClass('acme') },
    ])
    await expect(loadProviders({ projectPackageJson: host, conditions: SOURCE })).rejects.toThrow(
      'two installed packages declare provider "acme": acme-one and acme-two',
    )
  })

  it('fails clearly on a default export that is not an Integration', async () => {
    const host = project([{ name: 'broken', provider: 'broken', code: 'export default { hello: 1 }' }])
    const error = await loadProviders({ projectPackageJson: host, conditions: SOURCE }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ProviderLoadError)
    expect((error as Error).message).toContain("broken's default export is not an Integration")
  })

  it('fails clearly when the declared id differs from the instance id', async () => {
    const host = project([{ name: 'acme-provider', provider: 'acme', code: providerClass('acmee') }])
    await expect(loadProviders({ projectPackageJson: host, conditions: SOURCE })).rejects.toThrow(
      'acme-provider declares provider "acme" in its package.json but its Integration\'s id is "acmee"',
    )
  })

  it('fails clearly without a project package.json', async () => {
    await expect(loadProviders({ projectPackageJson: join(root, 'missing', 'package.json') })).rejects.toThrow(/PROJECT_DIR/)
  })

  it('composes the monorepo: apps/bridge, its host project, finds the workspace providers', async () => {
    const manifests = findProviderPackages(join(here, '..', '..', '..', '..', 'apps', 'bridge', 'package.json'))
    expect(manifests.map((m) => m.provider).sort()).toEqual(bridgeProviderIds())
    expect(bridgeProviderIds()).toEqual(expect.arrayContaining(['canny', 'github', 'gitlab', 'heroku', 'rollbar', 'sentry']))
  })
})
