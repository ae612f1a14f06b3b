import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { InvalidPayloadError } from '@missive-integrations/core'
import { processPayload, rejectionOf } from '@missive-integrations/core/testing'
import GitHub from '../src/index.ts'

// Hand-written variations of real fixtures, for cases no fixture covers.
const github = new GitHub()
type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as Json
const run = (event: string, payload: unknown) => processPayload(github, payload, { headers: { 'x-github-event': event } })
const texts = async (event: string, payload: unknown) => {
  const outcome = await run(event, payload)
  if (outcome.kind !== 'posts') throw new Error(`expected posts, got ${outcome.kind}`)
  return outcome.results.map((result) => result.attachments![0]!.text ?? result.attachments![0]!.pretext)
}

describe('github repository and actor fallbacks', () => {
  it('rebuilds full_name from owner.name when the owner has no login (push payloads)', async () => {
    const payload = fixture('public__basic')
    delete payload.repository.full_name
    delete payload.repository.html_url
    payload.repository.owner = { name: 'Codertocat' }
    expect(await texts('public', payload)).toEqual(['*Codertocat* made <https://github.com/Codertocat/Hello-World|Codertocat/Hello-World> public'])
  })

  it('names the pusher by login when it has no name', async () => {
    const payload = fixture('push__without_sender')
    payload.pusher = { login: 'octo-relay' }
    const outcome = await run('push', payload)
    expect(outcome.kind === 'posts' && outcome.results[0]!.notification).toBe('octo-relay created branch master and pushed 1 commit')
    // The commit's author is now someone other than the pusher, so the list names them.
    expect(outcome.kind === 'posts' && outcome.results[0]!.attachments![0]!.text).toMatch(/Initial commit - Codertocat$/)
  })

  it('still answers 422 naming the field when neither full_name nor an owner is there, or neither sender nor pusher', async () => {
    const noName = fixture('public__basic')
    delete noName.repository.full_name
    delete noName.repository.owner
    const error = await rejectionOf(run('public', noName))
    expect(error).toBeInstanceOf(InvalidPayloadError)
    expect((error as InvalidPayloadError).field).toBe('repository.full_name')
    const nobody = fixture('public__basic')
    delete nobody.sender
    expect(((await rejectionOf(run('public', nobody))) as InvalidPayloadError).field).toBe('sender.login')
  })
})

describe('github code_scanning_alert sentences', () => {
  it('quotes the dismissal comment as typed, never as markup', async () => {
    const payload = fixture('code_scanning_alert__closed_by_user')
    payload.alert.dismissed_comment = '<https://evil.example|see> *here*'
    expect((await texts('code_scanning_alert', payload))[0]).toContain('as false positive (“‹https://evil.example∣see› ∗here∗”):')
  })

  it('words an action it does not know, and an alert without a ref', async () => {
    const payload = fixture('code_scanning_alert__created')
    payload.action = 'updated_assignment'
    expect((await texts('code_scanning_alert', payload))[0]).toMatch(/\|Code scanning alert #10> \(updated assignment\): \*error\*/)
    payload.action = 'appeared_in_branch'
    payload.ref = ''
    expect((await texts('code_scanning_alert', payload))[0]).toMatch(/\|Code scanning alert #10> appeared in another branch: /)
  })
})

describe('github team.edited', () => {
  it('says "edited it" when changes is empty (the real example), and escapes a hostile description', async () => {
    const payload = fixture('team__edited')
    payload.changes = {}
    expect(await texts('team', payload)).toEqual(['*Codertocat* edited team <https://github.com/orgs/Octocoders/teams/github|github>: edited it'])
    payload.changes = { description: { from: 'old' }, notification_setting: { from: 'notifications_enabled' } }
    payload.team.description = '<https://evil.example|x>'
    payload.team.notification_setting = 'notifications_disabled'
    expect((await texts('team', payload))[0]).toBe(
      '*Codertocat* edited team <https://github.com/orgs/Octocoders/teams/github|github>: changed its description to “‹https://evil.example∣x›”, turned off notifications',
    )
  })

  it('reads a removed description and a permission change without the current permissions', async () => {
    const payload = fixture('team__edited_repository_permissions')
    payload.changes.description = { from: 'Our team' }
    payload.team.description = null
    delete payload.repository.permissions
    expect((await texts('team', payload))[0]).toBe(
      '*Codertocat* edited team <https://github.com/orgs/Octocoders/teams/github|github>: removed its description, changed its access on *Octocoders/Hello-World* (was `read`)',
    )
  })
})

describe('github bodies', () => {
  it("leaves out a body that is only a template's comments", async () => {
    const payload = fixture('issues__opened')
    payload.issue.body = '<!-- Describe the bug -->\n\n<!-- Steps to reproduce -->\n'
    const outcome = await run('issues', payload)
    expect(outcome.kind === 'posts' && outcome.results[0]!.attachments![0]!.markdown).toBeUndefined()
  })

  it('strips comments from comments and reviews too', async () => {
    const comment = fixture('issue_comment__created')
    comment.comment.body = 'Looks good <!-- but check the tests -->to me'
    const outcome = await run('issue_comment', comment)
    expect(outcome.kind === 'posts' && outcome.results[0]!.attachments![0]!.markdown).toBe('Looks good to me')
    const review = fixture('pull_request_review__changes_requested')
    review.review.body = '<!-- reviewer checklist -->\nPlease add a test.'
    const reviewed = await run('pull_request_review', review)
    expect(reviewed.kind === 'posts' && reviewed.results[0]!.attachments![0]!.markdown).toBe('Please add a test.')
  })
})
