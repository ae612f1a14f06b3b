import type { Integration, OptionSpec, ProviderOptions } from './integration.js'
import type { Payload } from './parse-body.js'
import { toMissivePost, type MissivePost, type PostOptions } from './post.js'
import type { ValidResult } from './result.js'
import { bold, join, lines, rich, type RichText } from './rich-text.js'
import { pluralize } from './text.js'
import { validateResult } from './validate.js'

/**
 * Burst digests: when one conversation gets more than `burst_limit` posts within `burst_window`
 * seconds, the first ones go out as they are and the rest of the window folds into one digest
 * post, so a storm (2,000 occurrences of one Rollbar item) reaches Missive as a handful of posts
 * that still count every event, within Missive's 900 posts per 15 minutes per token.
 *
 * Core gives the mechanism (the options, the running summary, the digest post); the queue decides,
 * in the transaction that commits a webhook, whether its post goes out or folds; a provider says
 * what its digest reads like with a {@link Digest}, else {@link genericDigest} counts and lists.
 */

/** Who a post is by, as `toMissivePost` takes it. */
type PostAuthor = Parameters<typeof toMissivePost>[0]

/** Posts per conversation per window that go out as they are, by default. */
export const DEFAULT_BURST_LIMIT = 3
/** The window, in seconds, by default. */
export const DEFAULT_BURST_WINDOW = 60
const MAX_BURST_WINDOW = 3_600
const MAX_BURST_LIMIT = 1_000

/** The endpoint options every provider takes for burst digests (listed with its own options). */
export const BURST_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'burst_limit',
    type: 'Number',
    label: 'Burst limit',
    description: 'posts a conversation gets as they are within burst_window seconds; the rest of the window folds into one digest post (0 turns digests off)',
    default: DEFAULT_BURST_LIMIT,
    integer: true,
    min: 0,
    max: MAX_BURST_LIMIT,
  },
  {
    key: 'burst_window',
    type: 'Number',
    label: 'Burst window (seconds)',
    description: 'the window burst_limit counts in, in seconds',
    default: DEFAULT_BURST_WINDOW,
    integer: true,
    min: 1,
    max: MAX_BURST_WINDOW,
  },
]

/** The summary a digest post is rendered from: plain JSON, stored with the digest in the queue. */
export interface DigestState<Data = unknown> {
  /** Posts folded into this digest. */
  count: number
  /** When the first and the latest folded webhooks arrived (ms since the epoch). */
  first: number
  last: number
  /** Folded posts per event name (`push`, `occurrence`, …). */
  events: Record<string, number>
  /** The provider's own summary (see {@link Digest.fold}). */
  data: Data
}

/** One post a burst folds: what the provider made of the webhook, and the webhook itself. */
export interface FoldedPost<Options extends ProviderOptions = ProviderOptions> {
  event: string | undefined
  payload: Payload
  result: ValidResult
  /** The post as it would have gone out (its notification body is the one-line summary). */
  post: MissivePost
  options: Options
  /** When the webhook arrived (ms since the epoch). */
  at: number
}

/** What a digest post says: the rest (references, conversation, author, icons) is the folded posts'. */
export type DigestResult = Pick<ValidResult, 'text' | 'markdown' | 'attachments' | 'subject' | 'color' | 'notification'>

/**
 * How a provider summarises a burst. `fold` must keep its summary small (counts, a few samples),
 * as it is stored and rewritten with every folded webhook; both must be pure functions of plain
 * data, as a digest is rendered in the queue's transaction.
 */
export interface Digest<Data = unknown, Options extends ProviderOptions = ProviderOptions> {
  fold(data: Data | undefined, folded: FoldedPost<Options>): Data
  render(data: Data, burst: Omit<DigestState<Data>, 'data'>): DigestResult
}

/**
 * A webhook's burst settings and how it folds, handed to the store with its post (in memory only:
 * what the store keeps is the state and the rendered digest post).
 */
export interface BurstPlan {
  /** Posts that go out as they are per window. */
  limit: number
  windowMs: number
  /** Fold this webhook into a digest's state (undefined for a new digest) and render the digest post. Never throws. */
  fold(previous: DigestState | undefined, at: number): { state: DigestState; post: MissivePost }
}

/** The endpoint's burst settings, from its core options (`resolveCoreOptions`, which checks them). Limit 0: digests off. */
export function burstSettings(options: ProviderOptions): { limit: number; windowMs: number } {
  const limit = typeof options.burst_limit === 'number' ? options.burst_limit : DEFAULT_BURST_LIMIT
  const window = typeof options.burst_window === 'number' ? options.burst_window : DEFAULT_BURST_WINDOW
  return { limit, windowMs: window * 1000 }
}

/**
 * The burst plan of a delivery, or undefined when it cannot fold: digests off, or a delivery of
 * several posts (a push and its follow-ups into other conversations go out as they are, so that a
 * follow-up never waits for a digest).
 */
export function burstPlan(
  integration: Integration,
  settings: { limit: number; windowMs: number },
  input: {
    /** Who the digest post is by: the provider's name and the icons its posts carry. */
    author: PostAuthor
    event: string | undefined
    payload: Payload
    options: ProviderOptions
    postOptions: PostOptions | undefined
    results: readonly ValidResult[]
    posts: readonly MissivePost[]
  },
): BurstPlan | undefined {
  const { limit, windowMs } = settings
  if (limit === 0 || input.posts.length !== 1) return undefined
  const result = input.results[0]!
  const post = input.posts[0]!
  return {
    limit,
    windowMs,
    fold: (previous, at) => {
      const folded: FoldedPost = { event: input.event, payload: input.payload, result, post, options: input.options, at }
      const state = foldState(integration.digest, previous, folded)
      return { state, post: renderDigest(integration, input.author, state, result, input.postOptions) }
    },
  }
}

function foldState(digest: Digest | undefined, previous: DigestState | undefined, folded: FoldedPost): DigestState {
  const events = { ...previous?.events }
  const name = folded.event ?? 'event'
  events[name] = (events[name] ?? 0) + 1
  const base = { count: (previous?.count ?? 0) + 1, first: previous?.first ?? folded.at, last: folded.at, events }
  // Once a provider's digest failed, the rest of its window is counted generically.
  if (digest && (previous === undefined || !isGenericData(previous.data))) {
    try {
      return { ...base, data: digest.fold(previous?.data, folded) }
    } catch {
      // A provider bug must not refuse a webhook its sender waits on: counted generically.
    }
  }
  return { ...base, data: genericDigest.fold(previous && isGenericData(previous.data) ? previous.data : undefined, folded) }
}

/** The digest post: the provider's digest (or the generic one) in the folded posts' conversation. */
function renderDigest(
  integration: Integration,
  author: PostAuthor,
  state: DigestState,
  folded: ValidResult,
  postOptions: PostOptions | undefined,
): MissivePost {
  const { data, ...burst } = state
  const thread = { references: folded.references, conversation: folded.conversation }
  const digest = integration.digest
  if (digest && !isGenericData(data)) {
    try {
      const result = validateResult(
        { subject: folded.subject, color: folded.color, ...digest.render(data, burst), ...thread },
        { provider: integration.id, event: 'digest' },
      )
      return toMissivePost(author, result, postOptions)
    } catch {
      // Falls through to the generic digest, which cannot fail.
    }
  }
  const generic = genericDigest.render(isGenericData(data) ? data : { kind: 'generic', lines: [], omitted: burst.count }, burst)
  return toMissivePost(author, { subject: folded.subject, color: folded.color, ...generic, ...thread }, postOptions)
}

interface GenericData {
  kind: 'generic'
  /** The latest folded posts' one-line summaries (their notification bodies). */
  lines: string[]
  /** Folded posts whose lines were dropped to keep the summary small. */
  omitted: number
}

/** Lines a generic digest lists at most: the latest ones. */
const GENERIC_LINES = 10

function isGenericData(data: unknown): data is GenericData {
  return typeof data === 'object' && data !== null && (data as GenericData).kind === 'generic'
}

/**
 * The digest of a provider that defines none: how many posts folded, of which events, between
 * when and when, and the one-line summaries of the latest ten.
 */
export const genericDigest: Digest<GenericData> = {
  fold(data, folded) {
    const all = [...(data?.lines ?? []), folded.post.notification.body]
    const dropped = Math.max(0, all.length - GENERIC_LINES)
    return { kind: 'generic', lines: all.slice(dropped), omitted: (data?.omitted ?? 0) + dropped }
  },
  render(data, burst) {
    const headline = rich`${bold(`${formatCount(burst.count)} more ${burst.count === 1 ? 'post' : 'posts'}`)} in this conversation ${describeSpan(burst.first, burst.last)} (${describeEvents(burst.events)})`
    const listed = data.lines.map((line) => rich`• ${line}`)
    const earlier = data.omitted > 0 ? [rich`• … and ${pluralize(data.omitted, 'earlier one')}`] : []
    const text = lines(rich`${headline}:`, ...earlier, ...listed)
    return { text: text.text, notification: headline.plain }
  },
}

/** `1,996`. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US')
}

/** `between 14:00:03 and 14:04:58 UTC` (or `at 14:00:03 UTC` for one instant), with the date when it is not the same day. */
export function describeSpan(first: number, last: number): string {
  const from = new Date(first).toISOString()
  const to = new Date(last).toISOString()
  const clock = (iso: string) => `${iso.slice(11, 19)}`
  const sameDay = from.slice(0, 10) === to.slice(0, 10)
  if (clock(from) === clock(to) && sameDay) return `at ${clock(to)} UTC`
  return sameDay ? `between ${clock(from)} and ${clock(to)} UTC` : `between ${from.slice(0, 10)} ${clock(from)} and ${to.slice(0, 10)} ${clock(to)} UTC`
}

/** `3 push, 2 issue_comment`, largest first. */
export function describeEvents(events: Readonly<Record<string, number>>): string {
  return largestFirst(events)
    .map(([name, count]) => `${formatCount(count)} ${name}`)
    .join(', ')
}

function largestFirst(counts: Readonly<Record<string, number>>): Array<[string, number]> {
  return Object.entries(counts).sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
}

/** Count one more `key` (or `by` more) in a digest's summary. */
export function tally(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by
}

/**
 * `error 1,990, critical 6`: counts by name, as given when an ordered list (levels by severity),
 * else largest first, then by name.
 */
export function countList(counts: Readonly<Record<string, number>> | ReadonlyArray<readonly [string, number]>): string {
  const entries = isEntries(counts) ? counts : largestFirst(counts)
  return entries.map(([name, count]) => `${name} ${formatCount(count)}`).join(', ')
}

function isEntries(counts: Readonly<Record<string, number>> | ReadonlyArray<readonly [string, number]>): counts is ReadonlyArray<readonly [string, number]> {
  return Array.isArray(counts)
}

/**
 * A digest of a busy branch, pull or merge request: "*14 more events* between … UTC (9 push, 5
 * workflow_run): part; part", then "Latest:" and the latest one-line summaries, as text; the
 * headline and the parts, one a line, as the notification.
 */
export function eventsDigest(burst: Omit<DigestState, 'data'>, parts: readonly RichText[], latest: readonly string[]): DigestResult {
  const headline = rich`${bold(`${formatCount(burst.count)} more ${burst.count === 1 ? 'event' : 'events'}`)} ${describeSpan(burst.first, burst.last)} (${describeEvents(burst.events)})`
  const text = lines(parts.length > 0 ? rich`${headline}: ${join(parts, '; ')}` : headline, rich`Latest:`, ...latest.map((line) => rich`• ${line}`))
  return { text: text.text, notification: lines(headline, ...parts).plain }
}
