import { describe, expect, it } from 'vitest'
import { InvalidOptionsError, resolveOptions } from '@missive-integrations/core'
import { fixtureKit, rejectionOf } from '@missive-integrations/core/testing'
import Canny from '../src/index.ts'

// Each filter against real fixtures: one it lets through, one it drops, and a bad value refused
// with a 400 naming the filter.
const canny = new Canny()
const kit = fixtureKit(canny, new URL('../fixtures/', import.meta.url))

const posts = async (name: string, options: Record<string, unknown>) => (await kit.deliver(name, { options })).outcome.kind

const refusal = async (options: Record<string, unknown>) => {
  const error = await rejectionOf(kit.deliver('post.created__with_image', { options }))
  expect(error).toBeInstanceOf(InvalidOptionsError)
  return error.message
}

describe('canny filters', () => {
  it('are options of the schema, after voteStep', () => {
    expect(canny.toJSON().schema.options.map((option) => [option.key, option.type])).toEqual([
      ['voteStep', 'Number'],
      ['boards', 'String'],
      ['events', 'String'],
      // The options core adds to every provider (burst digests).
      ['burst_limit', 'Number'],
      ['burst_window', 'Number'],
    ])
  })

  it('boards: posts, comments and votes on these boards only (by name, any case)', async () => {
    expect(await posts('post.created__with_image', { boards: 'feature requests,Bugs' })).toBe('posts')
    await kit.expectFiltered('post.created__with_image', 'board "Feature Requests" is not in boards (Bugs)', { options: { boards: 'Bugs' } })
    await kit.expectFiltered('comment.created__with_image', 'board "Feature Requests" is not in boards (Bugs, Integrations)', {
      options: { boards: 'Bugs, Integrations' },
    })
    await kit.expectFiltered('vote.created__tenth_vote', 'board "Feature Requests" is not in boards (Bugs)', { options: { boards: 'Bugs' } })
    expect(await posts('vote.created__tenth_vote', { boards: 'Feature Requests' })).toBe('posts')
    expect(await refusal({ boards: 'Bugs,,Ideas' })).toBe(
      'invalid options for provider canny: "boards" has an empty item in "Bugs,,Ideas"; it takes comma-separated, case-insensitive',
    )
  })

  it('events: an allow-list of Canny event types, with wildcards', async () => {
    const options = { events: 'post.*' }
    expect(await posts('post.created__with_image', options)).toBe('posts')
    expect(await posts('post.status_changed__under_review', options)).toBe('posts')
    await kit.expectFiltered('comment.created__with_image', 'event "comment.created" is not in events (post.*)', { options })
    await kit.expectFiltered('vote.created__tenth_vote', 'event "vote.created" is not in events (post.created, comment.*)', {
      options: { events: 'post.created,comment.*' },
    })
    // The provider's own skips come first.
    expect(await posts('vote.created__between_milestones', options)).toBe('skipped')
    expect(await refusal({ events: 'post.create' })).toMatch(
      /^invalid options for provider canny: "events" has "post\.create", which matches no canny event; known events: post\.created, /,
    )
  })

  it('are checked when a URL is minted', () => {
    expect(resolveOptions(canny, { boards: 'Feature Requests', events: 'post.*,vote.created' }, { strict: true })).toEqual({
      voteStep: 5,
      boards: 'Feature Requests',
      events: 'post.*,vote.created',
    })
  })
})
