/**
 * GitHub events that are knowingly skipped, and why. The posted ones are the keys of the handler
 * table (src/index.ts); core tries `event.action` first, then `event`, then answers these.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads
 */

const APP_ONLY = 'only a GitHub App receives it, and it concerns the app, not the work in a repository'

/**
 * Whole events that are never posted, with the reason answered to GitHub (200, so it keeps the
 * endpoint). Subscribing to them does no harm.
 */
export const SKIPPED_EVENTS = {
  ping: 'ping only checks that the endpoint answers; nothing to post',
  installation: APP_ONLY,
  installation_repositories: APP_ONLY,
  github_app_authorization: APP_ONLY,
  marketplace_purchase: APP_ONLY,
  merge_group: 'merge queue check requests are plumbing; the merged pull request is posted',
  workflow_job: 'jobs are reported as a whole by workflow_run (failures, and fixes after a re-run)',
} as const satisfies Record<string, string>

export type SkippedEvent = keyof typeof SKIPPED_EVENTS

const EDITS = 'edits are not posted: the conversation already holds what was written, and GitHub shows the latest version'
const NOT_DONE = 'only finished runs are posted; this one is queued or in progress'

/** Actions of posted events that are knowingly skipped (`event.action` → reason). */
export const SKIPPED_ACTIONS = {
  'issue_comment.edited': EDITS,
  'pull_request_review.edited': EDITS,
  'pull_request_review_comment.edited': EDITS,
  'discussion_comment.edited': EDITS,
  'check_run.created': NOT_DONE,
  'check_run.rerequested': NOT_DONE,
  'check_run.requested_action': 'a check run button was pressed; its outcome is posted when the run completes',
  'check_suite.requested': NOT_DONE,
  'check_suite.rerequested': NOT_DONE,
  'workflow_run.requested': NOT_DONE,
  'workflow_run.in_progress': NOT_DONE,
  'release.created': 'a release is posted once, when it is released or pre-released (drafts are private)',
  'release.published': 'a release is posted once, from the released or prereleased action GitHub sends with it',
  'projects_v2_item.reordered': 'moving an item within a project view is not news',
} as const satisfies Record<string, string>

export type SkippedAction = keyof typeof SKIPPED_ACTIONS

/** Skips decided by a rule over the payload rather than by the event name, each with its reason. */
export const SKIP_RULES = {
  tagPush: 'tag pushes are posted from the create and delete events',
  otherRef: 'only pushes to branches and tags are posted',
  mergeQueue: 'merge queue branches (gh-readonly-queue/…) are temporary; the merged pull request is posted',
  branchRef: 'branches are posted from the push event (created, deleted, commits)',
  ciPassed: 'a passing run is posted only when it fixes a failure (a workflow re-run); nothing went wrong here',
  ciNeutral: 'only failing runs (failure, timed out, action required, startup failure) and fixes are posted',
  ciPending: 'only failed statuses (failure, error) are posted; pending and success are not news',
  deploymentPending: 'only finished deployments (success, failure, error) are posted',
  pageBuilding: 'only finished page builds (built, errored) are posted',
  reviewWithoutBody: 'a review with only line comments is posted through its pull_request_review_comment events',
  sameRepoSynchronize: 'commits to a same-repository pull request are posted by the push event, in the same conversation',
} as const satisfies Record<string, string>

/** Every reason a skip can give, for tests and docs. */
export const SKIP_REASONS: ReadonlySet<string> = new Set([...Object.values(SKIPPED_EVENTS), ...Object.values(SKIPPED_ACTIONS), ...Object.values(SKIP_RULES)])
