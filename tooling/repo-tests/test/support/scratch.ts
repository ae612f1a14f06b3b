// A throwaway git repository holding this workspace's manifests and configs (no sources), so that
// tools which read git history (turbo's affected filter, changesets) can be run on changes made up
// for the test, whatever state the real checkout is in.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { parse } from 'yaml'
import { REPO_ROOT } from './packed.ts'

export const BIN = join(REPO_ROOT, 'node_modules', '.bin')

/** Workspace package folders (relative to the root), from pnpm-workspace.yaml's `packages:` globs (`dir/*` only). */
export function workspaceDirs(root = REPO_ROOT): string[] {
  const { packages } = parse(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')) as { packages: string[] }
  return packages.flatMap((glob) => {
    if (!glob.endsWith('/*')) throw new Error(`pnpm-workspace.yaml: only "dir/*" globs are understood here, got ${glob}`)
    const base = join(root, glob.slice(0, -2))
    if (!existsSync(base)) return []
    return readdirSync(base, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(base, entry.name, 'package.json')))
      .map((entry) => relative(root, join(base, entry.name)))
  })
}

export interface Scratch {
  dir: string
  /** Writes files (paths relative to the root) and commits them. */
  commit(files: Record<string, string>, message?: string): void
  /** Runs a command in the scratch repository; throws with its output when it fails. */
  run(command: string, args: string[], env?: Record<string, string>): string
  remove(): void
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'repo-tests',
  GIT_AUTHOR_EMAIL: 'repo-tests@example.com',
  GIT_COMMITTER_NAME: 'repo-tests',
  GIT_COMMITTER_EMAIL: 'repo-tests@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
}

/**
 * A git repository on branch main with one commit: the root's configs, `.changeset/` and every
 * workspace package's package.json and turbo.json, copied from this checkout.
 */
export function scratchRepository(): Scratch {
  const dir = mkdtempSync(join(tmpdir(), 'repo-tests-scratch-'))
  const files = ['package.json', 'pnpm-workspace.yaml', 'pnpm-lock.yaml', 'turbo.json', '.changeset']
  for (const pkg of workspaceDirs()) files.push(join(pkg, 'package.json'), join(pkg, 'turbo.json'))
  for (const file of files) {
    if (!existsSync(join(REPO_ROOT, file))) continue
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    cpSync(join(REPO_ROOT, file), join(dir, file), { recursive: true })
  }
  const run = (command: string, args: string[], env: Record<string, string> = {}) => {
    try {
      return execFileSync(command, args, { cwd: dir, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, ...GIT_ENV, ...env } })
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
      throw new Error(`${command} ${args.join(' ')} failed in ${dir}:\n${stdout}${stderr}`.slice(0, 6000), { cause: error })
    }
  }
  const commit = (changes: Record<string, string>, message = 'change') => {
    for (const [file, text] of Object.entries(changes)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true })
      writeFileSync(join(dir, file), text)
    }
    run('git', ['add', '-A'])
    run('git', ['commit', '--quiet', '--allow-empty', '-m', message])
  }
  run('git', ['init', '--quiet', '--initial-branch=main'])
  commit({}, 'base')
  return { dir, commit, run, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
