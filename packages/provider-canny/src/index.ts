import {
  Integration,
  InvalidOptionsError,
  NonceMemory,
  RichText,
  bold,
  join,
  link,
  lines,
  ordinal,
  rich,
  safeUrl,
  skip,
  type Attachment,
  type FilterSpec,
  type Handlers,
  type IntegrationResult,
  type PayloadReader,
  type ProviderOptions,
  type Schema,
  type Skip,
  type WebhookEvent,
  type WebhookRequest,
} from '@missive-integrations/core'
import { MAX_CLOCK_SKEW_MS, NONCE_HEADER, SIGNATURE_HEADER, verify as verifySignature } from './verify.js'

export { sign, verify, MAX_CLOCK_SKEW_MS, NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './verify.js'

/** Documented events answered 200 without a post, each with the reason given back to Canny. */
export const SKIPPED_EVENTS: Readonly<Record<string, string>> = {
  'post.tag_added': 'post.tag_added is triage bookkeeping; tags are not posted',
  'post.tag_removed': 'post.tag_removed is triage bookkeeping; tags are not posted',
  'comment.edited': 'comment.edited is not posted: the comment is already in the conversation as first written',
  'comment.deleted': 'comment.deleted is not posted: a post in Missive cannot be taken back',
  'vote.deleted': 'vote.deleted is not posted: only vote milestones (every voteStep-th vote) are',
}

/** Noise control for a Canny endpoint: `--option boards=Feature Requests --option events=post.*`. */
export const FILTERS: readonly FilterSpec[] = [
  {
    key: 'boards',
    kind: 'list',
    noun: 'board',
    label: 'Boards',
    description: 'post only events of posts on these boards (board names)',
    // A post event's object is the post; a comment's or a vote's carries its post.
    read: (p) => p.optionalString('object.board.name') ?? p.optionalString('object.post.board.name'),
  },
  {
    key: 'events',
    kind: 'events',
    label: 'Events',
    description: 'post only these events (post.created, post.status_changed, comment.*, vote.created)',
  },
]

/** The hosted Missive integration's colors, kept so conversations look the same after a move. */
export const COLORS = {
  comment: '#999',
  vote: '#535df0',
  status: {
    open: '#999',
    under_review: '#85b5b5',
    planned: '#1fa0ff',
    in_progress: '#c17aff',
    complete: '#6dd345',
    closed: '#ed2b2b',
  },
} as const

const DEFAULT_VOTE_STEP = 5

/** Options of a Canny endpoint, after core's resolveOptions applied the schema's defaults. */
interface CannyOptions extends ProviderOptions {
  voteStep?: number
}

/** A handler over the event's `object` (the post, comment or vote). */
type ObjectHandler = (object: PayloadReader, options: CannyOptions) => IntegrationResult | Skip

/** Every Canny event carries what it is about in `object`. */
const withObject =
  (handler: ObjectHandler) =>
  ({ p, options }: WebhookEvent<CannyOptions>) =>
    handler(p.object('object'), options)

/**
 * Canny webhooks as Missive posts: one conversation per feedback post (reference
 * `BOARD_ID/POST_ID`, subject = post title, as the hosted integration threads them), colored by
 * the post's status.
 * @see https://developers.canny.io/api-reference#webhooks
 */
export default class Canny extends Integration<CannyOptions> {
  // Nonces accepted by this instance, refused when sent again while the original may still be on
  // its way to the queue (twice the clock skew a timestamp is allowed).
  readonly #nonces = new NonceMemory(2 * MAX_CLOCK_SKEW_MS)

  override get id(): string {
    return 'canny'
  }

  override get name(): string {
    return 'Canny'
  }

  /** `voteStep`: post a vote when the post's score is a multiple of it (the hosted integration used 5). */
  override get schema(): Schema {
    return {
      options: [
        {
          key: 'voteStep',
          type: 'Number',
          default: DEFAULT_VOTE_STEP,
          label: 'Vote step',
          description: 'post a new vote only when the post reaches a multiple of this many votes (1 posts every vote)',
        },
      ],
    }
  }

  /** Canny names the event in the event object's `type` (`post.created`); it sends no event header. */
  override get eventField(): string {
    return 'type'
  }

  /** Per-endpoint noise control: `boards` and `events` (see README, "Noise control"). */
  override get filters(): readonly FilterSpec[] {
    return FILTERS
  }

  override get handlers(): Handlers<CannyOptions> {
    return HANDLERS
  }

  override get skipped(): Readonly<Record<string, string>> {
    return SKIPPED_EVENTS
  }

  /**
   * The nonce, as the delivery id: Canny signs only the nonce, so a captured nonce and signature
   * can carry another body; as the dedupe key, a reuse on any server instance sharing the queue
   * is answered `duplicate` for 24 h. (A Canny retry carries a new nonce, so it is not caught.)
   */
  override get deliveryHeader(): string {
    return NONCE_HEADER
  }

  override get signatureHeaders(): readonly string[] {
    return [SIGNATURE_HEADER]
  }

  /** Check `canny-signature` with the endpoint's Canny API key(s). @see https://developers.canny.io/api-reference#webhook_signature */
  override verify(request: WebhookRequest, secrets: readonly string[]): void {
    verifySignature(request, secrets, Date.now(), this.#nonces)
  }
}

/**
 * One handler per event type Canny puts in the event's `type` that this provider posts.
 * @see https://developers.canny.io/api-reference#event_types
 */
const HANDLERS: Handlers<CannyOptions> = {
  'post.created': withObject((post) => {
    const board = post.object('board')
    const pretext = rich`${authorName(post)} created a new post in ${boardLink(board)}`
    return postResult(post, board, pretext.plain, postAttachment(post, pretext))
  }),
  'post.edited': withObject((post) => {
    const board = post.object('board')
    const pretext = rich`A post in ${boardLink(board)} was edited`
    // The title may be what changed: let the conversation subject follow it.
    return { ...postResult(post, board, pretext.plain, postAttachment(post, pretext)), update_existing_conversation_subject: true }
  }),
  'post.deleted': withObject((post) => {
    const board = post.object('board')
    const text = rich`${bold(post.string('title'))} was deleted from ${boardLink(board)}`
    return postResult(post, board, text.plain, { text: text.text, color: statusColor(post) })
  }),
  'post.status_changed': withObject((post) => {
    const board = post.object('board')
    // changeComment ({value, imageURLs}) is the note the admin wrote with the change, and changer
    // (a user) the admin: the API reference documents both on the status change object; on the
    // post in this event they are undocumented, so both are optional here.
    // @see https://developers.canny.io/api-reference#list_status_changes
    const comment = post.optionalObject('changeComment')
    const changer = post.optionalObject('changer')?.optionalString('name')
    const status = bold(post.string('status'))
    const sentence = changer
      ? rich`${bold(changer)} changed the status of ${postLink(post, board)} to ${status}`
      : rich`${postLink(post, board)} has been marked as ${status}`
    const text = lines(sentence, comment?.optionalString('value'))
    return postResult(post, board, text.plain, withImage({ text: text.text, color: statusColor(post) }, comment))
  }),
  'post.jira_issue_linked': jiraIssueHandler('linked'),
  'post.jira_issue_unlinked': jiraIssueHandler('unlinked'),
  'comment.created': withObject((comment) => {
    const post = comment.object('post')
    // The comment carries the board; the post inside it does not.
    const board = comment.optionalObject('board') ?? post.object('board')
    const kind = comment.optionalBoolean('internal') ? 'an internal comment' : 'a new comment'
    const pretext = rich`${authorName(comment)} posted ${kind} in ${postLink(post, board)}`
    const value = comment.optionalString('value')
    return postResult(
      post,
      board,
      pretext.plain,
      withImage({ pretext: pretext.text, ...(value ? { text: RichText.from(value).text } : {}), color: COLORS.comment }, comment),
    )
  }),
  'vote.created': withObject((vote, options) => {
    const post = vote.object('post')
    const board = vote.optionalObject('board') ?? post.object('board')
    const score = post.number('score')
    const step = voteStep(options)
    // As the hosted integration: only milestones are posted, so popular posts do not flood the inbox.
    if (score <= 0 || score % step !== 0) {
      return skip(`vote.created: only every ${ordinal(step)} vote is posted (voteStep option); this post now has ${score}`)
    }
    const text = rich`${postLink(post, board)} hit ${bold(`${score} votes`)}`
    return postResult(post, board, text.plain, { text: text.text, color: COLORS.vote })
  }),
}

/**
 * A Jira issue linked to or unlinked from a post, in the post's conversation. Deliveries carry the
 * issue as `object.issue` (`{key, url, summary}`) next to the post (`object.post`; the post's own
 * fields in `object` are read too). Without an issue, a linked post's `jira.linkedIssues` (the
 * older shape) are listed instead.
 */
function jiraIssueHandler(change: 'linked' | 'unlinked') {
  return withObject((object) => {
    const post = object.optionalObject('post') ?? object
    const board = object.optionalObject('board') ?? post.object('board')
    const issue = object.optionalObject('issue')
    let text: RichText
    if (issue) {
      const key = issue.optionalString('key')
      const url = issue.optionalString('url')
      const named = key ? rich`Jira issue ${link(url, key)}` : link(url, 'a Jira issue')
      const sentence = change === 'linked' ? rich`${postLink(post, board)} was linked to ${named}` : rich`${postLink(post, board)} was unlinked from ${named}`
      text = lines(sentence, issue.optionalString('summary'))
    } else if (change === 'unlinked') {
      text = rich`${postLink(post, board)} was unlinked from a Jira issue`
    } else {
      const issues = post.objects('jira.linkedIssues').map((linked) => link(linked.optionalString('url'), linked.optionalString('key') ?? linked.id('id')))
      text =
        issues.length > 0 ? rich`${postLink(post, board)} is linked to Jira: ${join(issues, ', ')}` : rich`${postLink(post, board)} was linked to a Jira issue`
    }
    return postResult(post, board, text.plain, { text: text.text, color: statusColor(post) })
  })
}

/** Every Canny post lands in its post's conversation, colored by the post's status. */
function postResult(post: PayloadReader, board: PayloadReader, notification: string, attachment: Attachment): IntegrationResult {
  const color = statusColor(post)
  return {
    references: [`${board.id('id')}/${post.id('id')}`],
    subject: post.string('title'),
    ...(color ? { color } : {}),
    notification,
    attachment,
  }
}

/** The post itself: title linked to Canny, details, first image. */
function postAttachment(post: PayloadReader, pretext: RichText): Attachment {
  const url = safeUrl(post.optionalString('url'))
  const details = post.optionalString('details')
  const color = statusColor(post)
  return withImage(
    {
      pretext: pretext.text,
      title: RichText.from(post.string('title')).text,
      ...(url ? { title_link: url } : {}),
      ...(details ? { text: RichText.from(details).text } : {}),
      ...(color ? { color } : {}),
    },
    post,
  )
}

/** Add the first image of `imageURLs` (absent, null or empty is fine: Canny sends all three). */
function withImage(attachment: Attachment, source: PayloadReader | undefined): Attachment {
  const image = source
    ?.optionalArray('imageURLs')
    .map((url) => (typeof url === 'string' ? safeUrl(url) : undefined))
    .find(Boolean)
  return image ? { ...attachment, image_url: image } : attachment
}

/**
 * Canny's statuses contain spaces ("under review"); teams may add their own, which get no color.
 * @see https://developers.canny.io/api-reference (the post object's status)
 */
function statusColor(post: PayloadReader): string | undefined {
  const status = post.optionalString('status')
  if (!status) return undefined
  const key = status.trim().toLowerCase().replace(/\s+/g, '_')
  return Object.hasOwn(COLORS.status, key) ? COLORS.status[key as keyof typeof COLORS.status] : undefined
}

/** A deleted author's account arrives as `author: null`. */
function authorName(object: PayloadReader): string {
  return object.optionalObject('author')?.optionalString('name') || 'Someone'
}

function boardLink(board: PayloadReader): RichText {
  return link(board.optionalString('url'), board.optionalString('name') || 'a board')
}

/** `Board: Title`, linked to the post, as the hosted integration writes it. */
function postLink(post: PayloadReader, board: PayloadReader): RichText {
  const title = post.string('title')
  const boardName = board.optionalString('name')
  return link(post.optionalString('url'), boardName ? `${boardName}: ${title}` : title)
}

function voteStep(options: CannyOptions): number {
  const step = options.voteStep ?? DEFAULT_VOTE_STEP
  if (!Number.isInteger(step) || step < 1) {
    throw new InvalidOptionsError('canny', 'voteStep', `must be a whole number of 1 or more, got ${JSON.stringify(step)}`)
  }
  return step
}
