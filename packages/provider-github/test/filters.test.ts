import { describe, expect, it } from 'vitest'
import { InvalidOptionsError, resolveOptions } from '@missive-integrations/core'
import { fixtureKit, rejectionOf } from '@missive-integrations/core/testing'
import GitHub from '../src/index.ts'

// Each filter against real fixtures: one it lets through, one it drops (with the reason GitHub
// reads in Recent Deliveries), and a bad value refused with a 400 naming the filter.
const github = new GitHub()
const kit = fixtureKit(github, new URL('../fixtures/', import.meta.url))

const posts = async (name: string, options: Record<string, unknown>) => {
  const { outcome } = await kit.deliver(name, { options })
  return outcome.kind === 'filtered' ? `filtered: ${outcome.reason}` : outcome.kind
}

const refusal = async (options: Record<string, unknown>) => {
  const error = await rejectionOf(kit.deliver('push__new_branch', { options }))
  expect(error).toBeInstanceOf(InvalidOptionsError)
  return error.message
}

describe('github filters', () => {
  it('are options of the schema, after none of its own', () => {
    expect(github.toJSON().schema.options.map((option) => [option.key, option.type])).toEqual([
      ['events', 'String'],
      ['exclude_events', 'String'],
      ['branches', 'String'],
      ['exclude_bots', 'Boolean'],
      ['exclude_authors', 'String'],
      ['labels', 'String'],
      ['exclude_labels', 'String'],
      // The options core adds to every provider (burst digests).
      ['burst_limit', 'Number'],
      ['burst_window', 'Number'],
    ])
  })

  it('events: an allow-list of events and event.actions, with wildcards', async () => {
    const options = { events: 'pull_request.*,issues.opened' }
    expect(await posts('pull_request__labeled', options)).toBe('posts')
    expect(await posts('issues__opened', options)).toBe('posts')
    await kit.expectFiltered('issues__labeled', 'event "issues.labeled" is not in events (pull_request.*, issues.opened)', { options })
    await kit.expectFiltered('push__new_branch', 'event "push" is not in events (pull_request.*, issues.opened)', { options })
    expect(await posts('push__new_branch', { events: 'push' })).toBe('posts')
    expect(await refusal({ events: 'pull_requests' })).toMatch(
      /^invalid options for provider github: "events" has "pull_requests", which matches no github event; known events: push, create, delete, /,
    )
  })

  it('exclude_events: a deny-list of the same names', async () => {
    const options = { exclude_events: 'pull_request.labeled,star' }
    await kit.expectFiltered('pull_request__labeled', 'event "pull_request.labeled" is in exclude_events (pull_request.labeled, star)', { options })
    await kit.expectFiltered('star__created', 'event "star.created" is in exclude_events (pull_request.labeled, star)', { options })
    expect(await posts('pull_request__opened', options)).toBe('posts')
    expect(await refusal({ exclude_events: 'push,' })).toMatch(/"exclude_events" has an empty item in "push,"/)
  })

  it("branches: globs over the pushed branch, a pull request's base branch and the branch CI ran on", async () => {
    const options = { branches: 'main,release/*' }
    await kit.expectFiltered('push__new_branch', 'branch "master" is not in branches (main, release/*)', { options })
    expect(await posts('push__new_branch', { branches: 'main,master' })).toBe('posts')
    expect(await posts('push__deleted_branch', { branches: 'feature/*' })).toBe('posts')
    await kit.expectFiltered('push__deleted_branch', 'branch "feature/old-experiment" is not in branches (feature)', { options: { branches: 'feature' } })
    // A pull request is about its base branch (what it merges into), not its head.
    expect(await posts('pull_request__opened', { branches: 'master' })).toBe('posts')
    await kit.expectFiltered('pull_request__opened', 'branch "master" is not in branches (release/**)', { options: { branches: 'release/**' } })
    await kit.expectFiltered('check_run__failure', 'branch "changes" is not in branches (master)', { options: { branches: 'master' } })
    expect(await posts('workflow_run__failure', { branches: 'master' })).toBe('posts')
    expect(await posts('status__failure', { branches: 'changes' })).toBe('posts')
    await kit.expectFiltered('status__failure', 'no branch of "master", "changes", "gh-pages" is in branches (main)', { options: { branches: 'main' } })
    // Events without a branch pass.
    expect(await posts('issues__opened', options)).toBe('posts')
    expect(await posts('release__released', options)).toBe('posts')
    expect(await refusal({ branches: 'release/[0-9]*' })).toBe(
      'invalid options for provider github: "branches" has "release/[0-9]*", which has "["; only * and ** are wildcards; it takes comma-separated; * matches within a /-separated segment, ** across segments (release/*)',
    )
  })

  it('exclude_bots: drops what a bot sends (dependabot, renovate)', async () => {
    await kit.expectFiltered('pull_request__opened_by_dependabot', 'sender "dependabot[bot]" is a bot (exclude_bots)', { options: { exclude_bots: 'true' } })
    expect(await posts('pull_request__opened_by_dependabot', { exclude_bots: 'false' })).toBe('posts')
    expect(await posts('pull_request__opened', { exclude_bots: true })).toBe('posts')
    expect(await refusal({ exclude_bots: 'yes' })).toBe(
      'invalid options for provider github: "exclude_bots" must be true or false: drop events sent by bots (sender type Bot or a login ending in [bot]: dependabot, renovate), got "yes"',
    )
  })

  it('exclude_authors: drops what these logins send, case-insensitively', async () => {
    await kit.expectFiltered('push__new_branch', 'sender "Codertocat" is in exclude_authors (codertocat)', { options: { exclude_authors: 'codertocat' } })
    await kit.expectFiltered('pull_request__opened_by_dependabot', 'sender "dependabot[bot]" is in exclude_authors (renovate[bot], dependabot[bot])', {
      options: { exclude_authors: 'renovate[bot],dependabot[bot]' },
    })
    expect(await posts('push__new_branch', { exclude_authors: 'renovate[bot],dependabot[bot]' })).toBe('posts')
    expect(await refusal({ exclude_authors: ',' })).toMatch(/"exclude_authors" has an empty item in ","/)
  })

  it('labels: issues and pull requests with one of these labels; other events pass', async () => {
    expect(await posts('issues__labeled', { labels: 'Bug' })).toBe('posts')
    await kit.expectFiltered('issues__labeled', 'label "bug" is not in labels (urgent, security)', { options: { labels: 'urgent,security' } })
    await kit.expectFiltered('pull_request__opened', 'no label is in labels (bug)', { options: { labels: 'bug' } })
    expect(await posts('pull_request__labeled', { labels: 'bug' })).toBe('posts')
    expect(await posts('push__new_branch', { labels: 'bug' })).toBe('posts')
    expect(await refusal({ labels: 'bug,,docs' })).toMatch(/"labels" has an empty item in "bug,,docs"/)
  })

  it('exclude_labels: drops issues and pull requests with one of these labels', async () => {
    await kit.expectFiltered('issues__opened', 'label "bug" is in exclude_labels (wontfix, bug)', { options: { exclude_labels: 'wontfix,bug' } })
    expect(await posts('pull_request__opened', { exclude_labels: 'bug' })).toBe('posts')
    expect(await refusal({ exclude_labels: 'bug, ' })).toMatch(/"exclude_labels" has an empty item in "bug, "/)
  })

  it('the README example: main and release branches, no bots', async () => {
    const options = resolveOptions(github, { branches: 'main,release/*', exclude_bots: 'true' }, { strict: true })
    expect(options).toEqual({ branches: 'main,release/*', exclude_bots: true })
    await kit.expectFiltered('push__new_branch', 'branch "master" is not in branches (main, release/*)', { options })
    await kit.expectFiltered('pull_request__opened_by_dependabot', 'branch "master" is not in branches (main, release/*)', { options })
    expect(await posts('issues__opened', options)).toBe('posts')
    expect(await posts('push__new_branch', { ...options, branches: 'master' })).toBe('posts')
    await kit.expectFiltered('pull_request__opened_by_dependabot', 'sender "dependabot[bot]" is a bot (exclude_bots)', {
      options: { ...options, branches: 'master' },
    })
  })
})
