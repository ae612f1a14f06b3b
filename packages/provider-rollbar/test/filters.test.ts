import { describe, expect, it } from 'vitest'
import { InvalidOptionsError, resolveOptions } from '@missive-integrations/core'
import { fixtureKit, rejectionOf } from '@missive-integrations/core/testing'
import Rollbar from '../src/index.ts'

// Each filter against real fixtures: one it lets through, one it drops, and a bad value refused
// with a 400 naming the filter.
const rollbar = new Rollbar()
const OPTIONS = { account: 'acme', project: 'web' }
const kit = fixtureKit(rollbar, new URL('../fixtures/', import.meta.url), { options: OPTIONS })

const posts = async (name: string, options: Record<string, unknown>) => (await kit.deliver(name, { options })).outcome.kind

const refusal = async (options: Record<string, unknown>) => {
  const error = await rejectionOf(kit.deliver('new_item__error', { options }))
  expect(error).toBeInstanceOf(InvalidOptionsError)
  return error.message
}

describe('rollbar filters', () => {
  it('are options of the schema, after account and project', () => {
    expect(rollbar.toJSON().schema.options.map((option) => [option.key, option.type, option.required ?? false])).toEqual([
      ['account', 'String', true],
      ['project', 'String', true],
      ['min_level', 'String', false],
      ['environments', 'String', false],
      // The options core adds to every provider (burst digests).
      ['burst_limit', 'Number', false],
      ['burst_window', 'Number', false],
    ])
    expect(rollbar.toJSON().schema.options[2]?.description).toBe(
      'post only items and occurrences at this level or above; deploys pass (one of debug, info, warning, error, critical)',
    )
  })

  it('min_level: items (numeric level) and occurrences (their own level) below it are dropped', async () => {
    expect(await posts('new_item__error', { min_level: 'error' })).toBe('posts')
    expect(await posts('new_item__critical_multiline_title', { min_level: 'critical' })).toBe('posts')
    await kit.expectFiltered('new_item__error', 'level "error" is below min_level (critical)', { options: { min_level: 'critical' } })
    await kit.expectFiltered('occurrence__warning_with_person', 'level "warning" is below min_level (error)', { options: { min_level: 'ERROR' } })
    expect(await posts('occurrence__warning_with_person', { min_level: 'warning' })).toBe('posts')
    await kit.expectFiltered('resolved_item__error', 'level "error" is below min_level (critical)', { options: { min_level: 'critical' } })
    // Deploys have no level: they pass.
    expect(await posts('deploy__basic', { min_level: 'critical' })).toBe('posts')
    expect(await refusal({ min_level: 'fatal' })).toBe(
      'invalid options for provider rollbar: "min_level" has unknown level "fatal"; it takes one of debug, info, warning, error, critical',
    )
  })

  it('environments: items, occurrences and deploys of these environments only', async () => {
    expect(await posts('new_item__error', { environments: 'staging,Production' })).toBe('posts')
    await kit.expectFiltered('new_item__error', 'environment "production" is not in environments (staging)', { options: { environments: 'staging' } })
    await kit.expectFiltered('occurrence__error', 'environment "production" is not in environments (staging, qa)', { options: { environments: 'staging,qa' } })
    await kit.expectFiltered('deploy__basic', 'environment "production" is not in environments (staging)', { options: { environments: 'staging' } })
    expect(await posts('deploy__without_comment', { environments: 'production' })).toBe('posts')
    expect(await refusal({ environments: 'production,' })).toMatch(/^invalid options for provider rollbar: "environments" has an empty item in "production,"/)
  })

  it('are checked when a URL is minted', () => {
    expect(resolveOptions(rollbar, { ...OPTIONS, min_level: 'warning', environments: 'production' }, { strict: true })).toEqual({
      ...OPTIONS,
      min_level: 'warning',
      environments: 'production',
    })
    expect(() => resolveOptions(rollbar, { ...OPTIONS, min_level: 'loud' }, { strict: true })).toThrow('"min_level" has unknown level "loud"')
  })
})
