// The GitHub Actions workflows cannot run here, so check what can be checked: they parse, have the
// shape Actions requires, and call commands and scripts that exist in this repository.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseDocument } from 'yaml'
import { REPO_ROOT } from './support/packed.ts'

interface Step {
  name?: string
  if?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
}

interface Job {
  'runs-on'?: unknown
  uses?: string
  strategy?: { matrix?: Record<string, unknown> }
  steps?: Step[]
}

interface Workflow {
  name?: string
  on?: unknown
  permissions?: Record<string, string>
  concurrency?: unknown
  jobs?: Record<string, Job>
}

const WORKFLOWS_DIR = join(REPO_ROOT, '.github', 'workflows')
// Node 20 left support in April 2026 but the packages still run on it; 22 and 24 are the LTS lines.
const NODE_MATRIX = [20, 22, 24]
const rootManifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  packageManager: string
  scripts: Record<string, string>
}

function load(file: string): Workflow {
  const document = parseDocument(readFileSync(join(WORKFLOWS_DIR, file), 'utf8'), { prettyErrors: true, uniqueKeys: true })
  expect(document.errors.map(String), file).toEqual([])
  expect(document.warnings.map(String), file).toEqual([])
  return document.toJS() as Workflow
}

function steps(workflow: Workflow): Step[] {
  return Object.values(workflow.jobs ?? {}).flatMap((job) => job.steps ?? [])
}

const files = existsSync(WORKFLOWS_DIR)
  ? readdirSync(WORKFLOWS_DIR)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
  : []

it('has the CI and release workflows', () => {
  expect(files).toEqual(expect.arrayContaining(['ci.yml', 'release.yml']))
})

describe.each(files)('%s', (file) => {
  const workflow = load(file)

  it('has a name, triggers and jobs', () => {
    expect(workflow.name).toEqual(expect.any(String))
    expect(workflow.on).toBeTruthy()
    expect(Object.keys(workflow.jobs ?? {})).not.toEqual([])
  })

  it('gives every job a runner and steps, and every step either run or uses', () => {
    for (const [id, job] of Object.entries(workflow.jobs ?? {})) {
      if (job.uses) continue // a reusable workflow call has neither
      expect(job['runs-on'], `${id}: runs-on`).toBeTruthy()
      expect(job.steps, `${id}: steps`).toEqual(expect.any(Array))
      expect(job.steps!.length, `${id}: steps`).toBeGreaterThan(0)
      for (const [index, step] of job.steps!.entries()) {
        const label = `${id} step ${index + 1} (${step.name ?? step.uses ?? step.run})`
        expect(Number(Boolean(step.run)) + Number(Boolean(step.uses)), `${label}: exactly one of run / uses`).toBe(1)
        if (step.uses) expect(step.uses, label).toMatch(/^[\w.-]+\/[\w./-]+@[\w.-]+$/)
      }
    }
  })

  it('installs the pinned pnpm, and Node versions that CI tests', () => {
    const pnpmInstalls = steps(workflow).filter((s) => s.run?.includes('npm install -g pnpm@'))
    expect(pnpmInstalls).not.toEqual([])
    for (const step of pnpmInstalls) expect(step.run).toContain(rootManifest.packageManager)
    for (const job of Object.values(workflow.jobs ?? {})) {
      for (const step of (job.steps ?? []).filter((s) => s.uses?.startsWith('actions/setup-node@'))) {
        const version = String(step.with?.['node-version'])
        if (version === '${{ matrix.node }}') expect(job.strategy?.matrix?.node).toEqual(NODE_MATRIX)
        else expect(NODE_MATRIX.map(String)).toContain(version)
      }
    }
  })
})

describe('ci.yml', () => {
  const workflow = load('ci.yml')
  const test = workflow.jobs?.test

  it('runs on pushes and pull requests', () => {
    expect(Object.keys(workflow.on as object)).toEqual(expect.arrayContaining(['push', 'pull_request']))
  })

  it('tests on Node 20, 22 and 24, each to the end', () => {
    expect(test?.strategy?.matrix?.node).toEqual(NODE_MATRIX)
    expect(test?.strategy).toMatchObject({ 'fail-fast': false })
  })

  it('checks out the whole history, which the affected filter and `changeset status` compare with', () => {
    const checkout = test?.steps?.find((s) => s.uses?.startsWith('actions/checkout@'))
    expect(checkout?.with?.['fetch-depth']).toBe(0)
  })

  it('runs everything on main and what a pull request affects on pull requests, through .ci/run', () => {
    const everything = test?.steps?.find((s) => s.run === 'bash .ci/run')
    const affected = test?.steps?.find((s) => s.run?.startsWith('bash .ci/run --affected'))
    expect(everything?.if).toBe("github.event_name != 'pull_request'")
    expect(affected?.if).toBe("github.event_name == 'pull_request'")
    expect(affected?.run).toBe('bash .ci/run --affected "origin/${{ github.base_ref }}"')
  })

  it('checks that a pull request carries a changeset (in .ci/run --affected)', () => {
    const script = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8')
    expect(script).toMatch(/changeset status --since="\$base"/)
  })

  it('runs the generator end to end with a script that exists', () => {
    const step = steps(workflow).find((s) => s.run?.includes('test:e2e'))
    expect(step?.run).toBe('pnpm --filter @missive-integrations/repo-tests test:e2e')
    const repoTests = JSON.parse(readFileSync(join(REPO_ROOT, 'tooling', 'repo-tests', 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    expect(repoTests.scripts['test:e2e']).toBeDefined()
  })

  it('builds the Docker image and stops it gracefully (the Docker engine is not available locally)', () => {
    const runs = (workflow.jobs?.docker?.steps ?? []).map((s) => s.run ?? '')
    expect(runs).toContain('docker build -t missive-integrations .')
    expect(runs.join('\n')).toMatch(/docker stop .*smoke[\s\S]*"msg":"stopped"[\s\S]*State\.ExitCode/)
  })

  it('calls a .ci/run that exists', () => {
    expect(existsSync(join(REPO_ROOT, '.ci', 'run')), '.ci/run is missing').toBe(true)
  })
})

describe('release.yml', () => {
  const workflow = load('release.yml')
  const action = steps(workflow).find((s) => s.uses?.startsWith('changesets/action@'))

  it('runs on pushes to main only, one release at a time', () => {
    expect(workflow.on).toEqual({ push: { branches: ['main'] } })
    expect(workflow.concurrency).toMatchObject({ group: expect.stringContaining('release'), 'cancel-in-progress': false })
  })

  it('may push the version pull request and publish with provenance', () => {
    expect(workflow.permissions).toEqual({ contents: 'write', 'pull-requests': 'write', 'id-token': 'write' })
  })

  it('turns npm provenance on', () => {
    expect(String(action?.env?.NPM_CONFIG_PROVENANCE)).toBe('true')
  })

  it('versions and publishes with changesets/action@v1 through the root scripts', () => {
    expect(action?.uses).toBe('changesets/action@v1')
    const version = /^pnpm (\S+)$/.exec(String(action?.with?.version))?.[1]
    const publish = /^pnpm (\S+)$/.exec(String(action?.with?.publish))?.[1]
    expect(rootManifest.scripts[version!]).toMatch(/changeset version/)
    expect(rootManifest.scripts[publish!]).toMatch(/changeset publish/)
    expect(action?.env).toMatchObject({ GITHUB_TOKEN: '${{ secrets.GITHUB_TOKEN }}', NPM_TOKEN: '${{ secrets.NPM_TOKEN }}' })
  })

  it('installs and builds before publishing', () => {
    const runs = steps(workflow).map((s) => s.run ?? s.uses)
    const index = (command: string) => runs.findIndex((r) => r?.startsWith(command))
    expect(index('pnpm install')).toBeGreaterThan(-1)
    expect(index('pnpm build')).toBeGreaterThan(index('pnpm install'))
    expect(index('changesets/action@v1')).toBeGreaterThan(index('pnpm build'))
  })
})
