// The built CLI as a child process, for the tests that kill it (-9) or run several of it.
import { spawn, type ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'

export const SERVER_DIR = resolve(import.meta.dirname, '../..')
export const REPO_ROOT = resolve(SERVER_DIR, '../..')
/** Built by turbo before the server's tests; run `npx tsup` to run such a test alone. */
export const CLI = join(SERVER_DIR, 'dist/cli.js')

const children = new Set<ChildProcess>()

/** Start `missive-integrations start` and wait until `base` answers /healthz. */
export async function startServer(env: NodeJS.ProcessEnv, base: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'start'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] })
  children.add(child)
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.on('exit', () => children.delete(child))
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${stderr}`)
      return fetch(`${base}/healthz`).then(
        (response) => response.ok,
        () => false,
      )
    },
    15_000,
    'the server to listen',
  )
  return child
}

/** kill -9, resolved once the process is gone. */
export async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

/** Kill every server still running (afterAll). */
export async function killAll(): Promise<void> {
  await Promise.all([...children].map(kill))
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
