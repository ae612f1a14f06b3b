import type { FilterSpec, PayloadReader } from '@missive-integrations/core'

/**
 * Where each event names its branch: pushes and branch creation/deletion by ref, pull requests
 * (and their reviews and comments) by the base branch they merge into, CI by the branch it ran on.
 * Events not listed have no branch, so `branches` lets them through.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads
 */
const BRANCH_OF: Readonly<Record<string, (p: PayloadReader) => string | readonly string[] | undefined>> = {
  push: (p) => branchRef(p.optionalString('ref')),
  create: (p) => (p.get('ref_type') === 'branch' ? p.optionalString('ref') : undefined),
  delete: (p) => (p.get('ref_type') === 'branch' ? p.optionalString('ref') : undefined),
  pull_request: (p) => p.optionalString('pull_request.base.ref'),
  pull_request_review: (p) => p.optionalString('pull_request.base.ref'),
  pull_request_review_comment: (p) => p.optionalString('pull_request.base.ref'),
  pull_request_review_thread: (p) => p.optionalString('pull_request.base.ref'),
  check_run: (p) => p.optionalString('check_run.check_suite.head_branch'),
  check_suite: (p) => p.optionalString('check_suite.head_branch'),
  workflow_run: (p) => p.optionalString('workflow_run.head_branch'),
  workflow_job: (p) => p.optionalString('workflow_job.head_branch'),
  // A commit status names every branch whose head is the commit.
  status: (p) => p.objects('branches').map((branch) => branch.string('name')),
}

/** `refs/heads/main` → `main`; a tag (`refs/tags/v1`) is not a branch. */
function branchRef(ref: string | undefined): string | undefined {
  return ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined
}

/** The labels of the issue or pull request an event is about; undefined for other events. */
function labelsOf(p: PayloadReader): string[] | undefined {
  const subject = p.optionalObject('issue') ?? p.optionalObject('pull_request')
  return subject?.objects('labels').map((label) => label.string('name'))
}

/** A GitHub App acting (`sender.type` Bot) or an account named like one (`renovate[bot]`). */
function botOf(p: PayloadReader): string | undefined {
  const login = p.optionalString('sender.login')
  const isBot = p.get('sender.type') === 'Bot' || login?.endsWith('[bot]') === true
  return isBot ? `sender ${JSON.stringify(login ?? '(unknown)')} is a bot` : undefined
}

/** Noise control for a GitHub endpoint: `--option branches=main,release/* --option exclude_bots=true`. */
export const FILTERS: readonly FilterSpec[] = [
  {
    key: 'events',
    kind: 'events',
    label: 'Events',
    description: 'post only these events (X-GitHub-Event, or event.action: push, pull_request.*, issues.opened)',
  },
  {
    key: 'exclude_events',
    kind: 'events',
    exclude: true,
    label: 'Exclude events',
    description: 'never post these events (pull_request.labeled, star)',
  },
  {
    key: 'branches',
    kind: 'globs',
    noun: 'branch',
    label: 'Branches',
    description: 'post only pushes, pull requests (by base branch) and CI runs on these branches; events without a branch pass',
    read: (p, event) => BRANCH_OF[event]?.(p),
  },
  {
    key: 'exclude_bots',
    kind: 'flag',
    label: 'Exclude bots',
    description: 'drop events sent by bots (sender type Bot or a login ending in [bot]: dependabot, renovate)',
    read: botOf,
  },
  {
    key: 'exclude_authors',
    kind: 'list',
    exclude: true,
    noun: 'sender',
    label: 'Exclude authors',
    description: 'drop events sent by these GitHub logins (the sender: who pushed, opened, commented)',
    read: (p) => p.optionalString('sender.login'),
  },
  {
    key: 'labels',
    kind: 'list',
    noun: 'label',
    label: 'Labels',
    description: 'post issue and pull request events only when the issue or pull request has one of these labels; other events pass',
    read: labelsOf,
  },
  {
    key: 'exclude_labels',
    kind: 'list',
    exclude: true,
    noun: 'label',
    label: 'Exclude labels',
    description: 'drop issue and pull request events when the issue or pull request has one of these labels',
    read: labelsOf,
  },
]
