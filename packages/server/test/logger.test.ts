import { describe, expect, it } from 'vitest'
import { createLogger, pathOf, redactSecrets } from '../src/logger.ts'

function capture() {
  const lines: Record<string, unknown>[] = []
  // The signature headers the loaded providers declare, as `start` passes them.
  const secretKeys = ['X-Hub-Signature-256', 'canny-signature']
  const logger = createLogger({
    level: 'debug',
    secretKeys,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  })
  return { logger, lines }
}

describe('createLogger', () => {
  it('censors secret-named keys at any depth, and t under query, without touching the logged object', () => {
    const { logger, lines } = capture()
    const logged = {
      provider: 'github',
      token: 'missive-token',
      endpoint: { Token: 'missive-token', secrets: ['s1', 's2'], options: { account: 'acme' } },
      request: {
        query: { t: 'mi1.sealed', x: '1' },
        headers: { authorization: 'Bearer x', 'x-hub-signature-256': 'sha256=ab', cookie: 'a=b', 'user-agent': 'GitHub-Hookshot' },
      },
      list: [{ secret: 'k' }, 'plain'],
      t: 'not a query parameter',
    }
    const before = structuredClone(logged)
    logger.info(logged, 'webhook')
    expect(logged).toEqual(before)
    expect(lines[0]).toMatchObject({
      msg: 'webhook',
      service: 'missive-integrations',
      provider: 'github',
      token: '[redacted]',
      endpoint: { Token: '[redacted]', secrets: '[redacted]', options: { account: 'acme' } },
      request: {
        query: { t: '[redacted]', x: '1' },
        headers: { authorization: '[redacted]', 'x-hub-signature-256': '[redacted]', cookie: '[redacted]', 'user-agent': 'GitHub-Hookshot' },
      },
      list: [{ secret: '[redacted]' }, 'plain'],
      t: 'not a query parameter',
    })
    expect(JSON.stringify(lines)).not.toMatch(/missive-token|mi1\.sealed|Bearer|sha256=ab|"s1"/)
  })

  it('names no provider itself: the signature headers come from the providers', () => {
    const lines: string[] = []
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } })
    logger.info({ headers: { 'x-hub-signature-256': 'sha256=ab', authorization: 'Bearer x' } }, 'x')
    expect(JSON.parse(lines[0]!).headers).toEqual({ 'x-hub-signature-256': 'sha256=ab', authorization: '[redacted]' })
    expect(redactSecrets({ 'Canny-Signature': 's' }, new Set(['canny-signature']))).toEqual({ 'Canny-Signature': '[redacted]' })
  })

  it('censors child bindings too', () => {
    const { logger, lines } = capture()
    logger.child({ component: 'worker', token: 'missive-token' }).warn('x')
    expect(lines[0]).toMatchObject({ component: 'worker', token: '[redacted]' })
  })

  it('returns an object without secrets as it is, and leaves errors to the error serialiser', () => {
    const line = { provider: 'github', event: 'push', nested: { a: [1, 2] } }
    expect(redactSecrets(line)).toBe(line)
    const error = Object.assign(new Error('boom'), { code: 'E' })
    expect(redactSecrets({ err: error }).err).toBe(error)
    const { logger, lines } = capture()
    logger.error({ err: error }, 'failed')
    expect(lines[0]).toMatchObject({ err: { message: 'boom', code: 'E', type: 'Error' } })
  })

  it('logs a URL without its query', () => {
    expect(pathOf('/github?t=mi1.x&y=1')).toBe('/github')
    expect(pathOf('/github')).toBe('/github')
  })
})
