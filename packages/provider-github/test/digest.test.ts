import { describe, it } from 'vitest'
import { fixtureKit } from '@missive-integrations/core/testing'
import GitHub from '../src/index.ts'

const kit = fixtureKit(new GitHub(), new URL('../fixtures/', import.meta.url))

describe('github burst digests', () => {
  it('sums up a busy branch: pushes and their commits, failed runs, who, and the latest lines', () =>
    kit.expectDigest(['push__many_commits', 'commit_comment__created', 'push__many_commits'], {
      references: ['186853002/master'],
      subject: '[Hello-World:master]',
      notification: '3 more events between 14:00:00 and 14:00:02 UTC (2 push, 1 commit_comment)\n2 pushes (46 commits)\nby Codertocat 3',
      text: [
        '*3 more events* between 14:00:00 and 14:00:02 UTC (2 push, 1 commit_comment): 2 pushes (46 commits); by Codertocat 3',
        'Latest:',
        '• Codertocat pushed 23 commits to master',
        '• Codertocat commented on commit 6113728',
        '• Codertocat pushed 23 commits to master',
      ].join('\n'),
    }))

  it('names the failing workflows and checks', () =>
    kit.expectDigest(['check_run__failure', 'check_run__failure'], {
      references: ['186853002/changes'],
      subject: '[Hello-World:changes]',
      notification: '2 more events between 14:00:00 and 14:00:01 UTC (2 check_run)\nfailed runs: Octocoders-linter 2\nby Codertocat 2',
      text: [
        '*2 more events* between 14:00:00 and 14:00:01 UTC (2 check_run): failed runs: Octocoders-linter 2; by Codertocat 2',
        'Latest:',
        '• Octocoders-linter failed on ec26c3e (changes)',
        '• Octocoders-linter failed on ec26c3e (changes)',
      ].join('\n'),
    }))
})
