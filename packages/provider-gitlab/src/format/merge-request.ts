/**
 * Merge requests, in their conversation (`PROJECT_ID/!IID`, with `PROJECT_ID/BRANCH` when the
 * source branch is in the same project). Every post rewrites the conversation subject: titles
 * change, and so does draft state.
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/#merge-request-events
 */
import { code, firstLine, lines, rich, skip, type PayloadReader, type ProcessOutput, type RichText } from '@missive-integrations/core'
import { SKIP_RULES } from '../events.js'
import { changeSentences } from './changes.js'
import {
  actor,
  COLORS,
  commitLink,
  markdownBody,
  mergeRequestLink,
  mergeRequestThread,
  names,
  post,
  readProject,
  sameProjectBranch,
  userNames,
  words,
  type Delivery,
} from './shared.js'

/** `merge request !1`, or `draft merge request !1`. */
function kindOf(mr: PayloadReader): string {
  return mr.optionalBoolean('draft') === true || mr.optionalBoolean('work_in_progress') === true ? 'draft merge request' : 'merge request'
}

/** `` (`feature` → `main`) ``, when both branches are known. */
function branches(mr: PayloadReader): RichText {
  const source = mr.optionalString('source_branch')
  const target = mr.optionalString('target_branch')
  return source && target ? rich` (${code(source)} → ${code(target)})` : rich``
}

/** A new merge request: who opened it, its branches and assignees, its title and description. */
export function mergeRequestOpened({ p }: Delivery): ProcessOutput {
  const project = readProject(p)
  const mr = p.object('object_attributes')
  const assignees = userNames(p.objects('assignees'))
  const assigned = assignees.length > 0 ? rich`, assigned to ${names(assignees)}` : rich``
  const sentence = rich`${actor(p)} opened ${mergeRequestLink(mr, kindOf(mr))}${branches(mr)}${assigned}`
  return post(mergeRequestThread(project, mr), sentence, {
    title: mr.optionalString('title'),
    link: mr.optionalString('url'),
    body: markdownBody(mr.optionalString('description')),
    color: COLORS.mergeRequest,
    updateSubject: true,
  })
}

/**
 * An update: new commits (posted from a fork only: a branch of the same project has its push in
 * the same conversation), and what `changes` says changed (title, draft, reviewers, assignees,
 * labels, target branch, description), as one post.
 */
export function mergeRequestUpdated({ p }: Delivery): ProcessOutput {
  const project = readProject(p)
  const mr = p.object('object_attributes')
  const subject = mergeRequestLink(mr)
  const who = actor(p)
  const { sentences } = changeSentences(p, who, subject)
  if (mr.has('oldrev') && sameProjectBranch(mr) === undefined) {
    const last = mr.optionalObject('last_commit')
    const sha = last?.optionalString('id')
    const head = sha
      ? rich`: ${commitLink(project, sha, last?.optionalString('url'))} ${last?.optionalString('title') ?? firstLine(last?.optionalString('message'))}`
      : rich``
    sentences.unshift(rich`${who} pushed new commits to ${subject}${head}`)
  }
  if (sentences.length === 0) return skip(mr.has('oldrev') ? SKIP_RULES.sameProjectPush : SKIP_RULES.noNews)
  return post(mergeRequestThread(project, mr), lines(...sentences), { color: COLORS.mergeRequest, updateSubject: true })
}

/** Closed, reopened, merged, approved (by one person, or fully), approval revoked; any other action in words. */
export function mergeRequestChanged({ p, action = 'update' }: Delivery): ProcessOutput {
  const project = readProject(p)
  const mr = p.object('object_attributes')
  const who = actor(p)
  const subject = mergeRequestLink(mr)
  let sentence: RichText
  let color: string | undefined = COLORS.mergeRequest
  switch (action) {
    case 'merge':
      sentence = rich`${who} merged ${subject}${branches(mr)}`
      color = COLORS.merged
      break
    case 'close':
      sentence = rich`${who} closed ${subject}`
      color = undefined
      break
    case 'reopen':
      sentence = rich`${who} reopened ${subject}`
      break
    case 'approval':
      sentence = rich`${who} approved ${subject}`
      break
    // GitLab sends `approved` for the approval that completes the required ones (in the Free tier, any approval).
    case 'approved':
      sentence = rich`${who} approved ${subject}; it has all the approvals it needs`
      break
    case 'unapproval':
    case 'unapproved':
      sentence = rich`${who} revoked their approval of ${subject}`
      color = COLORS.failed
      break
    default:
      sentence = rich`${who} ${words(action)} ${subject}`
  }
  return post(mergeRequestThread(project, mr), sentence, { color, updateSubject: true })
}
