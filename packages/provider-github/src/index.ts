import {
  Integration,
  UnsupportedEventError,
  readPayload,
  skip,
  type Payload,
  type ProcessOutput,
  type WebhookRequest,
} from '@missive-integrations/core'
import { POSTED_EVENT_TYPES, SKIPPED_ACTIONS, SKIPPED_EVENTS, SKIP_RULES, type PostedEvent } from './events.js'
import { checkRunCompleted, checkSuiteCompleted, deployment, deploymentReview, deploymentStatus, status, workflowRunCompleted } from './format/ci.js'
import { discussionAnswered, discussionChanged, discussionCommentCreated, discussionCommentDeleted, discussionCreated } from './format/discussion.js'
import { issueChanged, issueCommentCreated, issueCommentDeleted, issueOpened } from './format/issues.js'
import { classicProject, membership, organization, orgBlock, projectsV2Item, sponsorship, team } from './format/organization.js'
import {
  pullRequestChanged,
  pullRequestOpened,
  pullRequestSynchronize,
  reviewCommentCreated,
  reviewCommentDeleted,
  reviewDismissed,
  reviewSubmitted,
  reviewThread,
} from './format/pull-request.js'
import { push } from './format/push.js'
import * as repo from './format/repository.js'
import { codeScanningAlert, dependabotAlert, repositoryVulnerabilityAlert, secretScanningAlert, securityAdvisory } from './format/security.js'
import type { Formatter } from './format/shared.js'
import { verify } from './verify.js'

export { POSTED_EVENTS, POSTED_EVENT_TYPES, SKIPPED_ACTIONS, SKIPPED_EVENTS, SKIP_REASONS, SKIP_RULES } from './events.js'
export type { PostedEvent, SkippedAction, SkippedEvent } from './events.js'
export { MAX_COMMITS } from './format/push.js'
export { FAILING_CONCLUSIONS } from './format/ci.js'
export { SIGNATURE_HEADER, signature, signRequest, verify } from './verify.js'

/** One formatter per posted event name; the compiler checks that none is missing. */
const FORMATTERS: Record<PostedEvent, Formatter> = {
  push,
  create: repo.create,
  delete: repo.deleteRef,
  commit_comment: repo.commitComment,
  fork: repo.fork,
  public: repo.publicized,
  repository: repo.repository,
  release: repo.release,
  package: repo.packagePublished,
  gollum: repo.gollum,
  page_build: repo.pageBuild,
  star: repo.star,
  watch: repo.watch,
  label: repo.label,
  milestone: repo.milestone,
  meta: repo.meta,
  repository_import: repo.repositoryImport,
  branch_protection_rule: repo.branchProtectionRule,
  deploy_key: repo.deployKey,
  member: repo.member,
  team_add: repo.teamAdd,
  workflow_dispatch: repo.workflowDispatch,
  'issues.opened': issueOpened,
  issues: issueChanged,
  'issue_comment.created': issueCommentCreated,
  'issue_comment.deleted': issueCommentDeleted,
  'pull_request.opened': pullRequestOpened,
  'pull_request.synchronize': pullRequestSynchronize,
  pull_request: pullRequestChanged,
  'pull_request_review.submitted': reviewSubmitted,
  'pull_request_review.dismissed': reviewDismissed,
  'pull_request_review_comment.created': reviewCommentCreated,
  'pull_request_review_comment.deleted': reviewCommentDeleted,
  pull_request_review_thread: reviewThread,
  'discussion.created': discussionCreated,
  'discussion.answered': discussionAnswered,
  discussion: discussionChanged,
  'discussion_comment.created': discussionCommentCreated,
  'discussion_comment.deleted': discussionCommentDeleted,
  deployment,
  deployment_status: deploymentStatus,
  deployment_review: deploymentReview,
  'check_run.completed': checkRunCompleted,
  'check_suite.completed': checkSuiteCompleted,
  'workflow_run.completed': workflowRunCompleted,
  status,
  dependabot_alert: dependabotAlert,
  code_scanning_alert: codeScanningAlert,
  secret_scanning_alert: secretScanningAlert,
  repository_vulnerability_alert: repositoryVulnerabilityAlert,
  security_advisory: securityAdvisory,
  organization,
  membership,
  org_block: orgBlock,
  team,
  sponsorship,
  projects_v2_item: projectsV2Item,
  project: classicProject,
  project_card: classicProject,
  project_column: classicProject,
  repository_dispatch: repo.repositoryDispatch,
}

/**
 * GitHub webhooks as Missive posts, threaded as Missive's hosted GitHub integration threads
 * them: a conversation per branch, per issue or pull request, and one per repository.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads
 */
export default class GitHub extends Integration {
  override get id(): string {
    return 'github'
  }

  override get name(): string {
    return 'GitHub'
  }

  override get events(): readonly string[] {
    return POSTED_EVENT_TYPES
  }

  override get skippedEvents(): Readonly<Record<string, string>> {
    return SKIPPED_EVENTS
  }

  /** GitHub names the event in a header; the body only has the `action`. */
  override get eventHeader(): string {
    return 'x-github-event'
  }

  /** A GUID per delivery, the same on redeliveries: the server drops the duplicates. */
  override deliveryId(request: WebhookRequest): string | undefined {
    return request.header('x-github-delivery')
  }

  override verify(request: WebhookRequest, secrets: readonly string[]): void {
    verify(request, secrets)
  }

  override process(payload: Payload, request: WebhookRequest): ProcessOutput {
    const event = this.event(payload, request)
    if (event === undefined) throw new UnsupportedEventError(this.id, event, this.events)
    if (Object.hasOwn(SKIPPED_EVENTS, event)) return skip(SKIPPED_EVENTS[event as keyof typeof SKIPPED_EVENTS])
    const action = typeof payload.action === 'string' ? payload.action : undefined
    const specific = action === undefined ? undefined : `${event}.${action}`
    if (specific !== undefined && Object.hasOwn(SKIPPED_ACTIONS, specific)) return skip(SKIPPED_ACTIONS[specific as keyof typeof SKIPPED_ACTIONS])
    // Most specific first: `issues.opened`, then `issues`.
    const formatter = formatterFor(specific) ?? formatterFor(event)
    if (formatter) return formatter({ p: readPayload(payload, this.id, event), event, action })
    // A known event with an action only some of whose actions are posted (check_run.created…).
    if (POSTED_EVENT_TYPES.includes(event)) return skip(SKIP_RULES.unknownAction)
    throw new UnsupportedEventError(this.id, event, [...this.events, ...Object.keys(SKIPPED_EVENTS)])
  }
}

function formatterFor(name: string | undefined): Formatter | undefined {
  return name !== undefined && Object.hasOwn(FORMATTERS, name) ? FORMATTERS[name as PostedEvent] : undefined
}
