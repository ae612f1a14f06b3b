/**
 * What an `update` of a merge request or an issue changed, read from its `changes`
 * (`{ field: { previous, current } }`), as sentences. GitLab sends an update for every save,
 * bookkeeping included (time tracking, positions, timestamps): only changes a reader cares about
 * make a sentence.
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/#merge-request-events
 */
import { code, rich, type PayloadReader, type RichText } from '@missive-integrations/core'
import { labelList, names, userNames } from './shared.js'

/** The changes of an update, and whether its title changed (the subject then follows it). */
export interface ChangeSentences {
  sentences: RichText[]
  renamed: boolean
}

/** Items added to and removed from a list change, compared by `key`. */
function listDiff(change: PayloadReader, key: (item: PayloadReader) => string): { added: PayloadReader[]; removed: PayloadReader[] } {
  const previous = change.objects('previous')
  const current = change.objects('current')
  const before = new Set(previous.map(key))
  const after = new Set(current.map(key))
  return { added: current.filter((item) => !before.has(key(item))), removed: previous.filter((item) => !after.has(key(item))) }
}

const userKey = (user: PayloadReader) => user.optionalId('id') ?? user.optionalString('username') ?? user.optionalString('name') ?? ''
const labelKey = (label: PayloadReader) => label.optionalId('id') ?? label.optionalString('title') ?? ''
const labelTitles = (labels: PayloadReader[]) => labels.map((label) => label.optionalString('title') ?? '').filter(Boolean)

/** One sentence per change worth reading, about `subject` (a link to the item), done by `who`. */
export function changeSentences(p: PayloadReader, who: RichText, subject: RichText): ChangeSentences {
  const changes = p.optionalObject('changes')
  const sentences: RichText[] = []
  if (changes === undefined) return { sentences, renamed: false }
  const title = changes.optionalObject('title')
  const previousTitle = title?.optionalString('previous')
  const renamed = previousTitle !== undefined && previousTitle !== title?.optionalString('current')
  if (renamed) sentences.push(rich`${who} renamed ${subject} from “${previousTitle}”`)
  const draft = changes.optionalObject('draft') ?? changes.optionalObject('work_in_progress')
  if (draft?.optionalBoolean('previous') === true && draft.optionalBoolean('current') === false) sentences.push(rich`${who} marked ${subject} as ready`)
  if (draft?.optionalBoolean('previous') === false && draft.optionalBoolean('current') === true) sentences.push(rich`${who} marked ${subject} as draft`)
  const reviewers = changes.optionalObject('reviewers')
  if (reviewers) {
    const { added, removed } = listDiff(reviewers, userKey)
    if (added.length > 0) sentences.push(rich`${who} requested a review from ${names(userNames(added))} on ${subject}`)
    if (removed.length > 0) sentences.push(rich`${who} removed the review request for ${names(userNames(removed))} on ${subject}`)
  }
  const assignees = changes.optionalObject('assignees')
  if (assignees) {
    const { added, removed } = listDiff(assignees, userKey)
    if (added.length > 0) sentences.push(rich`${who} assigned ${names(userNames(added))} to ${subject}`)
    if (removed.length > 0) sentences.push(rich`${who} unassigned ${names(userNames(removed))} from ${subject}`)
  }
  const labels = changes.optionalObject('labels')
  if (labels) {
    const { added, removed } = listDiff(labels, labelKey)
    if (added.length > 0) sentences.push(rich`${who} added ${added.length === 1 ? 'label' : 'labels'} ${labelList(labelTitles(added))} to ${subject}`)
    if (removed.length > 0) sentences.push(rich`${who} removed ${removed.length === 1 ? 'label' : 'labels'} ${labelList(labelTitles(removed))} from ${subject}`)
  }
  const target = changes.optionalString('target_branch.current')
  if (target !== undefined && changes.optionalString('target_branch.previous') !== undefined)
    sentences.push(rich`${who} changed the target branch of ${subject} to ${code(target)}`)
  const confidential = changes.optionalObject('confidential')
  if (confidential?.optionalBoolean('current') === true) sentences.push(rich`${who} made ${subject} confidential`)
  if (confidential?.optionalBoolean('current') === false && confidential.optionalBoolean('previous') === true)
    sentences.push(rich`${who} made ${subject} public`)
  const due = changes.optionalObject('due_date')
  if (due) {
    const date = due.optionalString('current')
    sentences.push(date ? rich`${who} set the due date of ${subject} to ${date}` : rich`${who} removed the due date of ${subject}`)
  }
  if (changes.has('description') && changes.optionalString('description.previous') !== undefined)
    sentences.push(rich`${who} edited the description of ${subject}`)
  return { sentences, renamed }
}
