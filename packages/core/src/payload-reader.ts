import { InvalidPayloadError } from './errors.js'

/**
 * Typed, checked reads from an untrusted payload. A missing or mistyped field raises
 * `InvalidPayloadError` naming its full path (`pull_request.head.repo.id`), never a TypeError.
 *
 *   const p = readPayload(payload, 'github', 'push')
 *   const repo = p.object('repository')
 *   repo.number('id'); repo.string('name'); p.optionalString('compare')
 */
export class PayloadReader {
  constructor(
    readonly value: Record<string, unknown>,
    readonly provider: string,
    readonly event: string | undefined,
    readonly path = '',
  ) {}

  /** The raw value at a dot path, or undefined. */
  get(path: string): unknown {
    return valueAt(this.value, path)
  }

  has(path: string): boolean {
    const value = this.get(path)
    return value !== undefined && value !== null
  }

  string(path: string): string {
    const value = this.get(path)
    if (typeof value !== 'string') throw this.invalid(path, 'a string')
    return value
  }

  /** A string, or undefined when absent or null (wrong types still raise). */
  optionalString(path: string): string | undefined {
    const value = this.get(path)
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'string') throw this.invalid(path, 'a string or null')
    return value
  }

  number(path: string): number {
    const value = this.get(path)
    if (typeof value !== 'number' || !Number.isFinite(value)) throw this.invalid(path, 'a number')
    return value
  }

  optionalNumber(path: string): number | undefined {
    const value = this.get(path)
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'number' || !Number.isFinite(value)) throw this.invalid(path, 'a number or null')
    return value
  }

  boolean(path: string): boolean {
    const value = this.get(path)
    if (typeof value !== 'boolean') throw this.invalid(path, 'a boolean')
    return value
  }

  optionalBoolean(path: string): boolean | undefined {
    const value = this.get(path)
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'boolean') throw this.invalid(path, 'a boolean or null')
    return value
  }

  /** An id sent as a number or a string, as a string. */
  id(path: string): string {
    const value = this.get(path)
    if (typeof value === 'number' && Number.isFinite(value)) return String(value)
    if (typeof value === 'string' && value !== '') return value
    throw this.invalid(path, 'an id (a number or a non-empty string)')
  }

  optionalId(path: string): string | undefined {
    const value = this.get(path)
    if (value === undefined || value === null || value === '') return undefined
    return this.id(path)
  }

  object(path: string): PayloadReader {
    const value = this.get(path)
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw this.invalid(path, 'an object')
    return new PayloadReader(value as Record<string, unknown>, this.provider, this.event, this.join(path))
  }

  optionalObject(path: string): PayloadReader | undefined {
    const value = this.get(path)
    if (value === undefined || value === null) return undefined
    return this.object(path)
  }

  array(path: string): unknown[] {
    const value = this.get(path)
    if (!Array.isArray(value)) throw this.invalid(path, 'an array')
    return value
  }

  optionalArray(path: string): unknown[] {
    const value = this.get(path)
    if (value === undefined || value === null) return []
    return this.array(path)
  }

  /** An array of objects, each as a reader named `path[i]`; absent or null reads as empty. */
  objects(path: string): PayloadReader[] {
    return this.optionalArray(path).map((item, i) => {
      const name = `${this.join(path)}[${i}]`
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        throw new InvalidPayloadError(this.provider, this.event, name, 'an object')
      }
      return new PayloadReader(item as Record<string, unknown>, this.provider, this.event, name)
    })
  }

  /** An error for a field of this payload, for checks the typed reads do not cover. */
  invalid(path: string, expected: string): InvalidPayloadError {
    return new InvalidPayloadError(this.provider, this.event, this.join(path), expected)
  }

  private join(path: string): string {
    return this.path ? `${this.path}.${path}` : path
  }
}

/** Start reading a payload for a provider's event. */
export function readPayload(payload: unknown, provider: string, event: string | undefined): PayloadReader {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new InvalidPayloadError(provider, event, '(body)', 'a JSON object')
  }
  return new PayloadReader(payload as Record<string, unknown>, provider, event)
}

/** The value at a dot path (`repository.owner.login`) of an object, own properties only; undefined when absent. */
export function valueAt(value: unknown, path: string): unknown {
  let current = value
  // Walks the dots without splitting: providers read dozens of paths per webhook.
  let start = 0
  for (;;) {
    const dot = path.indexOf('.', start)
    const key = dot === -1 ? (start === 0 ? path : path.slice(start)) : path.slice(start, dot)
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined
    current = (current as Record<string, unknown>)[key]
    if (dot === -1) return current
    start = dot + 1
  }
}
