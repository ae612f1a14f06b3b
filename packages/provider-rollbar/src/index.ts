import {
  Integration,
  InvalidOptionsError,
  countList,
  describeSpan,
  formatCount,
  readPayload,
  bold,
  code,
  codeLink,
  firstLine,
  join,
  link,
  lines,
  ordinal,
  capitalize,
  rich,
  tally,
  type AttachmentField,
  type Digest,
  type FilterSpec,
  type Handlers,
  type IntegrationResult,
  type PayloadReader,
  type ProviderOptions,
  type RichText,
  type Schema,
  type WebhookEvent,
} from '@missive-integrations/core'

/** Events answered 200 without a post, each with the reason given back to Rollbar. */
export const SKIPPED_EVENTS: Readonly<Record<string, string>> = {
  test: 'test only checks that the endpoint answers (Rollbar\'s "Send test notification"); nothing is posted',
}

/** The hosted Missive integration's colors, kept so conversations look the same after a move. */
export const COLORS = {
  resolved: '#009e61',
  deploy: '#0093ce',
  level: {
    critical: '#c00',
    error: '#c00',
    warning: '#ffc258',
    info: '#0093ce',
    debug: '#bab6b6',
  },
} as const

type Level = keyof typeof COLORS.level

/** Rollbar's levels, lowest first: the scale of the `min_level` filter. */
export const LEVELS: readonly Level[] = ['debug', 'info', 'warning', 'error', 'critical']

// Rollbar sends item.level as a number (40 = error) but occurrence.level as a string: see
// item.level 40 next to last_occurrence.level "error" in fixtures/new_item__error.json.
const NUMERIC_LEVELS: Readonly<Record<number, Level>> = { 10: 'debug', 20: 'info', 30: 'warning', 40: 'error', 50: 'critical' }

/** Options of a Rollbar endpoint, after core's resolveOptions checked them against the schema. */
interface RollbarOptions extends ProviderOptions {
  account: string
  project: string
}

/** A handler over the payload's `data`, with the options checked. */
type DataHandler = (data: PayloadReader, options: RollbarOptions) => IntegrationResult

/** Core hands a handler the whole payload; every Rollbar event carries what it is about in `data`. */
const withData =
  (handler: DataHandler) =>
  ({ p, options }: WebhookEvent<RollbarOptions>) =>
    handler(p.object('data'), checkedOptions('rollbar', options))

/**
 * Rollbar webhooks as Missive posts: one conversation per item (reference = item id, subject =
 * item title, as the hosted integration threads them), one per environment for deploys.
 * @see https://docs.rollbar.com/docs/webhooks
 */
export default class Rollbar extends Integration<RollbarOptions> {
  override get id(): string {
    return 'rollbar'
  }

  override get name(): string {
    return 'Rollbar'
  }

  /** `account` and `project` build the links: https://rollbar.com/ACCOUNT/PROJECT/items/COUNTER, …/deploys/ID. */
  override get schema(): Schema {
    return {
      options: [
        {
          key: 'account',
          type: 'String',
          required: true,
          label: 'Account',
          description: 'the account slug in your Rollbar URLs (https://rollbar.com/ACCOUNT/PROJECT/…)',
        },
        {
          key: 'project',
          type: 'String',
          required: true,
          label: 'Project',
          description: 'the project slug in your Rollbar URLs (https://rollbar.com/ACCOUNT/PROJECT/…)',
        },
      ],
    }
  }

  /** Rollbar names the event in the body's `event_name`; it sends no event header. */
  override get eventField(): string {
    return 'event_name'
  }

  /** Per-endpoint noise control: `min_level` and `environments` (see README, "Noise control"). */
  override get filters(): readonly FilterSpec[] {
    return FILTERS
  }

  override get handlers(): Handlers<RollbarOptions> {
    return HANDLERS
  }

  override get skipped(): Readonly<Record<string, string>> {
    return SKIPPED_EVENTS
  }

  /** A storm of one item's occurrences: how many, of which levels and environments, linked to the item. */
  override get digest(): Digest<ItemDigest, RollbarOptions> {
    return ITEM_DIGEST
  }

  // Rollbar does not sign its webhooks, so there is no `verify`: the sealed URL token is the
  // endpoint's only protection (see README).
}

/** Noise control for a Rollbar endpoint: `--option min_level=error --option environments=production`. */
export const FILTERS: readonly FilterSpec[] = [
  {
    key: 'min_level',
    kind: 'level',
    levels: LEVELS,
    noun: 'level',
    label: 'Minimum level',
    description: 'post only items and occurrences at this level or above; deploys pass',
    // An occurrence carries its own level; an item event only the item's (a number).
    read: (p) => {
      const data = p.object('data')
      const occurrence = data.optionalObject('occurrence')
      const item = data.optionalObject('item')
      return (occurrence && levelOf(occurrence, 'level')) ?? (item && levelOf(item, 'level'))
    },
  },
  {
    key: 'environments',
    kind: 'list',
    noun: 'environment',
    label: 'Environments',
    description: 'post only items, occurrences and deploys in these environments',
    read: (p) => p.optionalString('data.deploy.environment') ?? p.optionalString('data.occurrence.environment') ?? p.optionalString('data.item.environment'),
  },
]

/**
 * One handler per event Rollbar puts in `event_name`, in the order its docs list them.
 * @see https://docs.rollbar.com/docs/webhooks
 */
const HANDLERS: Handlers<RollbarOptions> = {
  exp_repeat_item: withData((data, options) => {
    // Sent at the 10th, 100th, 1000th… occurrence of an item.
    const count = data.number('occurrences')
    return itemPost(data, options, (title) => rich`${ordinal(count)} occurrence: ${title}`)
  }),
  deploy: withData((data, options) => {
    // The hosted integration never implemented deploys: one conversation per environment.
    const deploy = data.object('deploy')
    const environment = deploy.string('environment')
    const revision = deploy.string('revision')
    const userId = deploy.optionalId('user_id')
    const who = deploy.optionalString('local_username') || (userId ? `Rollbar user ${userId}` : 'Someone')
    const id = deploy.optionalId('id')
    const deployed = id ? codeLink(`${projectUrl(options)}/deploys/${encodeURIComponent(id)}`, revision) : code(revision)
    const sentence = lines(rich`${bold(who)} deployed ${deployed} to ${bold(environment)}`, deploy.optionalString('comment'))
    return {
      references: [`deploys/${options.account}/${options.project}/${environment}`],
      subject: `Deploys: ${options.project} [${environment}]`,
      color: COLORS.deploy,
      notification: sentence.plain,
      attachment: { text: sentence.text, color: COLORS.deploy },
    }
  }),
  occurrence: withData((data, options) => {
    const item = data.object('item')
    const occurrence = data.object('occurrence')
    const level = levelOf(occurrence, 'level') ?? levelOf(item, 'level')
    const color = COLORS.level[level ?? 'error']
    const links = itemLinks(item, options)
    // The occurrence object is Rollbar's item data format: it may carry its own id; else the
    // item's last_occurrence_id is this occurrence, as the hosted integration assumes.
    const occurrenceId = occurrence.optionalId('id') ?? item.optionalId('last_occurrence_id')
    const occurrenceLink = occurrenceId ? link(`${links.item}/occurrences/${encodeURIComponent(occurrenceId)}`, 'Occurrence') : undefined
    const sentence = lines(
      rich`${itemTitle(item)} (${capitalize(level ?? 'error')})`,
      join([link(links.item), occurrenceLink ? rich`(${occurrenceLink})` : undefined], ' '),
    )
    const fields: AttachmentField[] = []
    const user = personOf(occurrence)
    if (user) fields.push({ title: 'User', value: user, short: true })
    // code_version is the data format's field; the hosted integration read `version`, which
    // Rollbar's data format does not have. @see https://rollbar.com/docs/api_items/
    const version = occurrence.optionalString('code_version')
    if (version) fields.push({ title: 'Version', value: version, short: true })
    return {
      references: [item.id('id')],
      subject: item.string('title'),
      color,
      notification: sentence.plain,
      attachment: { text: sentence.text, color, ...(fields.length > 0 ? { fields } : {}) },
    }
  }),
  item_velocity: withData((data, options) => {
    const trigger = data.object('trigger')
    const threshold = trigger.number('threshold')
    const window = trigger.optionalString('window_size_description') ?? `${trigger.number('window_size')} seconds`
    return itemPost(data, options, (title) => rich`${threshold} occurrences in ${window}: ${title}`)
  }),
  reactivated_item: withData((data, options) => itemPost(data, options, (title) => rich`Reactivated: ${title}`)),
  reopened_item: withData((data, options) => itemPost(data, options, (title) => rich`Reopened: ${title}`)),
  resolved_item: withData((data, options) => itemPost(data, options, (title) => rich`Resolved: ${title}`, COLORS.resolved)),
  new_item: withData((data, options) => itemPost(data, options, (title) => rich`New item: ${title}`)),
}

/** The post every item event makes: a sentence about the item, its link, colored by level or status. */
function itemPost(data: PayloadReader, options: RollbarOptions, sentence: (title: string) => RichText, fixedColor?: string): IntegrationResult {
  const item = data.object('item')
  const color = fixedColor ?? COLORS.level[levelOf(item, 'level') ?? 'error']
  const text = lines(sentence(itemTitle(item)), link(itemLinks(item, options).item))
  return {
    references: [item.id('id')],
    subject: item.string('title'),
    color,
    notification: text.plain,
    attachment: { text: text.text, color },
  }
}

/** The item's title on one line: Rollbar titles can carry a stack trace after the first line. */
function itemTitle(item: PayloadReader): string {
  const title = item.string('title')
  return firstLine(title) || title.trim()
}

/** The project's pages on Rollbar: https://rollbar.com/ACCOUNT/PROJECT (items, deploys…). */
function projectUrl(options: RollbarOptions): string {
  return `https://rollbar.com/${encodeURIComponent(options.account)}/${encodeURIComponent(options.project)}`
}

function itemLinks(item: PayloadReader, options: RollbarOptions): { item: string } {
  return { item: `${projectUrl(options)}/items/${encodeURIComponent(item.id('counter'))}` }
}

/** A level sent as a number (items) or a string (occurrences); unknown values read as undefined. */
function levelOf(reader: PayloadReader, path: string): Level | undefined {
  const value = reader.get(path)
  if (value === undefined || value === null) return undefined
  if (typeof value === 'number') return NUMERIC_LEVELS[value]
  if (typeof value === 'string') {
    const name = value.toLowerCase()
    return Object.hasOwn(COLORS.level, name) ? (name as Level) : undefined
  }
  throw reader.invalid(path, 'a level: a number (10–50) or a name such as "error"')
}

/** Who hit the error: Rollbar's person has an id and, optionally, username and email. */
function personOf(occurrence: PayloadReader): string | undefined {
  const person = occurrence.optionalObject('person')
  if (!person) return undefined
  return person.optionalString('email') || person.optionalString('username') || person.optionalId('id')
}

/** Core checks required options before process; this guards direct callers, so no link is ever built from a missing option. */
function checkedOptions(provider: string, options: ProviderOptions | undefined): RollbarOptions {
  for (const key of ['account', 'project'] as const) {
    const value = options?.[key]
    if (typeof value !== 'string' || value.trim() === '') {
      throw new InvalidOptionsError(provider, key, 'is required: the Rollbar account and project slugs build the item links')
    }
  }
  return options as RollbarOptions
}

/** What a burst digest of an item's events keeps: counts, not the events. */
interface ItemDigest {
  title: string
  url: string | undefined
  levels: Partial<Record<Level, number>>
  environments: Record<string, number>
}

/** Levels from the most severe: a digest is colored by the worst it folded. */
const SEVERITY: readonly Level[] = ['critical', 'error', 'warning', 'info', 'debug']

/**
 * "1,996 more occurrences of #42 TypeError: … between 14:00:03 and 14:04:58 UTC", with the levels
 * and environments they came in, colored by the worst level: a storm of one item is one post.
 */
const ITEM_DIGEST: Digest<ItemDigest, RollbarOptions> = {
  fold(summary, { payload, options, event }) {
    const data = readPayload(payload, 'rollbar', event).object('data')
    const item = data.optionalObject('item')
    const occurrence = data.optionalObject('occurrence')
    const level = (occurrence && levelOf(occurrence, 'level')) ?? (item && levelOf(item, 'level'))
    const environment = occurrence?.optionalString('environment') ?? item?.optionalString('environment')
    const next: ItemDigest = summary ?? {
      title: item ? itemTitle(item) : 'this item',
      url: item?.optionalId('counter') ? itemLinks(item, checkedOptions('rollbar', options)).item : undefined,
      levels: {},
      environments: {},
    }
    if (level) tally(next.levels, level)
    if (environment) tally(next.environments, environment)
    return next
  },
  render(summary, burst) {
    const occurrences = Object.keys(burst.events).every((event) => event === 'occurrence')
    const what = `${formatCount(burst.count)} more ${occurrences ? (burst.count === 1 ? 'occurrence' : 'occurrences') : burst.count === 1 ? 'notification' : 'notifications'}`
    const levels = SEVERITY.filter((level) => summary.levels[level]).map((level): [string, number] => [level, summary.levels[level]!])
    const sentence = lines(
      rich`${bold(what)} of ${summary.url ? link(summary.url, summary.title) : summary.title} ${describeSpan(burst.first, burst.last)}`,
      levels.length > 0 ? rich`Levels: ${countList(levels)}` : undefined,
      Object.keys(summary.environments).length > 0 ? rich`Environments: ${countList(summary.environments)}` : undefined,
    )
    const color = COLORS.level[(levels[0]?.[0] as Level | undefined) ?? 'error']
    return { color, notification: sentence.plain, attachments: [{ text: sentence.text, color }] }
  },
}
