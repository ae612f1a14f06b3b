import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { DigestState, MissivePost } from '@missive-integrations/core'
import { fixtureKit, processPayload } from '@missive-integrations/core/testing'
import GitLab, { signRequest } from '../src/index.ts'

// The kit folds the fixtures a second apart from 14:00:00 UTC, as the queue does past an
// endpoint's burst_limit, and compares the exact digest request.
const gitlab = new GitLab()
const kit = fixtureKit(gitlab, new URL('../fixtures/', import.meta.url), { sign: signRequest })

describe('gitlab burst digests', () => {
  it('sums up a busy branch: pushes and their commits (GitLab’s total, not the 20 it lists), who, and the latest five lines', () =>
    kit.expectDigest(
      ['push_hook__commits', 'push_hook__many_commits', 'push_hook__force_push', 'push_hook__many_commits', 'push_hook__commits', 'push_hook__force_push'],
      {
        references: ['1534233/tomek'],
        subject: '[my-awesome-project:tomek]',
        notification: '6 more events between 14:00:00 and 14:00:05 UTC (6 push_hook)\n6 pushes (52 commits)\nby ada 6',
        text: [
          '*6 more events* between 14:00:00 and 14:00:05 UTC (6 push_hook): 6 pushes (52 commits); by ada 6',
          'Latest:',
          '• Ada Lovelace pushed 24 commits to tomek',
          '• Ada Lovelace force-pushed tomek to 66abd2da',
          '• Ada Lovelace pushed 24 commits to tomek',
          '• Ada Lovelace pushed 2 commits to tomek',
          '• Ada Lovelace force-pushed tomek to 66abd2da',
        ].join('\n'),
      },
    ))

  it('mixes a push to the branch with its merge request’s reviews, in the merge request’s conversation', () =>
    kit.expectDigest(
      ['push_hook__new_branch', 'merge_request_hook__approval', 'merge_request_hook__unapproved', 'merge_request_hook__approved', 'merge_request_hook__merged'],
      {
        references: ['3319043/changes', '3319043/!1'],
        subject: '!1 Update the README with author name [my-awesome-project:changes]',
        // The push names its pusher by name only (no user_username in this payload).
        notification:
          '5 more events between 14:00:00 and 14:00:04 UTC (4 merge_request_hook, 1 push_hook)\n1 push (0 commits)\nby grace-reviewer 4, Grace Hopper 1',
        text: [
          '*5 more events* between 14:00:00 and 14:00:04 UTC (4 merge_request_hook, 1 push_hook): 1 push (0 commits); by grace-reviewer 4, Grace Hopper 1',
          'Latest:',
          '• Grace Hopper created branch changes',
          '• Grace Hopper approved merge request !1',
          '• Grace Hopper revoked their approval of merge request !1',
          '• Grace Hopper approved merge request !1; it has all the approvals it needs',
          '• Grace Hopper merged merge request !1 (changes → feature)',
        ].join('\n'),
      },
    ))

  it('sets bots apart from people, and puts a two-line post on one line', () =>
    kit.expectDigest(['merge_request_hook__opened_by_renovate', 'merge_request_hook__reviewers_changed', 'merge_request_hook__marked_ready'], {
      references: ['20677423/devel', '20677423/!1'],
      subject: '!1 Make a trivial change to the README. [demo-project:devel]',
      notification: '3 more events between 14:00:00 and 14:00:02 UTC (3 merge_request_hook)\nby barbara 2\nbots: renovate-bot 1',
      text: [
        '*3 more events* between 14:00:00 and 14:00:02 UTC (3 merge_request_hook): by barbara 2; bots: renovate-bot 1',
        'Latest:',
        '• Renovate Bot opened merge request !1 (devel → master), assigned to Barbara Liskov and Barbara Liskov',
        '• Barbara Liskov requested a review from Barbara Liskov on merge request !1',
        '• Barbara Liskov renamed merge request !1 from “Draft: Make a trivial change to the README.”; Barbara Liskov marked merge request !1 as ready',
      ].join('\n'),
    }))

  it('counts failed pipelines with their failing jobs; a pipeline that passed after a retry is not a failure', () =>
    kit.expectDigest(['pipeline_hook__failed', 'pipeline_hook__passed_after_retry', 'pipeline_hook__failed'], {
      references: ['ada/my-awesome-project/master'],
      subject: '[my-awesome-project:master]',
      notification: '3 more events between 14:00:00 and 14:00:02 UTC (3 pipeline_hook)\n2 failed pipelines (job_name 2)\nby ada 3',
      text: [
        '*3 more events* between 14:00:00 and 14:00:02 UTC (3 pipeline_hook): 2 failed pipelines (job_name 2); by ada 3',
        'Latest:',
        '• Pipeline #4414206 failed on master at 6f88e719: job_name (script failure)',
        '• Pipeline #4414206 passed on master at 6f88e719 after retrying job_name',
        '• Pipeline #4414206 failed on master at 6f88e719: job_name (script failure)',
      ].join('\n'),
    }))

  it('counts failed jobs by name (a job hook’s user has a name, no username)', () =>
    kit.expectDigest(['job_hook__failed', 'job_hook__passed_on_retry', 'job_hook__failed'], {
      references: ['380/gitlab-script-trigger'],
      subject: '[gitlab-test:gitlab-script-trigger]',
      notification: '3 more events between 14:00:00 and 14:00:02 UTC (3 job_hook)\nfailed jobs: test 2\nby User 3',
      text: [
        '*3 more events* between 14:00:00 and 14:00:02 UTC (3 job_hook): failed jobs: test 2; by User 3',
        'Latest:',
        '• Job test failed on gitlab-script-trigger at 2293ada6 (script failure)',
        '• Job test passed on gitlab-script-trigger at 2293ada6 on retry 1',
        '• Job test failed on gitlab-script-trigger at 2293ada6 (script failure)',
      ].join('\n'),
    }))
})

type Json = Record<string, unknown>
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as Json

/** Fold hand-written deliveries a second apart, as the queue does; the digest post. */
async function digestOf(deliveries: Array<[event: string, payload: unknown]>): Promise<MissivePost> {
  let digest: { state: DigestState; post: MissivePost } | undefined
  for (const [i, [event, payload]] of deliveries.entries()) {
    const outcome = await processPayload(gitlab, payload, { headers: { 'x-gitlab-event': gitlab.sentEventName(event) } })
    if (outcome.kind !== 'posts' || !outcome.delivery.burst) throw new Error(`expected ${event} to fold, got ${outcome.kind}`)
    digest = outcome.delivery.burst.fold(digest?.state, Date.UTC(2025, 0, 1, 14) + i * 1000)
  }
  return digest!.post
}

describe('gitlab burst digests, hand-written payloads', () => {
  it('sets a project access token’s pushes apart as a bot’s, and counts a system hook’s push', async () => {
    const bot = { ...fixture('push_hook__commits'), user_name: 'deploy token', user_username: 'project_1534233_bot_5c1e' }
    const post = await digestOf([
      ['push_hook', bot],
      ['push_hook', fixture('push_hook__commits')],
      ['push_hook', bot],
      ['system_hook', fixture('system_hook__push')],
    ])
    expect(post.notification.body).toBe(
      '4 more events between 14:00:00 and 14:00:03 UTC (3 push_hook, 1 system_hook)\n4 pushes (7 commits)\nby ada 1, John Smith 1\nbots: project_1534233_bot_5c1e 2',
    )
  })
})

describe('gitlab burst digest, odd payloads', () => {
  it('never throws on a fixture with any one field removed, null or of another type', () => {
    expect(kit.assertDigestTolerates(3)).toBeGreaterThan(10000)
  })
})
