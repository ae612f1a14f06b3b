import { describe, it } from 'vitest'
import { describeQueueBackend } from './helpers/describe-queue-backend.ts'
import { DATABASE_URL, postgresBackend } from './helpers/queue-backends.ts'

// Locally without DATABASE_URL these are skipped, and say so; .ci/run starts a PostgreSQL server
// and sets REQUIRE_POSTGRES, so that in CI they can never be skipped silently.
if (!DATABASE_URL) {
  console.warn('PostgreSQL queue tests skipped: set DATABASE_URL=postgres://… to run them (.ci/run starts a server of its own)')
}

describe.skipIf(!DATABASE_URL)('PostgreSQL backend', () => {
  describeQueueBackend(postgresBackend)
})

describe.runIf(!DATABASE_URL && process.env.REQUIRE_POSTGRES)('PostgreSQL backend (required here)', () => {
  it('needs DATABASE_URL', () => {
    throw new Error('REQUIRE_POSTGRES is set but DATABASE_URL is not: the PostgreSQL suites cannot be skipped in CI')
  })
})
