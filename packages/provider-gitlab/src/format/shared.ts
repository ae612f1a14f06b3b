/**
 * What every GitLab formatter shares: the project a delivery is about, its conversations
 * (threads), links into GitLab and the one shape every post takes.
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/
 */
import {
  bold,
  code,
  codeLink,
  join,
  link,
  rich,
  stripHtmlComments,
  truncate,
  type IntegrationResult,
  type PayloadReader,
  type RichText,
  type WebhookEvent,
} from '@missive-integrations/core'

/** The provider's options: `confidential` posts confidential issues and internal notes in full. */
export interface GitLabOptions extends Record<string, string | number | boolean | undefined> {
  confidential?: boolean | undefined
}

/** One delivery as a formatter sees it. */
export type Delivery = WebhookEvent<GitLabOptions>

/** Attachment colors, from GitLab's own palette. */
export const COLORS = {
  push: '#1f75cb',
  mergeRequest: '#108548',
  merged: '#6b4fbb',
  issue: '#c17d10',
  comment: '#737278',
  failed: '#dd2b0e',
  passed: '#108548',
  release: '#6b4fbb',
  warning: '#c17d10',
} as const

/** The project fields that threads and links need. */
export interface Project {
  id: string
  /** The last segment of its path (`my-awesome-project`), as subjects show it. */
  slug: string
  /** Its web address, without a trailing slash. */
  url: string
}

/** The thread part of a post: where it goes and the subject a new conversation gets. */
export type Thread = Required<Pick<IntegrationResult, 'references' | 'subject'>>

/**
 * The delivery's project. Older GitLab versions leave `project.id` out: the top-level
 * `project_id` (pushes, notes) or `object_attributes.project_id` (issues, merge requests) stand
 * in, and where none is sent (GitLab 8's pipeline and wiki hooks) the project's path does.
 */
export function readProject(p: PayloadReader): Project {
  const project = p.object('project')
  const url = (project.optionalString('web_url') ?? project.string('homepage')).replace(/\/+$/, '')
  const path = project.optionalString('path_with_namespace')
  const id =
    project.optionalId('id') ??
    p.optionalId('project_id') ??
    p.optionalId('object_attributes.project_id') ??
    p.optionalId('object_attributes.target_project_id') ??
    path
  if (id === undefined) throw p.invalid('project.id', 'an id (a number or a non-empty string)')
  return { id, slug: lastSegment(path ?? url) ?? project.string('name'), url }
}

/** `group/sub/project` → `project`. */
export function lastSegment(path: string): string | undefined {
  return path.split('/').filter(Boolean).pop()
}

/** Events of a project as a whole (tags, releases, deployments, wiki, feature flags): `PROJECT_ID`. */
export function projectThread(project: Project): Thread {
  return { references: [project.id], subject: `[${project.slug}]` }
}

/** A branch's conversation, `PROJECT_ID/BRANCH`: its pushes, and its pipelines and jobs. */
export function branchThread(project: Project, branch: string): Thread {
  return { references: [`${project.id}/${branch}`], subject: `[${project.slug}:${branch}]` }
}

/**
 * A merge request's conversation, `PROJECT_ID/!IID` (the target project). From a branch of the
 * same project it also carries `PROJECT_ID/BRANCH` first, so the branch's pushes and pipelines
 * and the merge request share one conversation, whose subject names the branch.
 */
export function mergeRequestThread(project: Project, mr: PayloadReader): Thread {
  const iid = mr.id('iid')
  const title = mr.optionalString('title')
  const name = title ? `!${iid} ${title}` : `!${iid}`
  const branch = sameProjectBranch(mr)
  if (branch === undefined) return { references: [`${project.id}/!${iid}`], subject: `${name} [${project.slug}]` }
  return { references: [`${project.id}/${branch}`, `${project.id}/!${iid}`], subject: `${name} [${project.slug}:${branch}]` }
}

/** The source branch of a merge request opened from the target project itself (not a fork). */
export function sameProjectBranch(mr: PayloadReader): string | undefined {
  const source = mr.optionalId('source_project_id')
  const target = mr.optionalId('target_project_id')
  if (source === undefined || source !== target) return undefined
  return mr.optionalString('source_branch')
}

/** A link to a merge request: `merge request !12`. */
export function mergeRequestLink(mr: PayloadReader, kind = 'merge request'): RichText {
  return link(mr.optionalString('url'), `${kind} !${mr.id('iid')}`)
}

/** Who did it, bold: the user's name, else their username. */
export function actor(p: PayloadReader, path = 'user'): RichText {
  const user = p.optionalObject(path)
  return bold(user?.optionalString('name') || user?.optionalString('username') || 'Someone')
}

/** A ref name without `refs/heads/` or `refs/tags/`. */
export function refName(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '')
}

/** A path segment safe in a GitLab URL (branch names may hold `#`, `%`, …); slashes stay. */
export function urlPath(value: string): string {
  return value.split('/').map(encodeURIComponent).join('/')
}

/** A branch or tag name in code, linking to its tree. */
export function treeLink(project: Project, ref: string): RichText {
  return codeLink(`${project.url}/-/tree/${urlPath(ref)}`, ref)
}

/** GitLab shows 8 characters of a sha. */
export function shortSha(sha: string): string {
  return sha.slice(0, 8)
}

/** A commit's short sha in code, linking to the commit. */
export function commitLink(project: Project, sha: string, url?: string): RichText {
  return codeLink(url ?? `${project.url}/-/commit/${sha}`, shortSha(sha))
}

/** Names in a sentence: `Ada`, `Ada and Grace`, `Ada, Grace and Alan`. */
export function names(list: readonly string[]): RichText {
  const parts = list.map((name) => bold(name))
  if (parts.length <= 1) return join(parts)
  return join([join(parts.slice(0, -1), ', '), parts.at(-1)!], ' and ')
}

/** Labels in code, comma-separated. */
export function labelList(list: readonly string[]): RichText {
  return join(
    list.map((name) => code(name)),
    ', ',
  )
}

/** The names of the users in an array of user objects (assignees, reviewers). */
export function userNames(users: PayloadReader[]): string[] {
  return users.map((user) => user.optionalString('name') || user.optionalString('username') || '').filter(Boolean)
}

/** Long descriptions and comments are cut: the post links to GitLab for the rest. */
export const MAX_BODY = 2000

/**
 * A user's Markdown (description, comment, release notes) as a post shows it: HTML comments
 * left out by core's `stripHtmlComments` (issue and merge request templates are full of them;
 * GitLab does not render them either; code blocks keep theirs), cut to MAX_BODY characters;
 * nothing when it is empty.
 */
export function markdownBody(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const shown = stripHtmlComments(value)
    .replace(/\n{3,}/g, '\n\n')
    .trim()
  return shown === '' ? undefined : truncate(shown, MAX_BODY)
}

/** What a post shows besides its sentence. */
export interface Details {
  color?: string | undefined
  /** A title under the sentence (user text: escaped), linking to `link`. */
  title?: string | undefined
  link?: string | undefined
  /** Markdown under the sentence (a description, a comment). */
  body?: string | undefined
  /** Rewrite the subject of an existing conversation (titles change). */
  updateSubject?: boolean
}

/**
 * A post: the sentence is the notification; alone it is the attachment's text, and with a
 * title or a body it heads them.
 */
export function post(thread: Thread, sentence: RichText, details: Details = {}): IntegrationResult {
  const { color, title, link: href, body, updateSubject } = details
  const attachment: Record<string, string> = {}
  if (title === undefined && body === undefined) attachment.text = sentence.text
  else {
    attachment.pretext = sentence.text
    if (title !== undefined) attachment.title = rich`${title}`.text
    if (title !== undefined && href !== undefined) attachment.title_link = href
    if (body !== undefined) attachment.markdown = body
  }
  if (color !== undefined) attachment.color = color
  return { ...thread, notification: sentence.plain, attachment, ...(updateSubject ? { update_existing_conversation_subject: true } : {}) }
}

/** `snake_case` or `CamelCase` as words: `key_result` / `KeyResult` → `key result`. */
export function words(value: string): string {
  return value
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase()
}
