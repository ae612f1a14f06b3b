import type { MissivePost } from '@missive-integrations/core'
import type { DeadLetter, QueuedPost } from './types.js'

/** A claimed post's row, as both backends select it (same column names). */
export interface ClaimedRow {
  id: number
  provider: string
  event: string | null
  token: string
  body: string
  attempts: number
  first_error_at: number | null
  created_at: number
  /** The conversation the delivery's first post landed in, for a follow-up. */
  parent_conversation: string | null
  /** The row was already in flight when claimed: its lease ran out. */
  resumed: number | boolean
}

/** A dead letter's row. */
export interface DeadRow {
  id: number
  provider: string
  event: string | null
  body: string
  attempts: number
  created_at: number
  last_error: string | null
  http_status: number | null
  updated_at: number
}

export function toQueuedPost(row: ClaimedRow): QueuedPost {
  return {
    id: String(row.id),
    provider: row.provider,
    event: row.event ?? undefined,
    token: row.token,
    post: JSON.parse(row.body) as MissivePost,
    attempt: row.attempts,
    resumed: Boolean(row.resumed),
    firstErrorAt: row.first_error_at ?? undefined,
    createdAt: row.created_at,
    parentConversation: row.parent_conversation ?? undefined,
  }
}

export function toDeadLetter(row: DeadRow): DeadLetter {
  return {
    id: String(row.id),
    provider: row.provider,
    event: row.event ?? undefined,
    reason: row.last_error ?? 'unknown',
    httpStatus: row.http_status ?? undefined,
    attempts: row.attempts,
    createdAt: new Date(row.created_at),
    failedAt: new Date(row.updated_at),
    post: JSON.parse(row.body) as MissivePost,
  }
}

/** The reason a follow-up is dead-lettered with its first post. */
export function followUpReason(firstId: string, reason: string): string {
  return `not sent: the first post of its delivery (${firstId}) is a dead letter (${reason})`
}

/** Ids given on the command line that can name a post. */
export function postIds(ids: readonly string[]): number[] {
  return ids.map(Number).filter((id) => Number.isSafeInteger(id) && id > 0)
}
