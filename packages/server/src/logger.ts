import { pino, type DestinationStream, type Logger } from 'pino'
import type { LogLevel } from './config.js'

/**
 * Paths pino blanks out wherever they appear. Belt and braces: the server already logs paths
 * without their query and never logs endpoints, but a token must not leak through a new log line.
 */
export const REDACTED_PATHS = [
  'token',
  'secret',
  'secrets',
  'authorization',
  '*.token',
  '*.secret',
  '*.secrets',
  'query.t',
  '*.query.t',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
  'headers["x-hub-signature"]',
  'headers["x-hub-signature-256"]',
  '*.headers["x-hub-signature"]',
  '*.headers["x-hub-signature-256"]',
]

export interface CreateLoggerOptions {
  level?: LogLevel
  /** Where JSON lines go (default stdout); tests pass a stream to capture them. */
  destination?: DestinationStream
}

/** The server's JSON logger, with secrets redacted. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'missive-integrations' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination,
  )
}

/** A URL without its query: the only form in which a request URL is ever logged (`?t=` holds the token). */
export function pathOf(url: string): string {
  const q = url.indexOf('?')
  return q === -1 ? url : url.slice(0, q)
}
