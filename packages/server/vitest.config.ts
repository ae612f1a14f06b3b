import type { ViteUserConfig } from 'vitest/config'
import shared from '../../vitest.shared.ts'

// Vitest starts its workers with the SSR conditions as `node --conditions`, which Node applies to
// require() too: with `import` among them, pg's own require('pg-pool') loads pg-pool's ESM
// wrapper and fails. Node adds `import`/`require`, `node` and `default` itself; the workspace's
// source condition is the one that needs saying.
const conditions = ['@missive-integrations/source', 'node']

const config: ViteUserConfig = { ...shared, ssr: { ...shared.ssr, resolve: { ...shared.ssr?.resolve, conditions, externalConditions: conditions } } }
export default config
