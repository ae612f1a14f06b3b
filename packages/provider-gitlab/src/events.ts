/**
 * GitLab events and actions that are knowingly not posted, and why. The posted ones are the keys
 * of the handler table (src/index.ts); core tries `event.action` first, then `event`, then
 * answers these (200, so GitLab keeps the endpoint).
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/
 */

/** Whole events that are never posted. Ticking them in GitLab does no harm. */
export const SKIPPED_EVENTS = {
  emoji_hook: 'emoji reactions are not posted: they acknowledge what is already in the conversation',
} as const satisfies Record<string, string>

const EDITS = 'edits are not posted: the conversation already holds what was written, and GitLab shows the latest version'

/** Actions of posted events that are knowingly skipped (`event.action` → reason). */
export const SKIPPED_ACTIONS = {
  'note_hook.update': EDITS,
  'confidential_note_hook.update': EDITS,
} as const satisfies Record<string, string>

/** Skips decided by a rule over the payload rather than by the event name, each with its reason. */
export const SKIP_RULES = {
  otherRef: 'only pushes to branches are posted (tags come as Tag Push Hook)',
  noNews: 'nothing worth posting changed (only timestamps, time tracking or other bookkeeping)',
  sameProjectPush: 'commits to a merge request from a branch of the same project are posted by the push, in the same conversation',
  systemNote: 'system notes repeat what the other events post',
  notFinished: 'only finished pipelines, jobs and deployments are posted; this one is pending, running or waiting',
  ciPassed: 'a passing pipeline or job is posted only when it recovers from a failure (a retried job); nothing went wrong here',
  ciCanceled: 'canceled and skipped pipelines, jobs and deployments are not posted: someone chose to stop them',
  allowedFailure: 'this job is allowed to fail; its pipeline does not fail because of it',
  releaseEdited: 'release edits are not posted: the release was posted when it was created, and GitLab shows the latest notes',
  systemOther: 'system hooks post pushes, tag pushes and merge requests; GitLab administration events (users, groups, keys, projects) are not posted',
} as const satisfies Record<string, string>

/** Every reason a skip can give, for tests and docs. */
export const SKIP_REASONS: ReadonlySet<string> = new Set([...Object.values(SKIPPED_EVENTS), ...Object.values(SKIPPED_ACTIONS), ...Object.values(SKIP_RULES)])
