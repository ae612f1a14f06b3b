import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** A captured webhook delivery: `fixtures/<event>__<scenario>.json` (+ `<same>.headers.json`). */
export interface Fixture {
  /** The file name without `.json`: `push__new_branch`. */
  name: string
  /** The part before `__`: exactly what the sender puts in its event header or type field. */
  event: string
  /** The part after `__`. */
  scenario: string
  /** The body bytes, exactly as captured (signatures are computed over them). */
  body: string
  /** Headers captured with the delivery (from `<name>.headers.json`), names as written. */
  headers: Record<string, string>
  file: string
}

export type FixturesDir = string | URL

const HEADERS_SUFFIX = '.headers.json'

function toPath(dir: FixturesDir): string {
  return dir instanceof URL ? fileURLToPath(dir) : dir
}

/** Every fixture in a folder, sorted by name. Files not named `<event>__<scenario>.json` are an error. */
export function listFixtures(dir: FixturesDir): Fixture[] {
  const path = toPath(dir)
  return readdirSync(path)
    .filter((file) => file.endsWith('.json') && !file.endsWith(HEADERS_SUFFIX))
    .sort()
    .map((file) => loadFixture(dir, file.slice(0, -'.json'.length)))
}

/** One fixture by name (`push__new_branch`). */
export function loadFixture(dir: FixturesDir, name: string): Fixture {
  const path = toPath(dir)
  const match = /^(.+?)__(.+)$/.exec(name)
  if (!match) {
    throw new Error(`fixture "${name}" is not named <event>__<scenario>.json; rename it, e.g. ${name}__basic.json`)
  }
  const file = join(path, `${name}.json`)
  if (!existsSync(file)) {
    const known = readdirSync(path).filter((f) => f.endsWith('.json') && !f.endsWith(HEADERS_SUFFIX))
    throw new Error(`no fixture ${name}.json in ${path}; there are: ${known.join(', ') || '(none)'}`)
  }
  const headersFile = join(path, `${name}${HEADERS_SUFFIX}`)
  const headers = existsSync(headersFile) ? (JSON.parse(readFileSync(headersFile, 'utf8')) as Record<string, string>) : {}
  return { name, event: match[1]!, scenario: match[2]!, body: readFileSync(file, 'utf8'), headers, file }
}
