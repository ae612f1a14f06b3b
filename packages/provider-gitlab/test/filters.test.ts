import { describe, expect, it } from 'vitest'
import { InvalidOptionsError, resolveOptions } from '@missive-integrations/core'
import { fixtureKit, rejectionOf } from '@missive-integrations/core/testing'
import GitLab from '../src/index.ts'

// Each filter against real fixtures: one it lets through, one it drops, and a bad value refused
// with a 400 naming the filter.
const gitlab = new GitLab()
const kit = fixtureKit(gitlab, new URL('../fixtures/', import.meta.url))

const posts = async (name: string, options: Record<string, unknown>) => {
  const { outcome } = await kit.deliver(name, { options })
  return outcome.kind === 'filtered' ? `filtered: ${outcome.reason}` : outcome.kind
}

const refusal = async (options: Record<string, unknown>) => {
  const error = await rejectionOf(kit.deliver('push_hook__commits', { options }))
  expect(error).toBeInstanceOf(InvalidOptionsError)
  return error.message
}

describe('gitlab filters', () => {
  it('are options of the schema, after confidential', () => {
    expect(gitlab.toJSON().schema.options.map((option) => [option.key, option.type])).toEqual([
      ['confidential', 'Boolean'],
      ['events', 'String'],
      ['branches', 'String'],
      ['exclude_bots', 'Boolean'],
      ['exclude_authors', 'String'],
      ['labels', 'String'],
      // The options core adds to every provider (burst digests).
      ['burst_limit', 'Number'],
      ['burst_window', 'Number'],
    ])
  })

  it('events: an allow-list of events and event.actions, with wildcards', async () => {
    const options = { events: 'merge_request_hook.*,issue_hook.open' }
    expect(await posts('merge_request_hook__merged', options)).toBe('posts')
    expect(await posts('issue_hook__opened_with_two_assignees', options)).toBe('posts')
    await kit.expectFiltered('issue_hook__closed', 'event "issue_hook.close" is not in events (merge_request_hook.*, issue_hook.open)', { options })
    await kit.expectFiltered('push_hook__commits', 'event "push_hook" is not in events (merge_request_hook.*, issue_hook.open)', { options })
    expect(await refusal({ events: 'Push Hook' })).toMatch(/^invalid options for provider gitlab: "events" has "Push Hook", which has whitespace; it takes /)
    expect(await refusal({ events: 'push' })).toMatch(
      /^invalid options for provider gitlab: "events" has "push", which matches no gitlab event; known events: push_hook, /,
    )
  })

  it("branches: the pushed branch, a merge request's target branch, the branch a pipeline or job ran on", async () => {
    await kit.expectFiltered('push_hook__commits', 'branch "tomek" is not in branches (main, release/*)', { options: { branches: 'main,release/*' } })
    expect(await posts('push_hook__commits', { branches: 'to*' })).toBe('posts')
    expect(await posts('merge_request_hook__opened', { branches: 'master' })).toBe('posts')
    await kit.expectFiltered('merge_request_hook__merged', 'branch "feature" is not in branches (master)', { options: { branches: 'master' } })
    await kit.expectFiltered('note_hook__merge_request', 'branch "main" is not in branches (master)', { options: { branches: 'master' } })
    expect(await posts('pipeline_hook__failed', { branches: 'master' })).toBe('posts')
    await kit.expectFiltered('job_hook__failed', 'branch "gitlab-script-trigger" is not in branches (master)', { options: { branches: 'master' } })
    expect(await posts('system_hook__push', { branches: 'master' })).toBe('posts')
    // Events without a branch pass.
    expect(await posts('issue_hook__closed', { branches: 'master' })).toBe('posts')
    expect(await refusal({ branches: 'release/{a,b}' })).toMatch(
      /^invalid options for provider gitlab: "branches" has "release\/\{a", which has "\{"; only \* and \*\* are wildcards/,
    )
  })

  it('exclude_bots: drops what a bot does', async () => {
    await kit.expectFiltered('merge_request_hook__opened_by_renovate', 'user "renovate-bot" is a bot (exclude_bots)', { options: { exclude_bots: true } })
    expect(await posts('merge_request_hook__opened', { exclude_bots: true })).toBe('posts')
    expect(await refusal({ exclude_bots: 'on' })).toMatch(/^invalid options for provider gitlab: "exclude_bots" must be true or false: /)
  })

  it('exclude_authors: drops what these usernames do, case-insensitively', async () => {
    await kit.expectFiltered('push_hook__commits', 'user "ada" is in exclude_authors (Ada, renovate-bot)', { options: { exclude_authors: 'Ada,renovate-bot' } })
    await kit.expectFiltered('merge_request_hook__opened_by_renovate', 'user "renovate-bot" is in exclude_authors (Ada, renovate-bot)', {
      options: { exclude_authors: 'Ada,renovate-bot' },
    })
    expect(await posts('merge_request_hook__opened', { exclude_authors: 'Ada,renovate-bot' })).toBe('posts')
    expect(await refusal({ exclude_authors: 'ada,' })).toMatch(/"exclude_authors" has an empty item in "ada,"/)
  })

  it('labels: issues and merge requests with one of these labels; other events pass', async () => {
    expect(await posts('issue_hook__renamed_and_labeled', { labels: 'BUG' })).toBe('posts')
    await kit.expectFiltered('issue_hook__renamed_and_labeled', 'label "bug" is not in labels (security)', { options: { labels: 'security' } })
    await kit.expectFiltered('merge_request_hook__opened', 'no label is in labels (bug)', { options: { labels: 'bug' } })
    expect(await posts('push_hook__commits', { labels: 'bug' })).toBe('posts')
    expect(await refusal({ labels: ',bug' })).toMatch(/"labels" has an empty item in ",bug"/)
  })

  it('are checked when a URL is minted', () => {
    expect(resolveOptions(gitlab, { branches: 'main,release/*', exclude_bots: 'true' }, { strict: true })).toEqual({
      confidential: false,
      branches: 'main,release/*',
      exclude_bots: true,
    })
  })
})
