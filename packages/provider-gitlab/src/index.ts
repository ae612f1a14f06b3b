import {
  eventNamed,
  Integration,
  skip,
  type Digest,
  type FilterSpec,
  type Handler,
  type Handlers,
  type Payload,
  type Schema,
  type WebhookRequest,
} from '@missive-integrations/core'
import { GITLAB_DIGEST, type GitLabDigest } from './digest.js'
import { SKIP_RULES, SKIPPED_ACTIONS, SKIPPED_EVENTS } from './events.js'
import { FILTERS } from './filters.js'
import { deployment, job, pipeline } from './format/ci.js'
import { member, projectCreatedOrDeleted, subgroup } from './format/group.js'
import { issueChanged, issueOpened, issueUpdated } from './format/issue.js'
import { mergeRequestChanged, mergeRequestOpened, mergeRequestUpdated } from './format/merge-request.js'
import { note } from './format/note.js'
import { accessToken, featureFlag, milestone, release, vulnerability, wikiPage } from './format/project.js'
import { push, tagPush } from './format/push.js'
import type { Delivery, GitLabOptions } from './format/shared.js'
import { TOKEN_HEADER, verify } from './verify.js'

export { GITLAB_DIGEST, type GitLabDigest } from './digest.js'
export { SKIPPED_ACTIONS, SKIPPED_EVENTS, SKIP_REASONS, SKIP_RULES } from './events.js'
export { FILTERS } from './filters.js'
export { MAX_COMMITS } from './format/push.js'
export { MAX_BODY, markdownBody } from './format/shared.js'
export type { GitLabOptions } from './format/shared.js'
export { TOKEN_HEADER, signRequest, verify } from './verify.js'

/**
 * A system hook (GitLab's instance-wide webhook, `X-Gitlab-Event: System Hook`) carries pushes,
 * tag pushes and merge requests in the same shape as a project's hooks; those are posted the same
 * way, the administration events (users, groups, keys, projects) are not.
 * @see https://docs.gitlab.com/administration/system_hooks/
 */
function systemHook(delivery: Delivery) {
  const kind = delivery.p.optionalString('object_kind') ?? delivery.p.optionalString('event_name')
  if (kind === 'push') return push(delivery)
  if (kind === 'tag_push') return tagPush(delivery)
  if (kind === 'merge_request') {
    const action = delivery.p.optionalString('object_attributes.action')
    const handler = action === 'open' ? mergeRequestOpened : action === 'update' ? mergeRequestUpdated : mergeRequestChanged
    return handler({ ...delivery, action })
  }
  return skip(SKIP_RULES.systemOther)
}

/**
 * One handler per posted event, keyed by the event name (`X-Gitlab-Event` as `eventName` spells
 * it: `Merge Request Hook` → `merge_request_hook`) or by the event and its
 * `object_attributes.action` (`merge_request_hook.open`). Core tries the action first.
 */
const HANDLERS: Handlers<GitLabOptions> = {
  push_hook: push,
  tag_push_hook: tagPush,
  system_hook: systemHook,
  'merge_request_hook.open': mergeRequestOpened,
  'merge_request_hook.update': mergeRequestUpdated,
  merge_request_hook: mergeRequestChanged,
  'issue_hook.open': issueOpened,
  'issue_hook.update': issueUpdated,
  issue_hook: issueChanged,
  'confidential_issue_hook.open': issueOpened,
  'confidential_issue_hook.update': issueUpdated,
  confidential_issue_hook: issueChanged,
  note_hook: note,
  confidential_note_hook: note,
  pipeline_hook: pipeline,
  job_hook: job,
  deployment_hook: deployment,
  release_hook: release,
  wiki_page_hook: wikiPage,
  feature_flag_hook: featureFlag,
  milestone_hook: milestone,
  resource_access_token_hook: accessToken,
  vulnerability_hook: vulnerability,
  member_hook: member,
  subgroup_hook: subgroup,
  project_hook: projectCreatedOrDeleted,
} satisfies Record<string, Handler<GitLabOptions>>

const SKIPPED: Readonly<Record<string, string>> = { ...SKIPPED_EVENTS, ...SKIPPED_ACTIONS }

/** Event names GitLab used before it renamed them. */
const RENAMED: Readonly<Record<string, string>> = { build_hook: 'job_hook' }

/**
 * When a request has no `X-Gitlab-Event` (a proxy dropped it), the body's `object_kind` names
 * the event; its `event_type` tells the confidential ones apart.
 */
const OBJECT_KINDS: Readonly<Record<string, string>> = {
  push: 'push_hook',
  tag_push: 'tag_push_hook',
  merge_request: 'merge_request_hook',
  issue: 'issue_hook',
  work_item: 'issue_hook',
  note: 'note_hook',
  pipeline: 'pipeline_hook',
  build: 'job_hook',
  deployment: 'deployment_hook',
  release: 'release_hook',
  wiki_page: 'wiki_page_hook',
  emoji: 'emoji_hook',
  feature_flag: 'feature_flag_hook',
  milestone: 'milestone_hook',
  access_token: 'resource_access_token_hook',
  vulnerability: 'vulnerability_hook',
}

const SCHEMA: Schema = {
  options: [
    {
      key: 'confidential',
      type: 'Boolean',
      default: false,
      label: 'Post confidential issues and internal notes in full',
      description: 'By default their posts leave out the title and the text: a team inbox may be shared more widely than the GitLab project.',
    },
  ],
}

/**
 * GitLab webhooks (project, group and system hooks) as Missive posts: a conversation per branch,
 * per merge request, per issue, and one per project.
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/
 */
export default class GitLab extends Integration<GitLabOptions> {
  override get id(): string {
    return 'gitlab'
  }

  override get name(): string {
    return 'GitLab'
  }

  override get schema(): Schema {
    return SCHEMA
  }

  /** GitLab names the event in a header (`Push Hook`); `object_attributes.action` refines it (`open`, `merge`, `approved`…). */
  override get eventHeader(): string {
    return 'x-gitlab-event'
  }

  override get actionField(): string {
    return 'object_attributes.action'
  }

  /**
   * `Merge Request Hook` → `merge_request_hook`: GitLab's header names have spaces, which fixture
   * file names and handler keys do without. Accepts its own names too.
   */
  override eventName(sent: string): string {
    const name = sent
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_')
    return RENAMED[name] ?? name
  }

  /** `merge_request_hook` → `Merge Request Hook`, as GitLab sends it. */
  override sentEventName(event: string): string {
    return this.eventName(event)
      .split('_')
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join(' ')
  }

  /** The event header, else the body's `object_kind` (and `event_type` for confidential ones). */
  override event(payload: Payload, request: WebhookRequest): string | undefined {
    const sent = eventNamed(this, request.header(this.eventHeader))
    if (sent !== undefined) return sent
    const kind = typeof payload.object_kind === 'string' ? OBJECT_KINDS[payload.object_kind] : undefined
    const type = typeof payload.event_type === 'string' ? payload.event_type : ''
    return kind !== undefined && type.startsWith('confidential_') ? `confidential_${kind}` : kind
  }

  /** Per-endpoint noise control: events, branches, bots, authors, labels (see README, "Noise control"). */
  override get filters(): readonly FilterSpec[] {
    return FILTERS
  }

  override get handlers(): Handlers<GitLabOptions> {
    return HANDLERS
  }

  override get skipped(): Readonly<Record<string, string>> {
    return SKIPPED
  }

  /** A busy branch, merge request or issue: pushes and commits, failed pipelines and jobs, who, then the latest lines. */
  override get digest(): Digest<GitLabDigest, GitLabOptions> {
    return GITLAB_DIGEST
  }

  /**
   * GitLab's `Idempotency-Key` (17.4+) is one per delivery and the same on its retries.
   * `X-Gitlab-Event-UUID` is not a delivery id: a webhook that GitLab triggers because of
   * another one (a bot's comment) carries the same value. Without the key, the body is hashed.
   * @see https://docs.gitlab.com/user/project/integrations/webhooks/#delivery-headers
   */
  override get deliveryHeader(): string {
    return 'idempotency-key'
  }

  override get signatureHeaders(): readonly string[] {
    return [TOKEN_HEADER]
  }

  override verify(request: WebhookRequest, secrets: readonly string[]): void {
    verify(request, secrets)
  }
}
