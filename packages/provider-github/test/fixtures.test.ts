import { afterAll, describe, it } from 'vitest'
import { fixtureKit, type ExpectedPost } from '@missive-integrations/core/testing'
import GitHub, { signRequest } from '../src/index.ts'

// One test per fixture: what GitHub's provider decides for each real payload (thread, subject,
// notification, attachments), written out in full. The kit adds the envelope every post shares
// (username, icons, notification title) and compares the exact Missive request.
const github = new GitHub()
const kit = fixtureKit(github, new URL('../fixtures/', import.meta.url), { sign: signRequest })

const NEW_BRANCH_POSTS: ExpectedPost[] = [
  {
    references: ['186853002/master'],
    subject: '[Hello-World:master]',
    notification: 'Codertocat created branch master and pushed 1 commit',
    attachments: [
      {
        pretext:
          '*Codertocat* created branch <https://github.com/Codertocat/Hello-World/tree/master|`master`> and pushed <https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246|1 commit>',
        text: '<https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246?w=1|`6113728`> Initial commit',
        color: '#0093ce',
      },
    ],
  },
]

describe('github fixtures', () => {
  it('branch_protection_rule__edited', () =>
    kit.expectPosts('branch_protection_rule__edited', [
      {
        references: ['17273051/master'],
        subject: '[octo-repo]',
        notification: 'Codertocat edited the branch protection rule for production: authorized actors only, authorized actor names',
        attachments: [
          {
            text: '*Codertocat* edited the branch protection rule for `production`: authorized actors only, authorized actor names',
            color: '#c6474e',
          },
        ],
      },
    ]))
  it('check_run__created', () => kit.expectSkip('check_run__created', 'only finished runs are posted; this one is queued or in progress'))
  it('check_run__failure', () =>
    kit.expectPosts('check_run__failure', [
      {
        references: ['186853002/changes'],
        subject: '[Hello-World:changes]',
        notification: 'Octocoders-linter failed on ec26c3e (changes)',
        attachments: [
          {
            text: '<https://github.com/Codertocat/Hello-World/runs/128620228|Octocoders-linter> failed on <https://github.com/Codertocat/Hello-World/commit/ec26c3e57ca3a959ca5aad62de7213c562f8c821?w=1|`ec26c3e`> (`changes`)',
            color: '#c6474e',
          },
        ],
      },
    ]))
  it('check_suite__success', () =>
    kit.expectSkip('check_suite__success', 'a passing run is posted only when it fixes a failure (a workflow re-run); nothing went wrong here'))
  it('code_scanning_alert__created', () =>
    kit.expectPosts('code_scanning_alert__created', [
      {
        references: ['337911632/code-scanning/10'],
        subject: 'Code scanning alert #10: Query built from user-controlled sources [Hello-World]',
        notification: 'Code scanning alert #10 was created on code-feature: error Query built from user-controlled sources (CodeQL)',
        attachments: [
          {
            text: '<https://github.com/Codertocat/Hello-World/security/code-scanning/10|Code scanning alert #10> was created on `code-feature`: *error* Query built from user-controlled sources (CodeQL)',
            color: '#c6474e',
          },
        ],
      },
    ]))
  it('code_scanning_alert__appeared_in_branch', () =>
    kit.expectPosts('code_scanning_alert__appeared_in_branch', [
      {
        references: ['337911632/code-scanning/10'],
        subject: 'Code scanning alert #10: Query built from user-controlled sources [Hello-World]',
        notification: 'Code scanning alert #10 appeared in branch main: error Query built from user-controlled sources (CodeQL)',
        attachments: [
          {
            text: '<https://github.com/Codertocat/Hello-World/security/code-scanning/10|Code scanning alert #10> appeared in branch `main`: *error* Query built from user-controlled sources (CodeQL)',
            color: '#c6474e',
          },
        ],
      },
    ]))
  it('code_scanning_alert__fixed', () =>
    kit.expectPosts('code_scanning_alert__fixed', [
      {
        references: ['337911632/code-scanning/10'],
        subject: 'Code scanning alert #10: Query built from user-controlled sources [Hello-World]',
        notification: 'Code scanning alert #10 was fixed in pull request #11: error Query built from user-controlled sources (CodeQL)',
        attachments: [
          {
            text: '<https://github.com/Codertocat/Hello-World/security/code-scanning/10|Code scanning alert #10> was fixed in pull request #11: *error* Query built from user-controlled sources (CodeQL)',
          },
        ],
      },
    ]))
  it('code_scanning_alert__reopened', () =>
    kit.expectPosts('code_scanning_alert__reopened', [
      {
        references: ['186853002/code-scanning/10'],
        subject:
          'Code scanning alert #10: Add the frozen_string_literal comment to the top of files to help transition to frozen string literals by default. [Hello-World]',
        notification:
          'Code scanning alert #10 was reopened on main: note Add the frozen_string_literal comment to the top of files to help transition to frozen string literals by default. (Rubocop)',
        attachments: [
          {
            text: '<https://github.com/Codertocat/Hello-World/security/code-scanning/10|Code scanning alert #10> was reopened on `main`: *note* Add the frozen_string_literal comment to the top of files to help transition to frozen string literals by default. (Rubocop)',
            color: '#c6474e',
          },
        ],
      },
    ]))
  it('code_scanning_alert__closed_by_user', () =>
    kit.expectPosts('code_scanning_alert__closed_by_user', [
      {
        references: ['337911632/code-scanning/10'],
        subject: 'Code scanning alert #10: CVE-2020-27218 Severity=Medium Package=http2-hpack Version=9.4.27.v20200227 [Hello-World]',
        notification:
          'Codertocat closed code scanning alert #10 as false positive: error CVE-2020-27218 Severity=Medium Package=http2-hpack Version=9.4.27.v20200227 (Anchore Container Vulnerability Report (T0))',
        attachments: [
          {
            text: '*Codertocat* closed <https://github.com/Codertocat/Hello-World/security/code-scanning/10|code scanning alert #10> as false positive: *error* CVE-2020-27218 Severity=Medium Package=http2-hpack Version=9.4.27.v20200227 (Anchore Container Vulnerability Report (T0))',
          },
        ],
      },
    ]))
  it('code_scanning_alert__reopened_by_user', () =>
    kit.expectPosts('code_scanning_alert__reopened_by_user', [
      {
        references: ['337911632/code-scanning/10'],
        subject: 'Code scanning alert #10: CVE-2020-27218 Severity=Medium Package=http2-hpack Version=9.4.27.v20200227 [Hello-World]',
        notification:
          'Codertocat reopened code scanning alert #10: error CVE-2020-27218 Severity=Medium Package=http2-hpack Version=9.4.27.v20200227 (Anchore Container Vulnerability Report (T0))',
        attachments: [
          {
            text: '*Codertocat* reopened <https://github.com/Codertocat/Hello-World/security/code-scanning/10|code scanning alert #10>: *error* CVE-2020-27218 Severity=Medium Package=http2-hpack Version=9.4.27.v20200227 (Anchore Container Vulnerability Report (T0))',
            color: '#c6474e',
          },
        ],
      },
    ]))
  it('commit_comment__created', () =>
    kit.expectPosts('commit_comment__created', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat commented on commit 6113728',
        attachments: [
          {
            pretext:
              '*Codertocat* <https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246#commitcomment-33548674|commented> on commit <https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246?w=1|`6113728`>',
            markdown: 'This is a really good change! :+1:',
            color: '#00acf0',
          },
        ],
      },
    ]))
  it('create__tag', () =>
    kit.expectPosts('create__tag', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat created tag simple-tag',
        attachments: [
          {
            text: '*Codertocat* created tag <https://github.com/Codertocat/Hello-World/tree/simple-tag|`simple-tag`>',
            color: '#0093ce',
          },
        ],
      },
    ]))
  it('delete__tag', () =>
    kit.expectPosts('delete__tag', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat deleted tag simple-tag',
        attachments: [
          {
            text: '*Codertocat* deleted tag `simple-tag`',
          },
        ],
      },
    ]))
  it('dependabot_alert__created', () =>
    kit.expectPosts('dependabot_alert__created', [
      {
        references: ['512875663/dependabot/20'],
        subject: 'Dependabot alert #20: semver [pika-pack]',
        notification: 'github created Dependabot alert #20: medium vulnerability in semver (semver vulnerable to Regular Expression Denial of Service)',
        attachments: [
          {
            text: '*github* created <https://github.com/wolfy1339/pika-pack/security/dependabot/20|Dependabot alert #20>: *medium* vulnerability in `semver` (semver vulnerable to Regular Expression Denial of Service)',
            color: '#c6474e',
          },
        ],
      },
    ]))
  it('deploy_key__created', () =>
    kit.expectPosts('deploy_key__created', [
      {
        references: ['135493233/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat added read-only deploy key hey-its-a-deploy-key',
        attachments: [
          {
            text: '*Codertocat* added read-only deploy key `hey-its-a-deploy-key`',
            color: '#c6474e',
          },
        ],
      },
    ]))
  it('deployment__created', () =>
    kit.expectPosts('deployment__created', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat started deploying f95f852 to production',
        attachments: [
          {
            text: '*Codertocat* started deploying <https://github.com/Codertocat/Hello-World/commit/f95f852bd8fca8fcc58a9a2d6c842781e32a215e?w=1|`f95f852`> to `production`',
            color: '#430098',
          },
        ],
      },
    ]))
  it('deployment_review__requested', () =>
    kit.expectPosts('deployment_review__requested', [
      {
        references: ['616901961/master'],
        subject: '[sample-app]',
        notification: 'ilmax is waiting for approval to deploy Build pull_request 3 by @ilmax to TST',
        attachments: [
          {
            text: '*ilmax* is waiting for approval to deploy <https://github.com/terraform-test-github/sample-app/actions/runs/5453085689|Build pull_request 3 by @ilmax> to `TST`',
            color: '#430098',
          },
        ],
      },
    ]))
  it('deployment_status__in_progress', () => kit.expectSkip('deployment_status__in_progress', 'only finished deployments (success, failure, error) are posted'))
  it('deployment_status__success', () =>
    kit.expectPosts('deployment_status__success', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat deployed f95f852 to production',
        attachments: [
          {
            text: '*Codertocat* deployed <https://github.com/Codertocat/Hello-World/commit/f95f852bd8fca8fcc58a9a2d6c842781e32a215e?w=1|`f95f852`> to production',
            color: '#430098',
          },
        ],
      },
    ]))
  it('discussion__answered', () =>
    kit.expectPosts('discussion__answered', [
      {
        references: ['186853002/4'],
        subject: '#4 TEST edit [Hello-World]',
        notification: 'Codertocat marked an answer by dan2wik on discussion #4',
        attachments: [
          {
            pretext:
              '*Codertocat* marked <https://github.com/Codertocat/Hello-World/discussions/4#discussioncomment-550561|an answer> by *dan2wik* on <https://github.com/Codertocat/Hello-World/discussions/4|discussion #4>',
            markdown: 'Poggers',
            color: '#009e61',
          },
        ],
      },
    ]))
  it('discussion__created', () =>
    kit.expectPosts('discussion__created', [
      {
        references: ['17273051/90'],
        subject: '#90 Welcome to discussions! [octo-repo]',
        notification: 'Codertocat started discussion #90 in General',
        attachments: [
          {
            pretext: '*Codertocat* started <https://github.com/octo-org/octo-repo/discussions/90|discussion #90> in *General*',
            title: 'Welcome to discussions!',
            title_link: 'https://github.com/octo-org/octo-repo/discussions/90',
            markdown: "We're glad to have you here!",
            color: '#de5c00',
          },
        ],
      },
    ]))
  it('discussion__labeled', () =>
    kit.expectPosts('discussion__labeled', [
      {
        references: ['186853002/4'],
        subject: '#4 TEST edit [Hello-World]',
        notification: 'Codertocat added label bug to discussion #4',
        attachments: [
          {
            text: '*Codertocat* added label `bug` to <https://github.com/Codertocat/Hello-World/discussions/4|discussion #4>',
          },
        ],
      },
    ]))
  it('discussion_comment__created', () =>
    kit.expectPosts('discussion_comment__created', [
      {
        references: ['17273051/90'],
        subject: '#90 Welcome to discussions! [octo-repo]',
        notification: 'Codertocat commented on discussion #90',
        attachments: [
          {
            pretext:
              '*Codertocat* <https://github.com/octo-org/octo-repo/discussions/90#discussioncomment-544078|commented> on <https://github.com/octo-org/octo-repo/discussions/90|discussion #90>',
            markdown: 'I have so many questions to ask you!',
            color: '#ff7d22',
          },
        ],
      },
    ]))
  it('fork__basic', () =>
    kit.expectPosts('fork__basic', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'Octocoders forked Hello-World to Octocoders/Hello-World',
        attachments: [
          {
            text: '*Octocoders* forked *Hello-World* to <https://github.com/Octocoders/Hello-World|Octocoders/Hello-World>',
          },
        ],
      },
    ]))
  it('github_app_authorization__revoked', () =>
    kit.expectSkip('github_app_authorization__revoked', 'only a GitHub App receives it, and it concerns the app, not the work in a repository'))
  it('gollum__edited', () =>
    kit.expectPosts('gollum__edited', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'rachmari updated the wiki: edited Home',
        attachments: [
          {
            text: '*rachmari* updated the wiki: edited <https://github.com/Codertocat/Hello-World/wiki/Home|Home>',
          },
        ],
      },
    ]))
  it('installation__created', () =>
    kit.expectSkip('installation__created', 'only a GitHub App receives it, and it concerns the app, not the work in a repository'))
  it('installation_repositories__added', () =>
    kit.expectSkip('installation_repositories__added', 'only a GitHub App receives it, and it concerns the app, not the work in a repository'))
  it('issue_comment__created', () =>
    kit.expectPosts('issue_comment__created', [
      {
        references: ['186853002/1'],
        subject: '#1 Spelling error in the README file [Hello-World]',
        notification: 'Codertocat commented on issue #1',
        attachments: [
          {
            pretext:
              '*Codertocat* <https://github.com/Codertocat/Hello-World/issues/1#issuecomment-492700400|commented> on <https://github.com/Codertocat/Hello-World/issues/1|issue #1>',
            markdown: "You are totally right! I'll get this fixed right away.",
            color: '#ff7d22',
          },
        ],
      },
    ]))
  it('issue_comment__edited', () =>
    kit.expectSkip('issue_comment__edited', 'edits are not posted: the conversation already holds what was written, and GitHub shows the latest version'))
  it('issues__assigned', () =>
    kit.expectPosts('issues__assigned', [
      {
        references: ['186853002/1'],
        subject: '#1 Spelling error in the README file [Hello-World]',
        notification: 'Codertocat assigned Codertocat to issue #1',
        attachments: [
          {
            text: '*Codertocat* assigned *Codertocat* to <https://github.com/Codertocat/Hello-World/issues/1|issue #1>',
            color: '#de5c00',
          },
        ],
      },
    ]))
  it('issues__labeled', () =>
    kit.expectPosts('issues__labeled', [
      {
        references: ['186853002/1'],
        subject: '#1 Spelling error in the README file [Hello-World]',
        notification: 'Codertocat added label bug to issue #1',
        attachments: [
          {
            text: '*Codertocat* added label `bug` to <https://github.com/Codertocat/Hello-World/issues/1|issue #1>',
            color: '#de5c00',
          },
        ],
      },
    ]))
  it('issues__milestoned', () =>
    kit.expectPosts('issues__milestoned', [
      {
        references: ['186853002/2'],
        subject: '#2 Update the README with new information. [Hello-World]',
        notification: 'Codertocat added issue #2 to milestone v1.0',
        attachments: [
          {
            text: '*Codertocat* added <https://github.com/Codertocat/Hello-World/pull/2|issue #2> to milestone <https://github.com/Codertocat/Hello-World/milestone/1|v1.0>',
            color: '#de5c00',
          },
        ],
      },
    ]))
  it('issues__opened', () =>
    kit.expectPosts('issues__opened', [
      {
        references: ['186853002/1'],
        subject: '#1 Spelling error in the README file [Hello-World]',
        notification: 'Codertocat opened issue #1',
        attachments: [
          {
            pretext: '*Codertocat* opened <https://github.com/Codertocat/Hello-World/issues/1|issue #1>',
            title: 'Spelling error in the README file',
            title_link: 'https://github.com/Codertocat/Hello-World/issues/1',
            markdown: "It looks like you accidently spelled 'commit' with two 't's.",
            color: '#de5c00',
          },
        ],
      },
    ]))
  it('issues__transferred', () =>
    kit.expectPosts('issues__transferred', [
      {
        references: ['17273051/1'],
        subject: '#1 Update package.json [octo-repo]',
        notification: 'Codertocat transferred issue #1 to Codertocat/Hello-World',
        attachments: [
          {
            text: '*Codertocat* transferred <https://github.com/octo-org/hello-world-npm/pull/1|issue #1> to <https://github.com/Codertocat/Hello-World/issues/1|Codertocat/Hello-World>',
            color: '#de5c00',
          },
        ],
      },
    ]))
  it('label__created', () =>
    kit.expectPosts('label__created', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat created label :bug: Bugfix',
        attachments: [
          {
            text: '*Codertocat* created label `:bug: Bugfix`',
          },
        ],
      },
    ]))
  it('marketplace_purchase__purchased', () =>
    kit.expectSkip('marketplace_purchase__purchased', 'only a GitHub App receives it, and it concerns the app, not the work in a repository'))
  it('member__added', () =>
    kit.expectPosts('member__added', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'hacktocat added hacktocat as a collaborator',
        attachments: [
          {
            text: '*hacktocat* added <https://github.com/hacktocat|hacktocat> as a collaborator',
          },
        ],
      },
    ]))
  it('membership__removed', () =>
    kit.expectPosts('membership__removed', [
      {
        references: ['org/38302899'],
        subject: '[Octocoders]',
        notification: 'Codertocat removed Codertocat from team github',
        attachments: [
          {
            text: '*Codertocat* removed <https://github.com/Codertocat|Codertocat> from team <https://github.com/orgs/Octocoders/teams/github|github>',
          },
        ],
      },
    ]))
  it('merge_group__checks_requested', () =>
    kit.expectSkip('merge_group__checks_requested', 'merge queue check requests are plumbing; the merged pull request is posted'))
  it('meta__deleted', () =>
    kit.expectPosts('meta__deleted', [
      {
        references: ['135493233/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat deleted this webhook (id 101047067); no more events will arrive from it',
        attachments: [
          {
            text: '*Codertocat* deleted this webhook (id 101047067); no more events will arrive from it',
            color: '#c6474e',
          },
        ],
      },
    ]))
  it('milestone__created', () =>
    kit.expectPosts('milestone__created', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat created milestone v1.0 (due 2019-05-23)',
        attachments: [
          {
            text: '*Codertocat* created milestone <https://github.com/Codertocat/Hello-World/milestone/1|v1.0> (due 2019-05-23)',
          },
        ],
      },
    ]))
  it('org_block__blocked', () =>
    kit.expectPosts('org_block__blocked', [
      {
        references: ['org/38302899'],
        subject: '[Octocoders]',
        notification: 'Octocoders blocked hacktocat',
        attachments: [
          {
            text: '*Octocoders* blocked <https://github.com/hacktocat|hacktocat>',
            color: '#c6474e',
          },
        ],
      },
    ]))
  it('organization__member_added', () =>
    kit.expectPosts('organization__member_added', [
      {
        references: ['org/38302899'],
        subject: '[Octocoders]',
        notification: 'Codertocat added hacktocat to the organization as member',
        attachments: [
          {
            text: '*Codertocat* added <https://github.com/hacktocat|hacktocat> to the organization as member',
          },
        ],
      },
    ]))
  it('package__published', () =>
    kit.expectPosts('package__published', [
      {
        references: ['185882436/master'],
        subject: '[hello-world-npm]',
        notification: 'Codertocat published package hello-world-npm 1.0.0',
        attachments: [
          {
            text: '*Codertocat* published package <https://github.com/Codertocat/hello-world-npm/packages/10696|hello-world-npm> `1.0.0`',
            color: '#430098',
          },
        ],
      },
    ]))
  it('page_build__built', () =>
    kit.expectPosts('page_build__built', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'GitHub Pages built https://codertocat.github.io/Hello-World',
        attachments: [
          {
            text: 'GitHub Pages built <https://codertocat.github.io/Hello-World>',
          },
        ],
      },
    ]))
  it('ping__basic', () => kit.expectSkip('ping__basic', 'ping only checks that the endpoint answers; nothing to post'))
  it('project__created', () =>
    kit.expectPosts('project__created', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat created project Space 2.0',
        attachments: [
          {
            text: '*Codertocat* created project <https://github.com/Codertocat/Hello-World/projects/1|Space 2.0>',
          },
        ],
      },
    ]))
  it('project_card__created', () =>
    kit.expectPosts('project_card__created', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat created project card “Work that can be completed in one hour or less.”',
        attachments: [
          {
            text: '*Codertocat* created project card “Work that can be completed in one hour or less.”',
          },
        ],
      },
    ]))
  it('project_column__created', () =>
    kit.expectPosts('project_column__created', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat created project column Small bugfixes',
        attachments: [
          {
            text: '*Codertocat* created project column `Small bugfixes`',
          },
        ],
      },
    ]))
  it('projects_v2_item__created', () =>
    kit.expectPosts('projects_v2_item__created', [
      {
        references: ['org/4'],
        subject: '[github]',
        notification: 'monalisa added a draft issue in project PVT_kwAEAQ',
        attachments: [
          {
            text: '*monalisa* added a draft issue in project `PVT_kwAEAQ`',
          },
        ],
      },
    ]))
  it('public__basic', () =>
    kit.expectPosts('public__basic', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat made Codertocat/Hello-World public',
        attachments: [
          {
            text: '*Codertocat* made <https://github.com/Codertocat/Hello-World|Codertocat/Hello-World> public',
          },
        ],
      },
    ]))
  // Derived: repository.full_name removed; the name is rebuilt from owner.login and name.
  it('public__without_full_name', () =>
    kit.expectPosts('public__without_full_name', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat made Codertocat/Hello-World public',
        attachments: [{ text: '*Codertocat* made <https://github.com/Codertocat/Hello-World|Codertocat/Hello-World> public' }],
      },
    ]))
  it('pull_request__closed', () =>
    kit.expectPosts('pull_request__closed', [
      {
        references: ['186853002/changes', '186853002/2'],
        subject: '#2 Update the README with new information. [Hello-World:changes]',
        update_existing_conversation_subject: true,
        notification: 'Codertocat closed pull request #2',
        attachments: [
          {
            text: '*Codertocat* closed <https://github.com/Codertocat/Hello-World/pull/2|pull request #2>',
          },
        ],
      },
    ]))
  it('pull_request__converted_to_draft', () =>
    kit.expectPosts('pull_request__converted_to_draft', [
      {
        references: ['186853002/changes', '186853002/2'],
        subject: '#2 Update the README with new information. [Hello-World:changes]',
        update_existing_conversation_subject: true,
        notification: 'Codertocat converted pull request #2 to a draft',
        attachments: [
          {
            text: '*Codertocat* converted <https://github.com/Codertocat/Hello-World/pull/2|pull request #2> to a draft',
            color: '#009e61',
          },
        ],
      },
    ]))
  it('pull_request__labeled', () =>
    kit.expectPosts('pull_request__labeled', [
      {
        references: ['186853002/changes', '186853002/2'],
        subject: '#2 Update the README with new information. [Hello-World:changes]',
        update_existing_conversation_subject: true,
        notification: 'Codertocat added label bug to pull request #2',
        attachments: [
          {
            text: '*Codertocat* added label `bug` to <https://github.com/Codertocat/Hello-World/pull/2|pull request #2>',
            color: '#009e61',
          },
        ],
      },
    ]))
  it('pull_request__merged', () =>
    kit.expectPosts('pull_request__merged', [
      {
        references: ['186853002/changes', '186853002/2'],
        subject: '#2 Update the README with new information. [Hello-World:changes]',
        update_existing_conversation_subject: true,
        notification: 'Codertocat merged pull request #2',
        attachments: [
          {
            text: '*Codertocat* merged <https://github.com/Codertocat/Hello-World/pull/2|pull request #2>',
            color: '#009e61',
          },
        ],
      },
    ]))
  it('pull_request__opened', () =>
    kit.expectPosts('pull_request__opened', [
      {
        references: ['186853002/changes', '186853002/2'],
        subject: '#2 Update the README with new information. [Hello-World:changes]',
        update_existing_conversation_subject: true,
        notification: 'Codertocat opened pull request #2',
        attachments: [
          {
            pretext: '*Codertocat* opened <https://github.com/Codertocat/Hello-World/pull/2|pull request #2>',
            title: 'Update the README with new information.',
            title_link: 'https://github.com/Codertocat/Hello-World/pull/2',
            markdown: 'This is a pretty simple change that we need to pull into master.',
            color: '#009e61',
          },
        ],
      },
    ]))
  // Derived: a pull request template's HTML comments (one unterminated) around the real body.
  it('pull_request__opened_with_template', () =>
    kit.expectPosts('pull_request__opened_with_template', [
      {
        references: ['186853002/changes', '186853002/2'],
        subject: '#2 Update the README with new information. [Hello-World:changes]',
        update_existing_conversation_subject: true,
        notification: 'Codertocat opened pull request #2',
        attachments: [
          {
            pretext: '*Codertocat* opened <https://github.com/Codertocat/Hello-World/pull/2|pull request #2>',
            title: 'Update the README with new information.',
            title_link: 'https://github.com/Codertocat/Hello-World/pull/2',
            markdown:
              '## What\nThis is a pretty simple change that we need to pull into master.\n\n## Why\nCloses #1\n\n```html\n<!-- this comment is part of the sample and stays -->\n```',
            color: '#009e61',
          },
        ],
      },
    ]))
  it('pull_request__opened_by_dependabot', () =>
    kit.expectPosts('pull_request__opened_by_dependabot', [
      {
        references: ['186853002/dependabot/npm_and_yarn/lodash-4.17.21', '186853002/2'],
        subject: '#2 Bump lodash from 4.17.20 to 4.17.21 [Hello-World:dependabot/npm_and_yarn/lodash-4.17.21]',
        update_existing_conversation_subject: true,
        notification: 'dependabot[bot] opened pull request #2',
        attachments: [
          {
            pretext: '*dependabot[bot]* opened <https://github.com/Codertocat/Hello-World/pull/2|pull request #2>',
            title: 'Bump lodash from 4.17.20 to 4.17.21',
            title_link: 'https://github.com/Codertocat/Hello-World/pull/2',
            markdown: 'Bumps lodash from 4.17.20 to 4.17.21.',
            color: '#009e61',
          },
        ],
      },
    ]))
  it('pull_request__opened_from_fork', () =>
    kit.expectPosts('pull_request__opened_from_fork', [
      {
        references: ['186853002/2'],
        subject: '#2 Update the README with new information <https://evil.example|click> [Hello-World]',
        update_existing_conversation_subject: true,
        notification: 'Codertocat opened pull request #2',
        attachments: [
          {
            pretext: '*Codertocat* opened <https://github.com/Codertocat/Hello-World/pull/2|pull request #2>',
            title: 'Update the README with new information ‹https://evil.example∣click›',
            title_link: 'https://github.com/Codertocat/Hello-World/pull/2',
            markdown: 'This is a pretty simple change that we need to pull into master.',
            color: '#009e61',
          },
        ],
      },
    ]))
  it('pull_request__ready_for_review', () =>
    kit.expectPosts('pull_request__ready_for_review', [
      {
        references: ['186853002/changes', '186853002/2'],
        subject: '#2 Update the README with new information. [Hello-World:changes]',
        update_existing_conversation_subject: true,
        notification: 'Codertocat marked pull request #2 as ready for review',
        attachments: [
          {
            text: '*Codertocat* marked <https://github.com/Codertocat/Hello-World/pull/2|pull request #2> as ready for review',
            color: '#009e61',
          },
        ],
      },
    ]))
  it('pull_request__review_requested', () =>
    kit.expectPosts('pull_request__review_requested', [
      {
        references: ['186853002/changes', '186853002/2'],
        subject: '#2 Update the README with new information. [Hello-World:changes]',
        update_existing_conversation_subject: true,
        notification: 'Codertocat requested a review from octocat on pull request #2',
        attachments: [
          {
            text: '*Codertocat* requested a review from *octocat* on <https://github.com/Codertocat/Hello-World/pull/2|pull request #2>',
            color: '#009e61',
          },
        ],
      },
    ]))
  it('pull_request__synchronize', () =>
    kit.expectSkip('pull_request__synchronize', 'commits to a same-repository pull request are posted by the push event, in the same conversation'))
  it('pull_request_review__approved', () =>
    kit.expectPosts('pull_request_review__approved', [
      {
        references: ['186853002/changes', '186853002/2'],
        subject: '#2 Update the README with new information. [Hello-World:changes]',
        notification: 'Codertocat approved pull request #2',
        attachments: [
          {
            pretext:
              '*Codertocat* <https://github.com/Codertocat/Hello-World/pull/2#pullrequestreview-237895671|approved> <https://github.com/Codertocat/Hello-World/pull/2|pull request #2>',
            color: '#009e61',
          },
        ],
      },
    ]))
  it('pull_request_review__changes_requested', () =>
    kit.expectPosts('pull_request_review__changes_requested', [
      {
        references: ['186853002/changes', '186853002/2'],
        subject: '#2 Update the README with new information. [Hello-World:changes]',
        notification: 'Codertocat requested changes on pull request #2',
        attachments: [
          {
            pretext:
              '*Codertocat* <https://github.com/Codertocat/Hello-World/pull/2#pullrequestreview-237895671|requested changes> on <https://github.com/Codertocat/Hello-World/pull/2|pull request #2>',
            markdown: 'Please add a test for the *new* section.',
            color: '#c6474e',
          },
        ],
      },
    ]))
  it('pull_request_review__commented_without_body', () =>
    kit.expectSkip('pull_request_review__commented_without_body', 'a review with only line comments is posted through its pull_request_review_comment events'))
  it('pull_request_review__dismissed', () =>
    kit.expectPosts('pull_request_review__dismissed', [
      {
        references: ['186853002/changes', '186853002/2'],
        subject: '#2 Update the README with new information. [Hello-World:changes]',
        notification: 'Codertocat dismissed Codertocat’s review on pull request #2',
        attachments: [
          {
            text: '*Codertocat* dismissed *Codertocat*’s <https://github.com/Codertocat/Hello-World/pull/2#pullrequestreview-237895671|review> on <https://github.com/hellomouse/GNS/pull/902|pull request #2>',
          },
        ],
      },
    ]))
  it('pull_request_review_comment__created', () =>
    kit.expectPosts('pull_request_review_comment__created', [
      {
        references: ['186853002/changes', '186853002/2'],
        subject: '#2 Update the README with new information. [Hello-World:changes]',
        notification: 'Codertocat commented on README.md in pull request #2',
        attachments: [
          {
            pretext:
              '*Codertocat* <https://github.com/Codertocat/Hello-World/pull/2#discussion_r284312630|commented> on `README.md` in <https://github.com/Codertocat/Hello-World/pull/2|pull request #2>',
            markdown: 'Maybe you should use more emoji on this line.',
            color: '#00c76e',
          },
        ],
      },
    ]))
  it('pull_request_review_thread__resolved', () =>
    kit.expectPosts('pull_request_review_thread__resolved', [
      {
        references: ['280886604/issue-comment', '280886604/118'],
        subject: '#118 Create issue-comment [octo-repo:issue-comment]',
        notification: 'octocat resolved a review thread on issue-comment in pull request #118',
        attachments: [
          {
            text: '*octocat* resolved <https://github.com/octo-org/octo-repo/pull/118#discussion_r820867280|a review thread> on `issue-comment` in <https://github.com/octo-org/octo-repo/pull/118|pull request #118>',
          },
        ],
      },
    ]))
  it('push__deleted_branch', () =>
    kit.expectPosts('push__deleted_branch', [
      {
        references: ['186853002/feature/old-experiment'],
        subject: '[Hello-World:feature/old-experiment]',
        notification: 'Codertocat deleted branch feature/old-experiment',
        attachments: [
          {
            text: '*Codertocat* deleted branch `feature/old-experiment`',
          },
        ],
      },
    ]))
  it('push__force_push', () =>
    kit.expectPosts('push__force_push', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World:master]',
        notification: 'Codertocat force-pushed master to 6113728',
        attachments: [
          {
            text: '*Codertocat* force-pushed <https://github.com/Codertocat/Hello-World/tree/master|`master`> to <https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246?w=1|`6113728`>',
            color: '#0093ce',
          },
        ],
      },
    ]))
  it('push__many_commits', () =>
    kit.expectPosts('push__many_commits', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World:master]',
        notification: 'Codertocat pushed 23 commits to master',
        attachments: [
          {
            pretext:
              '*Codertocat* pushed <https://github.com/Codertocat/Hello-World/compare/6113728f27ae...dbe420b93045|23 commits> to <https://github.com/Codertocat/Hello-World/tree/master|`master`>',
            text: '<https://github.com/Codertocat/Hello-World/commit/686780cab026a3d61fc1ba4c33dd7a1ff49274e7?w=1|`686780c`> Step 1 of the launch checklist\n<https://github.com/Codertocat/Hello-World/commit/0f98b1f7eda33a4e9cfaab09506aa8094044085f?w=1|`0f98b1f`> Step 2 of the launch checklist - monalisa\n<https://github.com/Codertocat/Hello-World/commit/78b3ba12002f9cab5cbb57fac87d8c703702a196?w=1|`78b3ba1`> Step 3 of the launch checklist\n<https://github.com/Codertocat/Hello-World/commit/512572f7a6f150f3e8d2734f94ee4b49ae4f67ee?w=1|`512572f`> Step 4 of the launch checklist\n<https://github.com/Codertocat/Hello-World/commit/1bcfb39c7785c36d680bf0f930b4884f9ee8629a?w=1|`1bcfb39`> Step 5 of the launch checklist\n<https://github.com/Codertocat/Hello-World/commit/3633d884b9fa73308fd30ad256312f4a802f86e9?w=1|`3633d88`> Step 6 of the launch checklist\n<https://github.com/Codertocat/Hello-World/commit/6eaf654e6fbe469b719459e3f937a607ecbed180?w=1|`6eaf654`> Step 7 of the launch checklist\n<https://github.com/Codertocat/Hello-World/commit/99ecd36e9878c0da63346ca80792c0a324775211?w=1|`99ecd36`> Step 8 of the launch checklist\n<https://github.com/Codertocat/Hello-World/commit/e74ec615d6cbd420c830a129e283b1c6fa5ab6da?w=1|`e74ec61`> Step 9 of the launch checklist\n<https://github.com/Codertocat/Hello-World/commit/64d7d56c1d145e2bdddd8634cda0a7ee9e5c5ffa?w=1|`64d7d56`> Step 10 of the launch checklist\n<https://github.com/Codertocat/Hello-World/commit/6ee34ae8593603cf605f570020c806ccb8e459eb?w=1|`6ee34ae`> Step 11 of the launch checklist\n<https://github.com/Codertocat/Hello-World/commit/61a56374d4587c63901e38796b955ef902b6c228?w=1|`61a5637`> Step 12 of the launch checklist\n<https://github.com/Codertocat/Hello-World/commit/224f844a2a602eb8bb9fd41f6c611a2d6382835f?w=1|`224f844`> Step 13 of the launch checklist\n<https://github.com/Codertocat/Hello-World/commit/3ae92386682ad8720871add85059178e746f6857?w=1|`3ae9238`> Step 14 of the launch checklist\n<https://github.com/Codertocat/Hello-World/commit/8380b46ae12fc9eff182481de80f2d001e4254de?w=1|`8380b46`> Step 15 of the launch checklist\n<https://github.com/Codertocat/Hello-World/commit/b750a269b9d5db056a346a6d321a67e120511050?w=1|`b750a26`> Step 16 of the launch checklist\n<https://github.com/Codertocat/Hello-World/commit/cc53176cc5844df27cb0683557ad3609eabb15b6?w=1|`cc53176`> Step 17 of the launch checklist\n<https://github.com/Codertocat/Hello-World/commit/9fb8fb73da4902a42252c4e56c95e823b1cc1c60?w=1|`9fb8fb7`> Step 18 of the launch checklist\n<https://github.com/Codertocat/Hello-World/commit/606c45af996b14ade8ba0fa33072c498ea651dd0?w=1|`606c45a`> Step 19 of the launch checklist\n<https://github.com/Codertocat/Hello-World/commit/c7a995235d1d07eaea9302bdd83d6ccfccfd50f9?w=1|`c7a9952`> Step 20 of the launch checklist\nand <https://github.com/Codertocat/Hello-World/compare/6113728f27ae...dbe420b93045|3 more>',
            color: '#0093ce',
          },
        ],
      },
    ]))
  it('push__merge_queue', () =>
    kit.expectSkip('push__merge_queue', 'merge queue branches (gh-readonly-queue/…) are temporary; the merged pull request is posted'))
  it('push__missive_link', () =>
    kit.expectPosts('push__missive_link', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World:master]',
        notification: 'Codertocat pushed 1 commit to master',
        attachments: [
          {
            pretext:
              '*Codertocat* pushed <https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246|1 commit> to <https://github.com/Codertocat/Hello-World/tree/master|`master`>',
            text: '<https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246?w=1|`6113728`> Fix the lunar lander checklist',
            color: '#0093ce',
          },
        ],
      },
      {
        conversation: '0f6a6b36-3c3c-4c4e-9a53-2f5f0e5e8d11',
        notification: 'Codertocat referenced this conversation in Codertocat/Hello-World@6113728',
        attachments: [
          {
            text: '*Codertocat* referenced this conversation in <https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246?w=1|`Codertocat/Hello-World@6113728`>',
            color: '#0093ce',
          },
        ],
      },
    ]))
  it('push__new_branch', () => kit.expectPosts('push__new_branch', NEW_BRANCH_POSTS))
  // Derived: sender removed; the pusher (name) is named instead.
  it('push__without_sender', () => kit.expectPosts('push__without_sender', NEW_BRANCH_POSTS))
  it('push__tag', () => kit.expectSkip('push__tag', 'tag pushes are posted from the create and delete events'))
  it('release__prereleased', () =>
    kit.expectPosts('release__prereleased', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat pre-released 0.0.1',
        attachments: [
          {
            pretext: '*Codertocat* pre-released <https://github.com/Codertocat/Hello-World/releases/tag/0.0.1|0.0.1>',
            color: '#430098',
          },
        ],
      },
    ]))
  it('release__published', () => kit.expectSkip('release__published', 'a release is posted once, from the released or prereleased action GitHub sends with it'))
  it('release__released', () =>
    kit.expectPosts('release__released', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat released 0.0.1',
        attachments: [
          {
            pretext: '*Codertocat* released <https://github.com/Codertocat/Hello-World/releases/tag/0.0.1|0.0.1>',
            color: '#430098',
          },
        ],
      },
    ]))
  it('repository__renamed', () =>
    kit.expectPosts('repository__renamed', [
      {
        references: ['186853261/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat renamed Hello-World to Octocoders/Hello-World',
        attachments: [
          {
            text: '*Codertocat* renamed `Hello-World` to <https://github.com/Octocoders/Hello-World|Octocoders/Hello-World>',
          },
        ],
      },
    ]))
  it('repository__transferred', () =>
    kit.expectPosts('repository__transferred', [
      {
        references: ['186853261/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat transferred Octocoders/Hello-World from octocat',
        attachments: [
          {
            text: '*Codertocat* transferred <https://github.com/Octocoders/Hello-World|Octocoders/Hello-World> from *octocat*',
            color: '#c6474e',
          },
        ],
      },
    ]))
  it('repository_dispatch__custom', () =>
    kit.expectPosts('repository_dispatch__custom', [
      {
        references: ['17273051/master'],
        subject: '[octo-repo]',
        notification: 'Codertocat sent on-demand-test to octo-repo (master)',
        attachments: [
          {
            text: '*Codertocat* sent `on-demand-test` to *octo-repo* (`master`)',
          },
        ],
      },
    ]))
  it('repository_import__success', () =>
    kit.expectPosts('repository_import__success', [
      {
        references: ['135493233/master'],
        subject: '[Hello-World]',
        notification: 'Import into Codertocat/Hello-World: success',
        attachments: [
          {
            text: 'Import into <https://github.com/Codertocat/Hello-World|Codertocat/Hello-World>: success',
            color: '#2cbe4e',
          },
        ],
      },
    ]))
  it('repository_vulnerability_alert__create', () =>
    kit.expectPosts('repository_vulnerability_alert__create', [
      {
        references: ['186853002/vulnerability/91095730'],
        subject: 'Vulnerability alert: rack [Hello-World]',
        notification: 'New vulnerability alert: moderate CVE-2018-16470 in rack >= 2.0.4, < 2.0.6, fixed in 2.0.6',
        attachments: [
          {
            text: 'New vulnerability alert: *moderate* <https://nvd.nist.gov/vuln/detail/CVE-2018-16470|CVE-2018-16470> in `rack` `›= 2.0.4, ‹ 2.0.6`, fixed in 2.0.6',
            color: '#c6474e',
          },
        ],
      },
    ]))
  it('secret_scanning_alert__reopened', () =>
    kit.expectPosts('secret_scanning_alert__reopened', [
      {
        references: ['257423561/secret-scanning/191'],
        subject: 'Secret scanning alert #191: adafruit_io_key [Hello-World]',
        notification: 'Codertocat reopened secret scanning alert #191: adafruit_io_key exposed',
        attachments: [
          {
            text: '*Codertocat* reopened <https://github.com/Codertocat/Hello-World/security/secret-scanning/191|secret scanning alert #191>: `adafruit_io_key` exposed',
            color: '#c6474e',
          },
        ],
      },
    ]))
  it('security_advisory__published', () =>
    kit.expectPosts('security_advisory__published', [
      {
        references: ['advisories/GHSA-rf4j-j272-fj86'],
        subject: 'GHSA-rf4j-j272-fj86: Moderate severity vulnerability that affects django',
        notification: 'Advisory GHSA-rf4j-j272-fj86 published: moderate Moderate severity vulnerability that affects django (django)',
        attachments: [
          {
            text: 'Advisory <https://github.com/advisories/GHSA-rf4j-j272-fj86|GHSA-rf4j-j272-fj86> published: *moderate* Moderate severity vulnerability that affects django (django)',
            color: '#c6474e',
          },
        ],
      },
    ]))
  it('sponsorship__created', () =>
    kit.expectPosts('sponsorship__created', [
      {
        references: ['sponsors/5'],
        subject: '[sponsors:octocat]',
        notification: 'monalisa started sponsoring octocat ($5 a month)',
        attachments: [
          {
            text: '<https://github.com/monalisa|monalisa> started sponsoring *octocat* ($5 a month)',
            color: '#2cbe4e',
          },
        ],
      },
    ]))
  it('star__created', () =>
    kit.expectPosts('star__created', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat starred Hello-World',
        attachments: [
          {
            text: '*Codertocat* starred *Hello-World*',
          },
        ],
      },
    ]))
  it('status__failure', () =>
    kit.expectPosts('status__failure', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World:master]',
        notification: 'default failed on 6113728 (master): Build failed <https://evil.example|click>',
        attachments: [
          {
            text: '<https://ci.example.com/builds/1|default> failed on <https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246?w=1|`6113728`> (`master`): Build failed ‹https://evil.example∣click›',
            color: '#c6474e',
          },
        ],
      },
    ]))
  it('status__success', () => kit.expectSkip('status__success', 'only failed statuses (failure, error) are posted; pending and success are not news'))
  it('team__added_to_repository', () =>
    kit.expectPosts('team__added_to_repository', [
      {
        references: ['186853261/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat gave team github access to Hello-World',
        attachments: [
          {
            text: '*Codertocat* gave team <https://github.com/orgs/Octocoders/teams/github|github> access to *Hello-World*',
          },
        ],
      },
    ]))
  it('team__edited', () =>
    kit.expectPosts('team__edited', [
      {
        references: ['org/38302899'],
        subject: '[Octocoders]',
        notification:
          'Codertocat edited team github: renamed it from “octo-team”, changed its description to “Open-source team”, changed its visibility from visible to secret',
        attachments: [
          {
            text: '*Codertocat* edited team <https://github.com/orgs/Octocoders/teams/github|github>: renamed it from “octo-team”, changed its description to “Open-source team”, changed its visibility from visible to secret',
          },
        ],
      },
    ]))
  it('team__edited_repository_permissions', () =>
    kit.expectPosts('team__edited_repository_permissions', [
      {
        references: ['186853261/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat edited team github: changed its access on Octocoders/Hello-World from read to write',
        attachments: [
          {
            text: '*Codertocat* edited team <https://github.com/orgs/Octocoders/teams/github|github>: changed its access on *Octocoders/Hello-World* from `read` to `write`',
          },
        ],
      },
    ]))
  it('team_add__basic', () =>
    kit.expectPosts('team_add__basic', [
      {
        references: ['186853261/master'],
        subject: '[Hello-World]',
        notification: 'Octocoders gave team github access to Hello-World',
        attachments: [
          {
            text: '*Octocoders* gave team <https://github.com/orgs/Octocoders/teams/github|github> access to *Hello-World*',
          },
        ],
      },
    ]))
  it('watch__started', () =>
    kit.expectPosts('watch__started', [
      {
        references: ['186853002/master'],
        subject: '[Hello-World]',
        notification: 'Codertocat started watching Hello-World',
        attachments: [
          {
            text: '*Codertocat* started watching *Hello-World*',
          },
        ],
      },
    ]))
  it('workflow_dispatch__basic', () =>
    kit.expectPosts('workflow_dispatch__basic', [
      {
        references: ['6811672/master'],
        subject: '[octo-repo]',
        notification: 'octocat ran workflow hello-world-workflow.yml on main',
        attachments: [
          {
            text: '*octocat* ran workflow <https://github.com/octo-org/octo-repo/actions|`hello-world-workflow.yml`> on `main`',
          },
        ],
      },
    ]))
  it('workflow_job__completed', () =>
    kit.expectSkip('workflow_job__completed', 'jobs are reported as a whole by workflow_run (failures, and fixes after a re-run)'))
  it('workflow_run__failure', () =>
    kit.expectPosts('workflow_run__failure', [
      {
        references: ['300029405/master'],
        subject: '[octo-repo:master]',
        notification: 'test #163 failed on 3484a3f (master)',
        attachments: [
          {
            text: '<https://github.com/octo-org/octo-repo/actions/runs/289782451|test #163> failed on <https://github.com/octo-org/octo-repo/commit/3484a3fb816e0859fd6e1cea078d76385ff50625?w=1|`3484a3f`> (`master`)',
            color: '#c6474e',
          },
        ],
      },
    ]))
  it('workflow_run__fixed_by_rerun', () =>
    kit.expectPosts('workflow_run__fixed_by_rerun', [
      {
        references: ['300029405/master'],
        subject: '[octo-repo:master]',
        notification: 'test #163 passed on 3484a3f (master) after 2 attempts',
        attachments: [
          {
            text: '<https://github.com/octo-org/octo-repo/actions/runs/289782451|test #163> passed on <https://github.com/octo-org/octo-repo/commit/3484a3fb816e0859fd6e1cea078d76385ff50625?w=1|`3484a3f`> (`master`) after 2 attempts',
            color: '#2cbe4e',
          },
        ],
      },
    ]))
  it('workflow_run__success', () =>
    kit.expectSkip('workflow_run__success', 'a passing run is posted only when it fixes a failure (a workflow re-run); nothing went wrong here'))

  it('delivers a form-encoded push (payload=<json>) like a JSON one', () => kit.expectPosts('push__new_branch', NEW_BRANCH_POSTS, { form: true }))

  it('accepts a signed delivery with the endpoint secret', () =>
    kit.expectPosts('push__new_branch', NEW_BRANCH_POSTS, { secrets: ["It's a Secret to Everybody"] }))

  afterAll(() => kit.assertComplete())
})
