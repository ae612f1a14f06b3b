/**
 * GitHub events as data: which ones are posted, which are knowingly skipped and why. The
 * dispatcher (src/index.ts) tries `event.action` first, then `event`.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads
 */

/** Every event name this provider has a formatter for, most specific (`issues.opened`) next to the event it refines. */
export const POSTED_EVENTS = [
  // Code
  'push',
  'create',
  'delete',
  'commit_comment',
  'fork',
  'public',
  'repository',
  'release',
  'package',
  'gollum',
  'page_build',
  'star',
  'watch',
  'label',
  'milestone',
  'meta',
  'repository_import',
  'branch_protection_rule',
  'deploy_key',
  'member',
  'team_add',
  'workflow_dispatch',
  // Issues, pull requests, discussions
  'issues.opened',
  'issues',
  'issue_comment.created',
  'issue_comment.deleted',
  'pull_request.opened',
  'pull_request.synchronize',
  'pull_request',
  'pull_request_review.submitted',
  'pull_request_review.dismissed',
  'pull_request_review_comment.created',
  'pull_request_review_comment.deleted',
  'pull_request_review_thread',
  'discussion.created',
  'discussion.answered',
  'discussion',
  'discussion_comment.created',
  'discussion_comment.deleted',
  // Deployments and CI
  'deployment',
  'deployment_status',
  'deployment_review',
  'check_run.completed',
  'check_suite.completed',
  'workflow_run.completed',
  'status',
  // Security
  'dependabot_alert',
  'code_scanning_alert',
  'secret_scanning_alert',
  'repository_vulnerability_alert',
  'security_advisory',
  // Organization
  'organization',
  'membership',
  'org_block',
  'team',
  'sponsorship',
  'projects_v2_item',
  'project',
  'project_card',
  'project_column',
  'repository_dispatch',
] as const

/** A name in POSTED_EVENTS. */
export type PostedEvent = (typeof POSTED_EVENTS)[number]

/** The X-GitHub-Event values of POSTED_EVENTS (`issues.opened` → `issues`). */
export type PostedEventType = PostedEvent extends `${infer E}.${string}` ? E : PostedEvent

/** X-GitHub-Event values that are posted (some of their actions may still be skipped). */
export const POSTED_EVENT_TYPES: readonly string[] = [...new Set(POSTED_EVENTS.map((name) => name.split('.')[0]!))]

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
  unknownAction: 'this action is not one the provider posts (see the README for the posted actions)',
} as const satisfies Record<string, string>

/** Every reason a skip can give, for tests and docs. */
export const SKIP_REASONS: ReadonlySet<string> = new Set([
  ...Object.values(SKIPPED_EVENTS),
  ...Object.values(SKIPPED_ACTIONS),
  ...Object.values(SKIP_RULES),
])
