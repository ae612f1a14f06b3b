import { describe, expect, it } from 'vitest'
import { InvalidOptionsError, resolveOptions } from '@missive-integrations/core'
import { readFileSync } from 'node:fs'
import { fixtureKit, processPayload, rejectionOf } from '@missive-integrations/core/testing'
import Sentry from '../src/index.ts'

// Each filter against real fixtures: one it lets through, one it drops, and a bad value refused
// with a 400 naming the filter.
const sentry = new Sentry()
const kit = fixtureKit(sentry, new URL('../fixtures/', import.meta.url))

const posts = async (name: string, options: Record<string, unknown>) => (await kit.deliver(name, { options })).outcome.kind

const refusal = async (options: Record<string, unknown>) => {
  const error = await rejectionOf(kit.deliver('issue__created', { options }))
  expect(error).toBeInstanceOf(InvalidOptionsError)
  return error.message
}

describe('sentry filters', () => {
  it('are options of the schema, after instance', () => {
    expect(sentry.toJSON().schema.options.map((option) => [option.key, option.type])).toEqual([
      ['instance', 'String'],
      ['min_level', 'String'],
      ['environments', 'String'],
      ['projects', 'String'],
      // The options core adds to every provider (burst digests).
      ['burst_limit', 'Number'],
      ['burst_window', 'Number'],
    ])
  })

  it('min_level: issues and event alerts below it are dropped; comments and metric alerts pass', async () => {
    expect(await posts('issue__created', { min_level: 'error' })).toBe('posts')
    await kit.expectFiltered('issue__created', 'level "error" is below min_level (fatal)', { options: { min_level: 'fatal' } })
    await kit.expectFiltered('issue__created_for_message', 'level "info" is below min_level (warning)', { options: { min_level: 'warning' } })
    await kit.expectFiltered('event_alert__triggered_for_message_golang', 'level "info" is below min_level (warning)', { options: { min_level: 'Warning' } })
    expect(await posts('event_alert__triggered_for_exception_python', { min_level: 'warning' })).toBe('posts')
    expect(await posts('comment__created', { min_level: 'fatal' })).toBe('posts')
    expect(await posts('metric_alert__critical', { min_level: 'fatal' })).toBe('posts')
    expect(await refusal({ min_level: 'critical' })).toBe(
      'invalid options for provider sentry: "min_level" has unknown level "critical"; it takes one of debug, info, warning, error, fatal',
    )
  })

  it('environments: events and metric alerts of these environments; deliveries without one pass', async () => {
    expect(await posts('metric_alert__critical', { environments: 'production' })).toBe('posts')
    await kit.expectFiltered('metric_alert__critical', 'environment "production" is not in environments (staging)', { options: { environments: 'staging' } })
    expect(await posts('error__created', { environments: 'staging' })).toBe('posts')
    expect(await posts('issue__created', { environments: 'staging' })).toBe('posts')
    expect(await refusal({ environments: 'production,,staging' })).toMatch(
      /^invalid options for provider sentry: "environments" has an empty item in "production,,staging"/,
    )
  })

  it("environments: an event's environment is its `environment`, else its environment tag", async () => {
    const error = JSON.parse(readFileSync(new URL('../fixtures/error__created.json', import.meta.url), 'utf8')) as {
      data: { error: { tags: unknown[]; environment?: string } }
    }
    const headers = { 'sentry-hook-resource': 'error' }
    error.data.error.tags.push(['environment', 'staging'])
    expect(await processPayload(sentry, error, { headers, options: { environments: 'production' } })).toEqual({
      kind: 'filtered',
      reason: 'environment "staging" is not in environments (production)',
    })
    expect((await processPayload(sentry, error, { headers, options: { environments: 'staging' } })).kind).toBe('posts')
    error.data.error.environment = 'production'
    expect((await processPayload(sentry, error, { headers, options: { environments: 'production' } })).kind).toBe('posts')
  })

  it("projects: by slug, from the issue, the comment, the event's URL or the alert rule", async () => {
    expect(await posts('issue__created', { projects: 'Front-End,api' })).toBe('posts')
    await kit.expectFiltered('issue__created', 'project "front-end" is not in projects (back-end)', { options: { projects: 'back-end' } })
    await kit.expectFiltered('event_alert__triggered_for_exception_python', 'project "zulip-integration-testing" is not in projects (front-end)', {
      options: { projects: 'front-end' },
    })
    expect(await posts('error__created', { projects: 'front-end' })).toBe('posts')
    await kit.expectFiltered('comment__created', 'project "sentry" is not in projects (front-end)', { options: { projects: 'front-end' } })
    expect(await posts('metric_alert__critical', { projects: 'bar' })).toBe('posts')
    await kit.expectFiltered('metric_alert__critical', 'project "bar" is not in projects (foo)', { options: { projects: 'foo' } })
    expect(await refusal({ projects: ' , ' })).toMatch(/"projects" has an empty item in " , "/)
  })

  it('are checked when a URL is minted', () => {
    expect(resolveOptions(sentry, { min_level: 'error', environments: 'production', projects: 'front-end' }, { strict: true })).toEqual({
      min_level: 'error',
      environments: 'production',
      projects: 'front-end',
    })
  })
})
