// Shared by every package's vitest.config.ts: workspace packages resolve to their TypeScript
// sources through the "@missive-integrations/source" export condition, so tests need no build.
import { defineConfig } from 'vitest/config'

const conditions = ['@missive-integrations/source', 'import', 'module', 'node', 'default']

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    restoreMocks: true,
  },
})
