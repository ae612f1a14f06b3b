import { readFileSync } from 'node:fs'

/**
 * The provider ids apps/bridge (the monorepo's host project) depends on, from its package.json,
 * sorted: adding a provider to the repository changes no server test.
 */
export function bridgeProviderIds(): string[] {
  const manifest = JSON.parse(readFileSync(new URL('../../../../apps/bridge/package.json', import.meta.url), 'utf8')) as {
    dependencies: Record<string, string>
  }
  return Object.keys(manifest.dependencies)
    .filter((name) => name.startsWith('@missive-integrations/provider-'))
    .map((name) => name.slice('@missive-integrations/provider-'.length))
    .sort()
}
