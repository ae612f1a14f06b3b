import type { FilterSpec, PayloadReader } from '@missive-integrations/core'

/**
 * Where each event names its branch: pushes by ref, merge requests (and comments on them) by the
 * target branch they merge into, pipelines and jobs by the branch they ran on (not a tag).
 * Events not listed have no branch, so `branches` lets them through.
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/
 */
const BRANCH_OF: Readonly<Record<string, (p: PayloadReader) => string | undefined>> = {
  push_hook: (p) => branchRef(p.optionalString('ref')),
  // A system hook carries pushes in the push hook's shape; its other kinds have no `ref`.
  system_hook: (p) => branchRef(p.optionalString('ref')),
  merge_request_hook: (p) => p.optionalString('object_attributes.target_branch'),
  note_hook: (p) => p.optionalString('merge_request.target_branch'),
  confidential_note_hook: (p) => p.optionalString('merge_request.target_branch'),
  pipeline_hook: (p) => (p.get('object_attributes.tag') === true ? undefined : p.optionalString('object_attributes.ref')),
  job_hook: (p) => (p.get('tag') === true ? undefined : p.optionalString('ref')),
}

/** `refs/heads/main` → `main`; a tag (`refs/tags/v1`) is not a branch. */
function branchRef(ref: string | undefined): string | undefined {
  return ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined
}

/** Who did it: `user.username`, or `user_username` in push hooks. */
function usernameOf(p: PayloadReader): string | undefined {
  return p.optionalString('user.username') ?? p.optionalString('user_username')
}

/**
 * GitLab's own bots (the users behind project and group access tokens are `project_<id>_bot…`
 * and `group_<id>_bot…`) and accounts named like one (`renovate-bot`, `dependabot_bot`, `x[bot]`).
 */
export const BOT = /^(project|group)_\d+_bot|[-_]bot$|\[bot\]$/i

function botOf(p: PayloadReader): string | undefined {
  const username = usernameOf(p)
  return username !== undefined && BOT.test(username) ? `user ${JSON.stringify(username)} is a bot` : undefined
}

/**
 * The labels of the issue or merge request an event is about (its own event, or a comment on it);
 * undefined for other events.
 */
function labelsOf(p: PayloadReader, event: string): string[] | undefined {
  const titles = (list: PayloadReader[]) => list.map((label) => label.string('title'))
  if (/^(merge_request|issue|confidential_issue)_hook$/.test(event)) {
    return titles(p.has('labels') ? p.objects('labels') : p.objects('object_attributes.labels'))
  }
  if (event === 'note_hook' || event === 'confidential_note_hook') {
    const subject = p.optionalObject('issue') ?? p.optionalObject('merge_request')
    return subject && titles(subject.objects('labels'))
  }
  return undefined
}

/** Noise control for a GitLab endpoint: `--option branches=main,release/* --option exclude_bots=true`. */
export const FILTERS: readonly FilterSpec[] = [
  {
    key: 'events',
    kind: 'events',
    label: 'Events',
    description: 'post only these events (push_hook, merge_request_hook.*, issue_hook.open)',
  },
  {
    key: 'branches',
    kind: 'globs',
    noun: 'branch',
    label: 'Branches',
    description: 'post only pushes, merge requests (by target branch) and pipelines and jobs on these branches; events without a branch pass',
    read: (p, event) => BRANCH_OF[event]?.(p),
  },
  {
    key: 'exclude_bots',
    kind: 'flag',
    label: 'Exclude bots',
    description: 'drop events by bots (access-token users project_…_bot…, group_…_bot…, usernames ending in -bot, _bot or [bot])',
    read: botOf,
  },
  {
    key: 'exclude_authors',
    kind: 'list',
    exclude: true,
    noun: 'user',
    label: 'Exclude authors',
    description: 'drop events by these GitLab usernames (who pushed, opened, commented)',
    read: usernameOf,
  },
  {
    key: 'labels',
    kind: 'list',
    noun: 'label',
    label: 'Labels',
    description: 'post issue and merge request events (and comments on them) only when it has one of these labels; other events pass',
    read: labelsOf,
  },
]
