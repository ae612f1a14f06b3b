// Runs scripts/new-provider.mjs against a throwaway repository root, so that tests never touch
// the real checkout other engineers are working in.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { REPO_ROOT } from './packed.ts'

export const SCRIPT = join(REPO_ROOT, 'scripts', 'new-provider.mjs')

export interface Run {
  status: number | null
  stdout: string
  stderr: string
}

export function runGenerator(args: string[], cwd = REPO_ROOT): Run {
  const { status, stdout, stderr } = spawnSync(process.execPath, [SCRIPT, ...args], { cwd, encoding: 'utf8' })
  return { status, stdout, stderr }
}

/**
 * A minimal repository root: the files the generator reads or writes, the shared configs a
 * generated package extends, and `node_modules` / `packages/core` linked to the real ones so the
 * generated package can be tested, built and packed in place.
 */
export function makeRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'new-provider-'))
  for (const file of [
    'package.json',
    'pnpm-workspace.yaml',
    'LICENSE',
    'tsconfig.base.json',
    'vitest.shared.ts',
    'tsup.provider.ts',
    'eslint.config.js',
    '.prettierrc.json',
    '.prettierignore',
    'apps/bridge/package.json',
    'scripts/prepack-guard.mjs',
  ]) {
    mkdirSync(dirname(join(root, file)), { recursive: true })
    cpSync(join(REPO_ROOT, file), join(root, file))
  }
  cpSync(join(REPO_ROOT, '.changeset', 'config.json'), join(root, '.changeset', 'config.json'))
  cpSync(join(REPO_ROOT, 'templates'), join(root, 'templates'), { recursive: true })
  mkdirSync(join(root, 'packages'))
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir')
  symlinkSync(join(REPO_ROOT, 'packages', 'core'), join(root, 'packages', 'core'), 'dir')
  // A workspace package whose folder name differs from its package name.
  mkdirSync(join(root, 'tooling', 'renamed'), { recursive: true })
  writeFileSync(join(root, 'tooling', 'renamed', 'package.json'), JSON.stringify({ name: '@missive-integrations/provider-renamed', private: true }))
  return root
}

export function read(path: string): string {
  return readFileSync(path, 'utf8')
}
