import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm'],
  // Types for the library entry only; the CLI is a binary.
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  // Dependencies are installed next to the package: never bundle them (better-sqlite3 is native).
  skipNodeModulesBundle: true,
})
