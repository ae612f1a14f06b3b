/**
 * What every GitHub formatter shares: the delivery being read, threading (references and
 * subjects kept exactly as Missive's hosted integration builds them) and links.
 * @see https://github.com/missive/missive-webhooks/blob/master/lib/integrations/github.js
 */
import {
  bold,
  code,
  codeLink,
  link,
  rich,
  stripHtmlComments,
  type Handler,
  type IntegrationResult,
  type PayloadReader,
  type RichText,
  type WebhookEvent,
} from '@missive-integrations/core'

/** One delivery as a formatter sees it: the typed payload `p`, the X-GitHub-Event `event` and the payload's `action`. */
export type Delivery = WebhookEvent

/** Turns one delivery into posts, or a reasoned skip. */
export type Formatter = Handler

/** Attachment colors of the hosted integration, kept so posts look the same after a move. */
export const COLORS = {
  commit: '#0093ce',
  commitComment: '#00acf0',
  issue: '#de5c00',
  issueComment: '#ff7d22',
  pr: '#009e61',
  prComment: '#00c76e',
  rejected: '#c6474e',
  deploy: '#430098',
  success: '#2cbe4e',
  neutral: '#6a737d',
} as const

/** The repository fields threading and links need. */
export interface Repo {
  id: string
  name: string
  fullName: string
  url: string
}

/**
 * The repository a delivery is about. Some deliveries (older and GitHub Enterprise Server push
 * payloads, hooks relayed by other tools) leave out `full_name`: it is then `owner/name`, the
 * owner read as `login` or, in push payloads, `name`.
 */
export function readRepo(p: PayloadReader, path = 'repository'): Repo {
  const repo = p.object(path)
  const name = repo.string('name')
  const owner = repo.optionalString('full_name') === undefined ? (repo.optionalString('owner.login') ?? repo.optionalString('owner.name')) : undefined
  // Neither full_name nor an owner: let the error name the field a sender should send.
  const fullName = owner === undefined ? repo.string('full_name') : `${owner}/${name}`
  return {
    id: repo.id('id'),
    name,
    fullName,
    url: repo.optionalString('html_url') ?? `https://github.com/${fullName}`,
  }
}

/**
 * Who triggered the event: `sender.login`; a push without a sender names its `pusher` (`name`,
 * or `login`), as push payloads from GitHub Enterprise Server and relays can.
 */
export function actorName(p: PayloadReader): string {
  return p.optionalString('sender.login') ?? p.optionalString('pusher.name') ?? p.optionalString('pusher.login') ?? p.string('sender.login')
}

/** The login of whoever triggered the event, bold. */
export function actor(p: PayloadReader): RichText {
  return bold(actorName(p))
}

/**
 * Repository-level events all go to one conversation, `REPO_ID/master`, whatever the default
 * branch is called: that is where the hosted integration put them.
 */
export function repositoryThread(repo: Repo): Pick<IntegrationResult, 'references' | 'subject'> {
  return { references: [`${repo.id}/master`], subject: `[${repo.name}]` }
}

/** A branch's conversation (`REPO_ID/BRANCH`, `[repo:branch]`): pushes, and CI results for that branch. */
export function branchThread(repo: Repo, branch: string): Pick<IntegrationResult, 'references' | 'subject'> {
  return { references: [`${repo.id}/${branch}`], subject: `[${repo.name}:${branch}]` }
}

/**
 * An issue's or pull request's conversation: `REPO_ID/NUMBER`. A pull request from a branch of
 * the same repository also carries `REPO_ID/BRANCH` first, so branch pushes and the pull request
 * share one conversation, whose subject names the branch.
 */
export function issueThread(repo: Repo, item: PayloadReader): Pick<IntegrationResult, 'references' | 'subject'> {
  const number = item.number('number')
  const title = item.string('title')
  const branch = sameRepoBranch(repo, item)
  if (branch === undefined) return { references: [`${repo.id}/${number}`], subject: `#${number} ${title} [${repo.name}]` }
  return { references: [`${repo.id}/${branch}`, `${repo.id}/${number}`], subject: `#${number} ${title} [${repo.name}:${branch}]` }
}

/** The head branch of a pull request opened from the same repository (not a fork), else undefined. */
export function sameRepoBranch(repo: Repo, item: PayloadReader): string | undefined {
  const head = item.optionalObject('head')
  // A fork that was deleted leaves `head.repo` null.
  const headRepo = head?.optionalObject('repo')
  if (!head || !headRepo || headRepo.id('id') !== repo.id) return undefined
  return head.string('ref')
}

/** An organization's conversation, for events that concern no single repository. */
export function organizationThread(p: PayloadReader, path = 'organization'): Pick<IntegrationResult, 'references' | 'subject'> {
  const org = p.object(path)
  return { references: [`org/${org.id('id')}`], subject: `[${org.string('login')}]` }
}

/** Repository-level when the payload has a repository, else the organization's. */
export function repositoryOrOrganizationThread(p: PayloadReader): Pick<IntegrationResult, 'references' | 'subject'> {
  return p.has('repository') ? repositoryThread(readRepo(p)) : organizationThread(p)
}

/** A path segment safe in a GitHub URL (branch names may hold `#`, `%`, …); slashes stay. */
export function urlPath(value: string): string {
  return URL_SAFE.test(value) ? value : value.split('/').map(encodeURIComponent).join('/')
}

/** Characters encodeURIComponent leaves as they are, and slashes: most branch names. */
const URL_SAFE = /^[\w.!~*'()/-]*$/

/** `branch` in code, linking to its tree. */
export function branchLink(repo: Repo, branch: string): RichText {
  return codeLink(`${repo.url}/tree/${urlPath(branch)}`, branch)
}

/** The 7-character short sha GitHub shows. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7)
}

/** A commit's short sha in code, linking to the commit (whitespace changes hidden, as the hosted integration did). */
export function commitLink(repo: Repo, sha: string, url?: string): RichText {
  return codeLink(`${url ?? `${repo.url}/commit/${sha}`}?w=1`, shortSha(sha))
}

/** `issue #12` / `pull request #12` / `discussion #12`, linking to it. */
export function itemLink(kind: string, item: PayloadReader): RichText {
  return link(item.string('html_url'), `${kind} #${item.number('number')}`)
}

/** A label name in code. */
export function labelName(p: PayloadReader, path = 'label'): RichText {
  return code(p.string(`${path}.name`))
}

/** A user's login, linking to their profile. */
export function userLink(user: PayloadReader): RichText {
  return link(user.optionalString('html_url'), user.string('login'))
}

/** Long bodies are cut: the post links to GitHub for the rest. */
export const MAX_BODY = 2000

/**
 * A user's Markdown body (issue, pull request, comment, review, release notes) without the HTML
 * comments templates leave in it (GitHub does not show them either), cut to MAX_BODY characters;
 * nothing when that leaves it empty.
 */
export function body(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const stripped = stripHtmlComments(value)
  if (stripped.trim() === '') return undefined
  const shown = stripped === value ? value : stripped.trim()
  return shown.length > MAX_BODY ? `${shown.slice(0, MAX_BODY - 1).trimEnd()}…` : shown
}

/** A one-sentence post: text and notification from the same rich text. */
export function sentence(
  thread: Pick<IntegrationResult, 'references' | 'subject'>,
  text: RichText,
  color?: string,
  extra: Partial<IntegrationResult> = {},
): IntegrationResult {
  return {
    ...thread,
    notification: text.plain,
    attachment: color === undefined ? { text: text.text } : { text: text.text, color },
    ...extra,
  }
}

/** A post whose sentence heads a titled body (an opened issue, a comment). */
export function headed(
  thread: Pick<IntegrationResult, 'references' | 'subject'>,
  pretext: RichText,
  content: { title?: string; title_link?: string; markdown?: string | undefined; color?: string },
  extra: Partial<IntegrationResult> = {},
): IntegrationResult {
  const attachment: Record<string, string> = { pretext: pretext.text }
  // Titles are user text: escaped like any other, so they cannot carry markup.
  if (content.title !== undefined) attachment.title = rich`${content.title}`.text
  if (content.title_link !== undefined) attachment.title_link = content.title_link
  if (content.markdown !== undefined) attachment.markdown = content.markdown
  if (content.color !== undefined) attachment.color = content.color
  return { ...thread, notification: pretext.plain, attachment, ...extra }
}

/** `snake_case` action or state as words: `changes_requested` → `changes requested`. */
export function words(value: string): string {
  return value.replace(/_/g, ' ')
}
