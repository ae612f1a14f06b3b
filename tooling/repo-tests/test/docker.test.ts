// Item: deploying it. The Docker engine cannot run here, so the Dockerfile is checked by reading
// it: its instructions against what Docker requires of a well-behaved server image (multi-stage,
// non-root, HOST=0.0.0.0, DATA_DIR a volume, node as PID 1), its commands against this
// repository (pnpm version, package names, the server's bin), and the server README's Docker,
// systemd and quick-start commands against it. CI builds and starts the image (ci.yml, docker).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from './support/packed.ts'

interface Instruction {
  keyword: string
  args: string
}

/** Dockerfile instructions, with comments dropped and `\` continuations joined. */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = []
  let pending = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (pending === '' && (line === '' || line.startsWith('#'))) continue
    if (pending !== '' && line.startsWith('#')) continue
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `
      continue
    }
    const full = `${pending}${line}`.trim()
    pending = ''
    const match = /^(\w+)\s+([\s\S]*)$/.exec(full)
    if (!match) throw new Error(`Dockerfile: cannot read ${JSON.stringify(full)}`)
    instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim() })
  }
  return instructions
}

/** `KEY=value KEY2="value"` (ENV's form) → an object. */
function keyValues(args: string): Record<string, string> {
  return Object.fromEntries([...args.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((m) => [m[1]!, m[2]!.replace(/^"|"$/g, '')]))
}

const dockerfile = parseDockerfile(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'))
const stages = dockerfile.reduce<Instruction[][]>((all, instruction) => {
  if (instruction.keyword === 'FROM') all.push([])
  all.at(-1)?.push(instruction)
  return all
}, [])
const runtime = stages.at(-1)!
const build = stages.slice(0, -1).flat()
const get = (stage: Instruction[], keyword: string) => stage.filter((i) => i.keyword === keyword)
const runtimeEnv = Object.assign({}, ...get(runtime, 'ENV').map((i) => keyValues(i.args))) as Record<string, string>
const rootManifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { packageManager: string }
const serverManifest = JSON.parse(readFileSync(join(REPO_ROOT, 'packages', 'server', 'package.json'), 'utf8')) as { name: string; bin: Record<string, string> }
const bridgeManifest = JSON.parse(readFileSync(join(REPO_ROOT, 'apps', 'bridge', 'package.json'), 'utf8')) as { name: string }
const readme = readFileSync(join(REPO_ROOT, 'packages', 'server', 'README.md'), 'utf8')

/** The README's fenced code blocks in a section (from its `## title` to the next `## `). */
function codeBlocks(section: string): string[] {
  const start = readme.indexOf(`\n## ${section}\n`)
  expect(start, `server README has a "## ${section}" section`).toBeGreaterThan(-1)
  const end = readme.indexOf('\n## ', start + 1)
  const text = readme.slice(start, end === -1 ? undefined : end)
  return [...text.matchAll(/```\w*\n([\s\S]*?)```/g)].map((m) => m[1]!.replace(/\\\n\s*/g, ''))
}

describe('Dockerfile', () => {
  it('is multi-stage: named build stages, then a run stage on the same Node image', () => {
    const froms = get(dockerfile, 'FROM').map((i) => i.args)
    expect(froms.length).toBeGreaterThanOrEqual(2)
    for (const from of froms.slice(0, -1)) expect(from).toMatch(/ AS \w+$/i)
    const images = froms.map((f) => f.split(/\s+/)[0])
    expect(new Set(images).size, 'one base image').toBe(1)
    // A Node CI tests (ci.yml's matrix): 20, 22 or 24.
    expect(images[0]).toMatch(/^node:(20|22|24)(-[\w.-]+)?$/)
    expect(get(runtime, 'COPY').every((c) => /--from=\w+/.test(c.args))).toBe(true)
  })

  it('builds with the pinned pnpm and deploys the host project with its production dependencies', () => {
    const runs = get(build, 'RUN').map((i) => i.args)
    expect(runs).toContain(`npm install -g ${rootManifest.packageManager}`)
    expect(runs.some((r) => r.includes('--frozen-lockfile'))).toBe(true)
    expect(runs).toContain(`pnpm turbo run build --filter=${bridgeManifest.name}...`)
    const deploy = runs.find((r) => r.includes(' deploy '))
    expect(deploy).toBe(`pnpm --filter=${bridgeManifest.name} deploy --prod --legacy /app`)
  })

  it('runs as the unprivileged node user, bound to every interface, with DATA_DIR a volume', () => {
    expect(get(runtime, 'USER').map((i) => i.args)).toEqual(['node'])
    expect(runtimeEnv).toMatchObject({ HOST: '0.0.0.0', NODE_ENV: 'production' })
    expect(runtimeEnv.DATA_DIR).toMatch(/^\//)
    expect(get(runtime, 'VOLUME').map((i) => JSON.parse(i.args) as string[])).toEqual([[runtimeEnv.DATA_DIR]])
    // Created and handed to node before USER, else the volume would be root's.
    const order = runtime.map((i) => i.keyword)
    const chown = runtime.findIndex((i) => i.keyword === 'RUN' && i.args.includes(`chown node:node ${runtimeEnv.DATA_DIR}`))
    expect(chown).toBeGreaterThan(-1)
    expect(chown).toBeLessThan(order.indexOf('USER'))
    expect(get(runtime, 'EXPOSE').map((i) => i.args)).toEqual([runtimeEnv.PORT])
  })

  it('starts node itself as PID 1 (exec form, no npx or shell), on the server bin, with start as the default command', () => {
    const [entrypoint] = get(runtime, 'ENTRYPOINT').map((i) => JSON.parse(i.args) as string[])
    expect(entrypoint?.[0]).toBe('node')
    expect(entrypoint).toHaveLength(2)
    expect(entrypoint![1]).toBe(join('node_modules', serverManifest.name, serverManifest.bin['missive-integrations']!))
    expect(existsSync(join(REPO_ROOT, 'packages', 'server', serverManifest.bin['missive-integrations']!))).toBe(true)
    expect(get(runtime, 'CMD').map((i) => JSON.parse(i.args) as string[])).toEqual([['start']])
    expect(get(runtime, 'WORKDIR').map((i) => i.args)).toEqual(['/app'])
  })

  it('checks health on an endpoint the server serves', () => {
    const [check] = get(runtime, 'HEALTHCHECK').map((i) => i.args)
    expect(check).toMatch(/\/(readyz|healthz)'/)
    expect(readme).toContain('`GET /readyz`')
  })

  it('leaves dependencies, builds and local data out of the build context', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '/data', '.git']))
  })
})

describe('server README', () => {
  const docker = codeBlocks('Docker').join('\n')

  it('builds and runs the image the way the Dockerfile expects', () => {
    const tag = /docker build -t (\S+) \.$/m.exec(docker)?.[1]
    expect(tag, 'docker build -t <tag> .').toBeTruthy()
    const runs = docker.split('\n').filter((l) => l.startsWith('docker run'))
    expect(runs.length).toBeGreaterThanOrEqual(2)
    for (const run of runs) {
      expect(run, run).toContain(`:${runtimeEnv.DATA_DIR} `)
      expect(run, run).toMatch(new RegExp(` ${tag}( |$)`))
    }
    const server = runs.find((r) => r.includes(' -d '))!
    expect(server).toMatch(new RegExp(`-p \\d+:${runtimeEnv.PORT} `))
    // The other run replaces CMD with a CLI command.
    const oneOff = runs.find((r) => !r.includes(' -d '))!
    expect(oneOff.slice(oneOff.indexOf(` ${tag} `) + tag!.length + 2)).toMatch(/^url github /)
  })

  it('says what the image sets', () => {
    for (const [key, value] of Object.entries({ HOST: runtimeEnv.HOST, PORT: runtimeEnv.PORT, DATA_DIR: runtimeEnv.DATA_DIR })) {
      expect(readme).toContain(`\`${key}=${value}\``)
    }
  })

  it('starts the server from node_modules/.bin, never through npx, in the quick start and the systemd unit', () => {
    const quickStart = codeBlocks('Quick start').join('\n')
    expect(quickStart).toMatch(/^HOST=0\.0\.0\.0 node_modules\/\.bin\/missive-integrations start$/m)
    expect(quickStart).not.toMatch(/npx missive-integrations/)
    const unit = codeBlocks('systemd').join('\n')
    expect(unit).toMatch(/^ExecStart=\/\S+\/node_modules\/\.bin\/missive-integrations start$/m)
    expect(unit).toMatch(/^StateDirectory=missive-integrations$/m)
    expect(unit).toMatch(/^Environment=DATA_DIR=\/var\/lib\/missive-integrations$/m)
    expect(unit).toMatch(/^User=\S+$/m)
  })

  it('says how to install before the packages are on npm, and about the native build', () => {
    const quickStart = codeBlocks('Quick start').join('\n')
    expect(quickStart).toContain(`npx --yes ${rootManifest.packageManager} -r --filter "./packages/*" pack --pack-destination`)
    expect(quickStart).toMatch(/npm install \S+\/missive-integrations-\{core,server,provider-github\}-\*\.tgz/)
    expect(readme).toMatch(/better-sqlite3`, a native module/)
  })
})

describe('parseDockerfile', () => {
  it('joins continuations and drops comments, also between continued lines', () => {
    expect(parseDockerfile('# c\nFROM node:24 AS build\nRUN a \\\n  # inner\n  && b\nENV A=1 \\\n    B="x y"\n')).toEqual([
      { keyword: 'FROM', args: 'node:24 AS build' },
      { keyword: 'RUN', args: 'a && b' },
      { keyword: 'ENV', args: 'A=1 B="x y"' },
    ])
    expect(keyValues('A=1 B="x y"')).toEqual({ A: '1', B: 'x y' })
  })
})
