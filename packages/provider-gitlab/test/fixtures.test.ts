import { afterAll, describe, it } from 'vitest'
import { fixtureKit } from '@missive-integrations/core/testing'
import GitLab, { signRequest } from '../src/index.ts'

// One test per fixture: what the GitLab provider decides for each payload (thread, subject,
// notification, attachments), written out in full. The kit sends each with the X-Gitlab-Event
// GitLab sends (`push_hook__…` → `Push Hook`), adds the envelope every post shares and compares
// the exact Missive request.
const kit = fixtureKit(new GitLab(), new URL('../fixtures/', import.meta.url), { sign: signRequest })

const COMPARE = 'https://gitlab.com/ada/my-awesome-project/-/compare/5fcdd5551fc3085df79bece2c32b1400802ac407...1414141414141414141414141414141414141414'
const MANY_COMMITS = Array.from({ length: 20 }, (_, i) => {
  const sha = (i + 1).toString(16).padStart(2, '0').repeat(20)
  return `<https://gitlab.com/ada/my-awesome-project/commit/${sha}|\`${sha.slice(0, 8)}\`> Step ${i + 5}: tidy the parser${i === 3 ? ' - Grace Hopper' : ''}`
})

describe('gitlab fixtures', () => {
  it('confidential_issue_hook__opened', () =>
    kit.expectPosts('confidential_issue_hook__opened', [
      {
        references: ['5/#1'],
        subject: '#1 (confidential) [testing]',
        notification: 'Joan Clarke opened confidential issue #1',
        attachments: [
          {
            text: '*Joan Clarke* opened <https://gitlab.example.com/joan.clarke/testing/issues/1|confidential issue #1>',
            color: '#c17d10',
          },
        ],
      },
    ]))
  it('confidential_note_hook__internal_note_on_issue', () =>
    kit.expectPosts('confidential_note_hook__internal_note_on_issue', [
      {
        references: ['46186758/#1'],
        subject: '#1 Add more lines [testing-zulip-gitlab-integration]',
        notification: 'Katherine Johnson added an internal note on issue #1',
        attachments: [
          {
            text: '*Katherine Johnson* <https://gitlab.com/katherine/testing-zulip-gitlab-integration/-/issues/1#note_1406130881|added an internal note> on <https://gitlab.com/katherine/testing-zulip-gitlab-integration/-/issues/1|issue #1>',
            color: '#737278',
          },
        ],
      },
    ]))
  it('confidential_note_hook__on_confidential_issue', () =>
    kit.expectPosts('confidential_note_hook__on_confidential_issue', [
      {
        references: ['46186758/#1'],
        subject: '#1 (confidential) [testing-zulip-gitlab-integration]',
        notification: 'Katherine Johnson commented on confidential issue #1',
        attachments: [
          {
            text: '*Katherine Johnson* <https://gitlab.com/katherine/testing-zulip-gitlab-integration/-/issues/1#note_1406130881|commented> on <https://gitlab.com/katherine/testing-zulip-gitlab-integration/-/issues/1|confidential issue #1>',
            color: '#737278',
          },
        ],
      },
    ]))
  it('deployment_hook__failed', () =>
    kit.expectPosts('deployment_hook__failed', [
      {
        references: ['69310893'],
        subject: '[test]',
        notification: 'Radia Perlman failed to deploy 846d8de0 to production',
        attachments: [
          {
            text: '*Radia Perlman* <https://gitlab.com/radia-projects/test/-/jobs/9905759933|failed to deploy> <https://gitlab.com/radia-projects/test/-/commit/846d8de0b7b3d694954249d2fd5d87fbe8c84e4c|`846d8de0`> to production',
            color: '#dd2b0e',
          },
        ],
      },
    ]))
  it('deployment_hook__running', () =>
    kit.expectSkip('deployment_hook__running', 'only finished pipelines, jobs and deployments are posted; this one is pending, running or waiting'))
  it('deployment_hook__success', () =>
    kit.expectPosts('deployment_hook__success', [
      {
        references: ['69310893'],
        subject: '[test]',
        notification: 'Radia Perlman deployed 846d8de0 to production',
        attachments: [
          {
            text: '*Radia Perlman* <https://gitlab.com/radia-projects/test/-/jobs/9905759933|deployed> <https://gitlab.com/radia-projects/test/-/commit/846d8de0b7b3d694954249d2fd5d87fbe8c84e4c|`846d8de0`> to <https://test.example.com|production>',
            color: '#6b4fbb',
          },
        ],
      },
    ]))
  it('emoji_hook__award_on_merge_request', () =>
    kit.expectSkip('emoji_hook__award_on_merge_request', 'emoji reactions are not posted: they acknowledge what is already in the conversation'))
  it('feature_flag_hook__activated', () =>
    kit.expectPosts('feature_flag_hook__activated', [
      {
        references: ['68452408'],
        subject: '[sample]',
        notification: 'Margaret Hamilton turned on feature flag sample-feature-flag',
        attachments: [
          {
            text: '*Margaret Hamilton* turned on feature flag <https://gitlab.com/margaret-projects/sample/-/feature_flags/2073324/edit|`sample-feature-flag`>',
            color: '#108548',
          },
        ],
      },
    ]))
  it('feature_flag_hook__deactivated', () =>
    kit.expectPosts('feature_flag_hook__deactivated', [
      {
        references: ['68452408'],
        subject: '[sample]',
        notification: 'Margaret Hamilton turned off feature flag sample-feature-flag',
        attachments: [
          {
            text: '*Margaret Hamilton* turned off feature flag <https://gitlab.com/margaret-projects/sample/-/feature_flags/2073324/edit|`sample-feature-flag`>',
            color: '#737278',
          },
        ],
      },
    ]))
  it('issue_hook__closed', () =>
    kit.expectPosts('issue_hook__closed', [
      {
        references: ['1534233/#1'],
        subject: '#1 Issue title_new [my-awesome-project]',
        notification: 'Ada Lovelace closed issue #1',
        attachments: [
          {
            text: '*Ada Lovelace* closed <https://gitlab.com/ada/my-awesome-project/issues/1|issue #1>',
          },
        ],
      },
    ]))
  it('issue_hook__confidential_reopened', () =>
    kit.expectPosts('issue_hook__confidential_reopened', [
      {
        references: ['5/#1'],
        subject: '#1 (confidential) [testing]',
        notification: 'Joan Clarke reopened confidential issue #1',
        attachments: [
          {
            text: '*Joan Clarke* reopened <https://gitlab.example.com/joan.clarke/testing/issues/1|confidential issue #1>',
            color: '#c17d10',
          },
        ],
      },
    ]))
  it('issue_hook__epic_opened', () =>
    kit.expectPosts('issue_hook__epic_opened', [
      {
        references: ['group/edsger-group/&3'],
        subject: '&3 Sample Epic [edsger-group]',
        notification: 'Edsger Dijkstra opened epic &3',
        attachments: [
          {
            pretext: '*Edsger Dijkstra* opened <https://gitlab.com/groups/edsger-group/-/work_items/3|epic &3>',
            title: 'Sample Epic',
            title_link: 'https://gitlab.com/groups/edsger-group/-/work_items/3',
            markdown: 'Sample Epic Without assignee.',
            color: '#c17d10',
          },
        ],
      },
    ]))
  it('issue_hook__opened_with_hidden_comment', () =>
    kit.expectPosts('issue_hook__opened_with_hidden_comment', [
      {
        references: ['3319013/#3'],
        subject: '#3 New Issue with hidden comment [public-repo]',
        notification: 'Grace Hopper opened issue #3',
        attachments: [
          {
            pretext: '*Grace Hopper* opened <https://gitlab.com/grace/public-repo/issues/3|issue #3>',
            title: 'New Issue with hidden comment',
            title_link: 'https://gitlab.com/grace/public-repo/issues/3',
            markdown: 'This description actually has a hidden comment in it!',
            color: '#c17d10',
          },
        ],
      },
    ]))
  it('issue_hook__opened_with_two_assignees', () =>
    kit.expectPosts('issue_hook__opened_with_two_assignees', [
      {
        references: ['8427506/#2'],
        subject: '#2 Zulip Test Issue 2 [zulip-gitlab-test]',
        notification: 'Alan Turing opened issue #2, assigned to Alan Turing and Grace Hopper',
        attachments: [
          {
            pretext: '*Alan Turing* opened <https://gitlab.com/alan/zulip-gitlab-test/issues/2|issue #2>, assigned to *Alan Turing* and *Grace Hopper*',
            title: 'Zulip Test Issue 2',
            title_link: 'https://gitlab.com/alan/zulip-gitlab-test/issues/2',
            markdown: 'Zulip Test Issue 2',
            color: '#c17d10',
          },
        ],
      },
    ]))
  it('issue_hook__renamed_and_labeled', () =>
    kit.expectPosts('issue_hook__renamed_and_labeled', [
      {
        references: ['8427506/#2'],
        subject: '#2 Zulip Test Issue 2 [zulip-gitlab-test]',
        update_existing_conversation_subject: true,
        notification: 'Alan Turing renamed issue #2 from “Zulip Test Issue”\nAlan Turing added label bug to issue #2',
        attachments: [
          {
            text: '*Alan Turing* renamed <https://gitlab.com/alan/zulip-gitlab-test/issues/2|issue #2> from “Zulip Test Issue”\n*Alan Turing* added label `bug` to <https://gitlab.com/alan/zulip-gitlab-test/issues/2|issue #2>',
            color: '#c17d10',
          },
        ],
      },
    ]))
  it('issue_hook__reopened', () =>
    kit.expectPosts('issue_hook__reopened', [
      {
        references: ['1534233/#1'],
        subject: '#1 Issue title_new [my-awesome-project]',
        notification: 'Ada Lovelace reopened issue #1',
        attachments: [
          {
            text: '*Ada Lovelace* reopened <https://gitlab.com/ada/my-awesome-project/issues/1|issue #1>',
            color: '#c17d10',
          },
        ],
      },
    ]))
  it('issue_hook__task_opened', () =>
    kit.expectPosts('issue_hook__task_opened', [
      {
        references: ['80222147/#7'],
        subject: '#7 Sample Task. [mVc]',
        notification: 'Edsger Dijkstra opened task #7',
        attachments: [
          {
            pretext: '*Edsger Dijkstra* opened <https://gitlab.com/edsger-group/mVc/-/work_items/7|task #7>',
            title: 'Sample Task.',
            title_link: 'https://gitlab.com/edsger-group/mVc/-/work_items/7',
            markdown: 'Sample Task.',
            color: '#c17d10',
          },
        ],
      },
    ]))
  it('issue_hook__updated_without_changes', () =>
    kit.expectPosts('issue_hook__updated_without_changes', [
      {
        references: ['1534233/#1'],
        subject: '#1 Issue title_new [my-awesome-project]',
        notification: 'Ada Lovelace updated issue #1',
        attachments: [
          {
            text: '*Ada Lovelace* updated <https://gitlab.com/ada/my-awesome-project/issues/1|issue #1>',
            color: '#c17d10',
          },
        ],
      },
    ]))
  it('job_hook__created', () =>
    kit.expectSkip('job_hook__created', 'only finished pipelines, jobs and deployments are posted; this one is pending, running or waiting'))
  it('job_hook__failed', () =>
    kit.expectPosts('job_hook__failed', [
      {
        references: ['380/gitlab-script-trigger'],
        subject: '[gitlab-test:gitlab-script-trigger]',
        notification: 'Job test failed on gitlab-script-trigger at 2293ada6 (script failure)',
        attachments: [
          {
            text: '<http://192.168.64.1:3005/gitlab-org/gitlab-test/-/jobs/1977|Job test> failed on `gitlab-script-trigger` at <http://192.168.64.1:3005/gitlab-org/gitlab-test/-/commit/2293ada6b400935a1378653304eaf6221e0fdb8f|`2293ada6`> (script failure)',
            color: '#dd2b0e',
          },
        ],
      },
    ]))
  it('job_hook__passed_on_retry', () =>
    kit.expectPosts('job_hook__passed_on_retry', [
      {
        references: ['380/gitlab-script-trigger'],
        subject: '[gitlab-test:gitlab-script-trigger]',
        notification: 'Job test passed on gitlab-script-trigger at 2293ada6 on retry 1',
        attachments: [
          {
            text: '<http://192.168.64.1:3005/gitlab-org/gitlab-test/-/jobs/1977|Job test> passed on `gitlab-script-trigger` at <http://192.168.64.1:3005/gitlab-org/gitlab-test/-/commit/2293ada6b400935a1378653304eaf6221e0fdb8f|`2293ada6`> on retry 1',
            color: '#108548',
          },
        ],
      },
    ]))
  it('member_hook__user_access_request_to_group', () =>
    kit.expectPosts('member_hook__user_access_request_to_group', [
      {
        references: ['group/100'],
        subject: '[webhook-test]',
        notification: 'Test User requested access to webhook-test',
        attachments: [
          {
            text: '*Test User* requested access to `webhook-test`',
            color: '#737278',
          },
        ],
      },
    ]))
  it('member_hook__user_add_to_group', () =>
    kit.expectPosts('member_hook__user_add_to_group', [
      {
        references: ['group/100'],
        subject: '[webhook-test]',
        notification: 'Test User joined webhook-test as Guest',
        attachments: [
          {
            text: '*Test User* joined `webhook-test` as Guest',
            color: '#737278',
          },
        ],
      },
    ]))
  it('merge_request_hook__approval', () =>
    kit.expectPosts('merge_request_hook__approval', [
      {
        references: ['3319043/changes', '3319043/!1'],
        subject: '!1 Update the README with author name [my-awesome-project:changes]',
        update_existing_conversation_subject: true,
        notification: 'Grace Hopper approved merge request !1',
        attachments: [
          {
            text: '*Grace Hopper* approved <https://gitlab.com/grace/my-awesome-project/merge_requests/1|merge request !1>',
            color: '#108548',
          },
        ],
      },
    ]))
  it('merge_request_hook__approved', () =>
    kit.expectPosts('merge_request_hook__approved', [
      {
        references: ['3319043/changes', '3319043/!1'],
        subject: '!1 Update the README with author name [my-awesome-project:changes]',
        update_existing_conversation_subject: true,
        notification: 'Grace Hopper approved merge request !1; it has all the approvals it needs',
        attachments: [
          {
            text: '*Grace Hopper* approved <https://gitlab.com/grace/my-awesome-project/merge_requests/1|merge request !1>; it has all the approvals it needs',
            color: '#108548',
          },
        ],
      },
    ]))
  it('merge_request_hook__closed', () =>
    kit.expectPosts('merge_request_hook__closed', [
      {
        references: ['3319043/changes', '3319043/!1'],
        subject: '!1 Update the README with author name [my-awesome-project:changes]',
        update_existing_conversation_subject: true,
        notification: 'Grace Hopper closed merge request !1',
        attachments: [
          {
            text: '*Grace Hopper* closed <https://gitlab.com/grace/my-awesome-project/merge_requests/1|merge request !1>',
          },
        ],
      },
    ]))
  it('merge_request_hook__marked_ready', () =>
    kit.expectPosts('merge_request_hook__marked_ready', [
      {
        references: ['20677423/devel', '20677423/!1'],
        subject: '!1 Make a trivial change to the README. [demo-project:devel]',
        update_existing_conversation_subject: true,
        notification:
          'Barbara Liskov renamed merge request !1 from “Draft: Make a trivial change to the README.”\nBarbara Liskov marked merge request !1 as ready',
        attachments: [
          {
            text: '*Barbara Liskov* renamed <https://gitlab.com/barbara/demo-project/-/merge_requests/1|merge request !1> from “Draft: Make a trivial change to the README.”\n*Barbara Liskov* marked <https://gitlab.com/barbara/demo-project/-/merge_requests/1|merge request !1> as ready',
            color: '#108548',
          },
        ],
      },
    ]))
  it('merge_request_hook__merged', () =>
    kit.expectPosts('merge_request_hook__merged', [
      {
        references: ['3319043/changes', '3319043/!1'],
        subject: '!1 Update the README with author name [my-awesome-project:changes]',
        update_existing_conversation_subject: true,
        notification: 'Grace Hopper merged merge request !1 (changes → feature)',
        attachments: [
          {
            text: '*Grace Hopper* merged <https://gitlab.com/grace/my-awesome-project/merge_requests/1|merge request !1> (`changes` → `feature`)',
            color: '#6b4fbb',
          },
        ],
      },
    ]))
  it('merge_request_hook__opened', () =>
    kit.expectPosts('merge_request_hook__opened', [
      {
        references: ['20677423/devel', '20677423/!1'],
        subject: '!1 Make a trivial change to the README. [demo-project:devel]',
        update_existing_conversation_subject: true,
        notification: 'Barbara Liskov opened merge request !1 (devel → master), assigned to Barbara Liskov and Barbara Liskov',
        attachments: [
          {
            pretext:
              '*Barbara Liskov* opened <https://gitlab.com/barbara/demo-project/-/merge_requests/1|merge request !1> (`devel` → `master`), assigned to *Barbara Liskov* and *Barbara Liskov*',
            title: 'Make a trivial change to the README.',
            title_link: 'https://gitlab.com/barbara/demo-project/-/merge_requests/1',
            markdown: 'A trivial change that should probably be ignored.',
            color: '#108548',
          },
        ],
      },
    ]))
  it('merge_request_hook__opened_by_renovate', () =>
    kit.expectPosts('merge_request_hook__opened_by_renovate', [
      {
        references: ['20677423/devel', '20677423/!1'],
        subject: '!1 Make a trivial change to the README. [demo-project:devel]',
        update_existing_conversation_subject: true,
        notification: 'Renovate Bot opened merge request !1 (devel → master), assigned to Barbara Liskov and Barbara Liskov',
        attachments: [
          {
            pretext:
              '*Renovate Bot* opened <https://gitlab.com/barbara/demo-project/-/merge_requests/1|merge request !1> (`devel` → `master`), assigned to *Barbara Liskov* and *Barbara Liskov*',
            title: 'Make a trivial change to the README.',
            title_link: 'https://gitlab.com/barbara/demo-project/-/merge_requests/1',
            markdown: 'A trivial change that should probably be ignored.',
            color: '#108548',
          },
        ],
      },
    ]))
  it('merge_request_hook__pushed_from_fork', () =>
    kit.expectPosts('merge_request_hook__pushed_from_fork', [
      {
        references: ['20677423/!1'],
        subject: '!1 Make a trivial change to the README. [demo-project]',
        update_existing_conversation_subject: true,
        notification: 'Barbara Liskov pushed new commits to merge request !1: 7a1c0e5d Make a trivial change to the README.',
        attachments: [
          {
            text: '*Barbara Liskov* pushed new commits to <https://gitlab.com/barbara/demo-project/-/merge_requests/1|merge request !1>: <https://gitlab.com/barbara.l/demo-project/-/commit/7a1c0e5d2b4f6a8c9e0d1f2a3b4c5d6e7f8a9b0c|`7a1c0e5d`> Make a trivial change to the README.',
            color: '#108548',
          },
        ],
      },
    ]))
  it('merge_request_hook__pushed_same_project', () =>
    kit.expectSkip(
      'merge_request_hook__pushed_same_project',
      'commits to a merge request from a branch of the same project are posted by the push, in the same conversation',
    ))
  it('merge_request_hook__reopened', () =>
    kit.expectPosts('merge_request_hook__reopened', [
      {
        references: ['3319043/changes', '3319043/!1'],
        subject: '!1 Update the README with author name [my-awesome-project:changes]',
        update_existing_conversation_subject: true,
        notification: 'Grace Hopper reopened merge request !1',
        attachments: [
          {
            text: '*Grace Hopper* reopened <https://gitlab.com/grace/my-awesome-project/merge_requests/1|merge request !1>',
            color: '#108548',
          },
        ],
      },
    ]))
  it('merge_request_hook__reviewers_changed', () =>
    kit.expectPosts('merge_request_hook__reviewers_changed', [
      {
        references: ['20677423/devel', '20677423/!1'],
        subject: '!1 Make a trivial change to the README. [demo-project:devel]',
        update_existing_conversation_subject: true,
        notification: 'Barbara Liskov requested a review from Barbara Liskov on merge request !1',
        attachments: [
          {
            text: '*Barbara Liskov* requested a review from *Barbara Liskov* on <https://gitlab.com/barbara/demo-project/-/merge_requests/1|merge request !1>',
            color: '#108548',
          },
        ],
      },
    ]))
  it('merge_request_hook__unapproved', () =>
    kit.expectPosts('merge_request_hook__unapproved', [
      {
        references: ['3319043/changes', '3319043/!1'],
        subject: '!1 Update the README with author name [my-awesome-project:changes]',
        update_existing_conversation_subject: true,
        notification: 'Grace Hopper revoked their approval of merge request !1',
        attachments: [
          {
            text: '*Grace Hopper* revoked their approval of <https://gitlab.com/grace/my-awesome-project/merge_requests/1|merge request !1>',
            color: '#dd2b0e',
          },
        ],
      },
    ]))
  it('milestone_hook__create', () =>
    kit.expectPosts('milestone_hook__create', [
      {
        references: ['1'],
        subject: '[gitlab-test]',
        notification: 'Milestone v1.0 was created (due 2025-06-30)',
        attachments: [
          {
            text: 'Milestone *v1.0* was created (due 2025-06-30)',
            color: '#737278',
          },
        ],
      },
    ]))
  it('note_hook__commit', () =>
    kit.expectPosts('note_hook__commit', [
      {
        references: ['46186758/@82689ddf00fd7bdadb5c2afb3b94bd555edc9d01'],
        subject: '82689ddf added some lines in second file [testing-zulip-gitlab-integration]',
        notification: 'Katherine Johnson commented on commit 82689ddf',
        attachments: [
          {
            pretext:
              '*Katherine Johnson* <https://gitlab.com/katherine/testing-zulip-gitlab-integration/-/commit/82689ddf00fd7bdadb5c2afb3b94bd555edc9d01#note_1406241063|commented> on <https://gitlab.com/katherine/testing-zulip-gitlab-integration/-/commit/82689ddf00fd7bdadb5c2afb3b94bd555edc9d01|commit 82689ddf>',
            markdown: 'Wow what a beautiful commit.',
            color: '#737278',
          },
        ],
      },
    ]))
  it('note_hook__edited', () =>
    kit.expectSkip('note_hook__edited', 'edits are not posted: the conversation already holds what was written, and GitLab shows the latest version'))
  it('note_hook__issue', () =>
    kit.expectPosts('note_hook__issue', [
      {
        references: ['46186758/#1'],
        subject: '#1 Add more lines [testing-zulip-gitlab-integration]',
        notification: 'Katherine Johnson commented on issue #1',
        attachments: [
          {
            pretext:
              '*Katherine Johnson* <https://gitlab.com/katherine/testing-zulip-gitlab-integration/-/issues/1#note_1406279810|commented> on <https://gitlab.com/katherine/testing-zulip-gitlab-integration/-/issues/1|issue #1>',
            markdown: 'This is again a random comment.',
            color: '#737278',
          },
        ],
      },
    ]))
  it('note_hook__merge_request', () =>
    kit.expectPosts('note_hook__merge_request', [
      {
        references: ['46186758/feature', '46186758/!1'],
        subject: '!1 add new-feature [testing-zulip-gitlab-integration:feature]',
        notification: 'Katherine Johnson commented on merge request !1',
        attachments: [
          {
            pretext:
              '*Katherine Johnson* <https://gitlab.com/katherine/testing-zulip-gitlab-integration/-/merge_requests/1#note_1406328457|commented> on <https://gitlab.com/katherine/testing-zulip-gitlab-integration/-/merge_requests/1|merge request !1>',
            markdown: 'I am not sure if this new feature is even required or not.',
            color: '#737278',
          },
        ],
      },
    ]))
  it('note_hook__snippet', () =>
    kit.expectPosts('note_hook__snippet', [
      {
        references: ['46186758/$2547713'],
        subject: '$2547713 a very new new feature [testing-zulip-gitlab-integration]',
        notification: 'Katherine Johnson commented on snippet $2547713',
        attachments: [
          {
            pretext:
              '*Katherine Johnson* <https://gitlab.com/katherine/testing-zulip-gitlab-integration/-/snippets/2547713#note_1424268837|commented> on <https://gitlab.com/katherine/testing-zulip-gitlab-integration/-/snippets/2547713|snippet $2547713>',
            markdown: 'some comment',
            color: '#737278',
          },
        ],
      },
    ]))
  it('pipeline_hook__failed', () =>
    kit.expectPosts('pipeline_hook__failed', [
      {
        references: ['ada/my-awesome-project/master'],
        subject: '[my-awesome-project:master]',
        notification: 'Pipeline #4414206 failed on master at 6f88e719: job_name (script failure)',
        attachments: [
          {
            text: '<https://gitlab.com/ada/my-awesome-project/-/pipelines/4414206|Pipeline #4414206> failed on `master` at <https://gitlab.com/ada/my-awesome-project/-/commit/6f88e719ccde3804b1b669cef9dfb236a92fbbff|`6f88e719`>: <https://gitlab.com/ada/my-awesome-project/-/jobs/4541112|job_name> (script failure)',
            color: '#dd2b0e',
          },
        ],
      },
    ]))
  it('pipeline_hook__failed_for_merge_request', () =>
    kit.expectPosts('pipeline_hook__failed_for_merge_request', [
      {
        references: ['1740047/feature', '1740047/!3'],
        subject: '!3 New Merge Request [my-awesome-project:feature]',
        notification: 'Pipeline #4414206 failed on !3 at 6f88e719: job_name2 (script failure)',
        attachments: [
          {
            text: '<https://gitlab.com/ada/my-awesome-project/-/pipelines/4414206|Pipeline #4414206> failed on `!3` at <https://gitlab.com/ada/my-awesome-project/-/commit/6f88e719ccde3804b1b669cef9dfb236a92fbbff|`6f88e719`>: <https://gitlab.com/ada/my-awesome-project/-/jobs/4541113|job_name2> (script failure)',
            color: '#dd2b0e',
          },
        ],
      },
    ]))
  it('pipeline_hook__passed_after_retry', () =>
    kit.expectPosts('pipeline_hook__passed_after_retry', [
      {
        references: ['ada/my-awesome-project/master'],
        subject: '[my-awesome-project:master]',
        notification: 'Pipeline #4414206 passed on master at 6f88e719 after retrying job_name',
        attachments: [
          {
            text: '<https://gitlab.com/ada/my-awesome-project/-/pipelines/4414206|Pipeline #4414206> passed on `master` at <https://gitlab.com/ada/my-awesome-project/-/commit/6f88e719ccde3804b1b669cef9dfb236a92fbbff|`6f88e719`> after retrying `job_name`',
            color: '#108548',
          },
        ],
      },
    ]))
  it('pipeline_hook__running', () =>
    kit.expectSkip('pipeline_hook__running', 'only finished pipelines, jobs and deployments are posted; this one is pending, running or waiting'))
  it('pipeline_hook__success', () =>
    kit.expectSkip(
      'pipeline_hook__success',
      'a passing pipeline or job is posted only when it recovers from a failure (a retried job); nothing went wrong here',
    ))
  it('project_hook__project_create', () =>
    kit.expectPosts('project_hook__project_create', [
      {
        references: ['22'],
        subject: '[project1]',
        notification: 'Project group1/project1 was created (private)',
        attachments: [
          {
            text: 'Project `group1/project1` was created (private)',
            color: '#108548',
          },
        ],
      },
    ]))
  it('push_hook__commits', () =>
    kit.expectPosts('push_hook__commits', [
      {
        references: ['1534233/tomek'],
        subject: '[my-awesome-project:tomek]',
        notification: 'Ada Lovelace pushed 2 commits to tomek',
        attachments: [
          {
            pretext:
              '*Ada Lovelace* pushed <https://gitlab.com/ada/my-awesome-project/-/compare/5fcdd5551fc3085df79bece2c32b1400802ac407...eb6ae1e591e0819dc5bf187c6bfe18ec065a80e9|2 commits> to <https://gitlab.com/ada/my-awesome-project/-/tree/tomek|`tomek`>',
            text: '<https://gitlab.com/ada/my-awesome-project/commit/66abd2da28809ffa128ed0447965cf11d7f863a7|`66abd2da`> b\n<https://gitlab.com/ada/my-awesome-project/commit/eb6ae1e591e0819dc5bf187c6bfe18ec065a80e9|`eb6ae1e5`> c',
            color: '#1f75cb',
          },
        ],
      },
    ]))
  it('push_hook__deleted_branch', () =>
    kit.expectPosts('push_hook__deleted_branch', [
      {
        references: ['1740047/tomek'],
        subject: '[my-awesome-project:tomek]',
        notification: 'Ada Lovelace deleted branch tomek',
        attachments: [
          {
            text: '*Ada Lovelace* deleted branch `tomek`',
          },
        ],
      },
    ]))
  it('push_hook__force_push', () =>
    kit.expectPosts('push_hook__force_push', [
      {
        references: ['1534233/tomek'],
        subject: '[my-awesome-project:tomek]',
        notification: 'Ada Lovelace force-pushed tomek to 66abd2da',
        attachments: [
          {
            text: '*Ada Lovelace* force-pushed <https://gitlab.com/ada/my-awesome-project/-/tree/tomek|`tomek`> to <https://gitlab.com/ada/my-awesome-project/-/commit/66abd2da28809ffa128ed0447965cf11d7f863a7|`66abd2da`>',
            color: '#1f75cb',
          },
        ],
      },
    ]))
  it('push_hook__many_commits', () =>
    kit.expectPosts('push_hook__many_commits', [
      {
        references: ['1534233/tomek'],
        subject: '[my-awesome-project:tomek]',
        notification: 'Ada Lovelace pushed 24 commits to tomek',
        attachments: [
          {
            pretext: `*Ada Lovelace* pushed <${COMPARE}|24 commits> to <https://gitlab.com/ada/my-awesome-project/-/tree/tomek|\`tomek\`>`,
            // GitLab sends the newest 20 of the 24, oldest first; one is by someone other than the pusher.
            text: [...MANY_COMMITS, `and <${COMPARE}|4 more>`].join('\n'),
            color: '#1f75cb',
          },
        ],
      },
    ]))
  it('push_hook__new_branch', () =>
    kit.expectPosts('push_hook__new_branch', [
      {
        references: ['3319043/changes'],
        subject: '[my-awesome-project:changes]',
        notification: 'Grace Hopper created branch changes',
        attachments: [
          {
            text: '*Grace Hopper* created branch <https://gitlab.com/grace/my-awesome-project/-/tree/changes|`changes`>',
            color: '#1f75cb',
          },
        ],
      },
    ]))
  it('release_hook__create', () =>
    kit.expectPosts('release_hook__create', [
      {
        references: ['2'],
        subject: '[release-webhook-example]',
        notification: 'New release v1.1',
        attachments: [
          {
            pretext: 'New release <https://example.com/gitlab-org/release-webhook-example/-/releases/v1.1|v1.1>',
            markdown: '## v1.1 (2024-09-06)\n\n- Feature added',
            color: '#6b4fbb',
          },
        ],
      },
    ]))
  it('release_hook__delete', () =>
    kit.expectPosts('release_hook__delete', [
      {
        references: ['2'],
        subject: '[release-webhook-example]',
        notification: 'Release v1.1 was deleted',
        attachments: [
          {
            text: 'Release *v1.1* was deleted',
          },
        ],
      },
    ]))
  it('release_hook__update', () =>
    kit.expectSkip('release_hook__update', 'release edits are not posted: the release was posted when it was created, and GitLab shows the latest notes'))
  it('resource_access_token_hook__expiring_group_token', () =>
    kit.expectPosts('resource_access_token_hook__expiring_group_token', [
      {
        references: ['group/35'],
        subject: '[twitter]',
        notification: 'Group access token acd expires on 2024-01-26',
        attachments: [
          {
            text: 'Group access token `acd` expires on 2024-01-26',
            color: '#c17d10',
          },
        ],
      },
    ]))
  it('resource_access_token_hook__expiring_project_token', () =>
    kit.expectPosts('resource_access_token_hook__expiring_project_token', [
      {
        references: ['7'],
        subject: '[Flight]',
        notification: 'Project access token acd expires on 2024-01-26',
        attachments: [
          {
            text: 'Project access token `acd` expires on 2024-01-26',
            color: '#c17d10',
          },
        ],
      },
    ]))
  it('subgroup_hook__subgroup_create', () =>
    kit.expectPosts('subgroup_hook__subgroup_create', [
      {
        references: ['group/7'],
        subject: '[group1]',
        notification: 'Subgroup group1/subgroup1 was created in group1',
        attachments: [
          {
            text: 'Subgroup `group1/subgroup1` was created in `group1`',
            color: '#737278',
          },
        ],
      },
    ]))
  it('system_hook__push', () =>
    kit.expectPosts('system_hook__push', [
      {
        references: ['15/master'],
        subject: '[gitlab:master]',
        notification: 'John Smith pushed 1 commit to master',
        attachments: [
          {
            pretext:
              '*John Smith* pushed <http://test.example.com/gitlab/gitlab/-/compare/95790bf891e76fee5e1747ab589903a6a1f80f22...da1560886d4f094c3e6c9ef40349f7d38b5d27d7|1 commit> to <http://test.example.com/gitlab/gitlab/-/tree/master|`master`>',
            text: '<https://test.example.com/gitlab/gitlab/-/commit/c5feabde2d8cd023215af4d2ceeb7a64839fc428|`c5feabde`> Add simple search to projects in public area - Test User',
            color: '#1f75cb',
          },
        ],
      },
    ]))
  it('tag_push_hook__created', () =>
    kit.expectPosts('tag_push_hook__created', [
      {
        references: ['1534233'],
        subject: '[my-awesome-project]',
        notification: 'Ada Lovelace pushed tag xyz',
        attachments: [
          {
            text: '*Ada Lovelace* pushed tag <https://gitlab.com/ada/my-awesome-project/-/tree/xyz|`xyz`>',
            color: '#6b4fbb',
          },
        ],
      },
    ]))
  it('tag_push_hook__deleted', () =>
    kit.expectPosts('tag_push_hook__deleted', [
      {
        references: ['1534233'],
        subject: '[my-awesome-project]',
        notification: 'Ada Lovelace deleted tag xyz',
        attachments: [
          {
            text: '*Ada Lovelace* deleted tag `xyz`',
          },
        ],
      },
    ]))
  it('vulnerability_hook__confirmed', () =>
    kit.expectPosts('vulnerability_hook__confirmed', [
      {
        references: ['50/vulnerability/1'],
        subject: 'Vulnerability: REXML DoS vulnerability [Flight]',
        notification: 'Vulnerability REXML DoS vulnerability (high) is confirmed',
        attachments: [
          {
            text: 'Vulnerability <https://example.com/flightjs/Flight/-/security/vulnerabilities/1|REXML DoS vulnerability> (*high*) is confirmed',
            color: '#dd2b0e',
          },
        ],
      },
    ]))
  it('wiki_page_hook__create', () =>
    kit.expectPosts('wiki_page_hook__create', [
      {
        references: ['ada/my-awesome-project'],
        subject: '[my-awesome-project]',
        notification: 'Ada Lovelace created wiki page how to: Add the how-to page',
        attachments: [
          {
            text: '*Ada Lovelace* created wiki page <https://gitlab.com/ada/my-awesome-project/wikis/how-to|how to>: Add the how-to page',
            color: '#737278',
          },
        ],
      },
    ]))
  it('wiki_page_hook__update', () =>
    kit.expectPosts('wiki_page_hook__update', [
      {
        references: ['ada/my-awesome-project'],
        subject: '[my-awesome-project]',
        notification: 'Ada Lovelace edited wiki page how to',
        attachments: [
          {
            text: '*Ada Lovelace* edited wiki page <https://gitlab.com/ada/my-awesome-project/wikis/how-to|how to>',
            color: '#737278',
          },
        ],
      },
    ]))

  afterAll(() => kit.assertComplete())
})
