import { Integration, type Digest, type FilterSpec, type Handlers, type WebhookRequest } from '@missive-integrations/core'
import { GITHUB_DIGEST, type GitHubDigest } from './digest.js'
import { SKIPPED_ACTIONS, SKIPPED_EVENTS } from './events.js'
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
import { FILTERS } from './filters.js'
import { SIGNATURE_HEADER, verify } from './verify.js'

export { SKIPPED_ACTIONS, SKIPPED_EVENTS, SKIP_REASONS, SKIP_RULES } from './events.js'
export type { SkippedAction, SkippedEvent } from './events.js'
export { FILTERS } from './filters.js'
export { MAX_COMMITS, MAX_FOLLOW_UPS } from './format/push.js'
export { FAILING_CONCLUSIONS } from './format/ci.js'
export { SIGNATURE, SIGNATURE_HEADER, signature, signRequest, verify } from './verify.js'

/**
 * One handler per posted event, keyed by X-GitHub-Event or `event.action`: core tries
 * `issues.opened` before `issues`, and derives the provider's event list from these keys.
 */
const HANDLERS: Handlers = {
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

  /** GitHub names the event in a header; the body's `action` refines it (`issues` + `opened`). */
  override get eventHeader(): string {
    return 'x-github-event'
  }

  override get actionField(): string {
    return 'action'
  }

  override get handlers(): Handlers {
    return HANDLERS
  }

  override get skipped(): Readonly<Record<string, string>> {
    return SKIPPED
  }

  /** A busy branch or pull request: pushes, failed runs and who, then the latest lines. */
  override get digest(): Digest<GitHubDigest> {
    return GITHUB_DIGEST
  }

  /** Per-endpoint noise control: events, branches, bots, authors, labels (see README, "Noise control"). */
  override get filters(): readonly FilterSpec[] {
    return FILTERS
  }

  /** A GUID per delivery, the same on redeliveries: the server answers those before parsing them. */
  override get deliveryHeader(): string {
    return 'x-github-delivery'
  }

  override get signatureHeaders(): readonly string[] {
    return [SIGNATURE_HEADER]
  }

  override verify(request: WebhookRequest, secrets: readonly string[]): void {
    verify(request, secrets)
  }
}

const SKIPPED: Readonly<Record<string, string>> = { ...SKIPPED_EVENTS, ...SKIPPED_ACTIONS }
