/**
 * Events about a repository as a whole. They all go to the repository's conversation,
 * `REPO_ID/master`, subject `[repo]`, as in the hosted integration.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads
 */
import { bold, code, codeLink, join, lines, link, rich, skip, type ProcessOutput, type RichText } from '@missive-integrations/core'
import { SKIP_RULES } from '../events.js'
import { actor, body, COLORS, commitLink, headed, readRepo, repositoryThread, sentence, urlPath, userLink, words, type Delivery } from './shared.js'

/** @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#commit_comment */
export function commitComment({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const comment = p.object('comment')
  const line = comment.optionalNumber('line')
  const pretext = rich`${actor(p)} ${link(comment.string('html_url'), 'commented')} on commit ${commitLink(repo, comment.string('commit_id'))}${line === undefined ? '' : ` on line ${line}`}`
  return headed(repositoryThread(repo), pretext, { markdown: body(comment.optionalString('body')), color: COLORS.commitComment })
}

/** A new tag (new branches are posted by push). @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#create */
export function create({ p }: Delivery): ProcessOutput {
  if (p.string('ref_type') !== 'tag') return skip(SKIP_RULES.branchRef)
  const repo = readRepo(p)
  const tag = p.string('ref')
  return sentence(repositoryThread(repo), rich`${actor(p)} created tag ${codeLink(`${repo.url}/tree/${urlPath(tag)}`, tag)}`, COLORS.commit)
}

/** A deleted tag (deleted branches are posted by push). @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#delete */
export function deleteRef({ p }: Delivery): ProcessOutput {
  if (p.string('ref_type') !== 'tag') return skip(SKIP_RULES.branchRef)
  const repo = readRepo(p)
  return sentence(repositoryThread(repo), rich`${actor(p)} deleted tag ${code(p.string('ref'))}`)
}

/** @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#fork */
export function fork({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const forkee = readRepo(p, 'forkee')
  return sentence(repositoryThread(repo), rich`${actor(p)} forked ${bold(repo.name)} to ${link(forkee.url, forkee.fullName)}`)
}

/** @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#public */
export function publicized({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  return sentence(repositoryThread(repo), rich`${actor(p)} made ${link(repo.url, repo.fullName)} public`)
}

/** Created, archived, renamed, transferred, deleted, made public or private… @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#repository */
export function repository({ p, action = 'updated' }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const name = link(repo.url, repo.fullName)
  let text: RichText
  switch (action) {
    case 'renamed':
      text = rich`${actor(p)} renamed ${code(p.string('changes.repository.name.from'))} to ${name}`
      break
    case 'transferred': {
      const from = p.optionalString('changes.owner.from.user.login') ?? p.optionalString('changes.owner.from.organization.login')
      text = from ? rich`${actor(p)} transferred ${name} from ${bold(from)}` : rich`${actor(p)} transferred ${name}`
      break
    }
    case 'publicized':
      text = rich`${actor(p)} made ${name} public`
      break
    case 'privatized':
      text = rich`${actor(p)} made ${name} private`
      break
    case 'edited':
      text = rich`${actor(p)} edited the settings of ${name}: ${
        Object.keys(p.optionalObject('changes')?.value ?? {})
          .map(words)
          .join(', ') || 'no visible change'
      }`
      break
    default:
      text = rich`${actor(p)} ${words(action)} ${name}`
  }
  const alarming = action === 'deleted' || action === 'publicized' || action === 'transferred'
  return sentence(repositoryThread(repo), text, alarming ? COLORS.rejected : undefined)
}

/** Released, pre-released, deleted, edited, unpublished. @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#release */
export function release({ p, action = 'updated' }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const release = p.object('release')
  const tag = release.string('tag_name')
  const title = release.optionalString('name') || tag
  const named = link(release.optionalString('html_url'), title)
  const version = title === tag ? rich`${named}` : rich`${named} (${code(tag)})`
  const thread = repositoryThread(repo)
  if (action === 'released' || action === 'prereleased') {
    const pretext = rich`${actor(p)} ${action === 'released' ? 'released' : 'pre-released'} ${version}`
    return headed(thread, pretext, { markdown: body(release.optionalString('body')), color: COLORS.deploy })
  }
  return sentence(thread, rich`${actor(p)} ${words(action)} release ${version}`)
}

/** @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#package */
export function packagePublished({ p, action = 'published' }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const pkg = p.object('package')
  const version = pkg.optionalString('package_version.version')
  const name = link(pkg.optionalString('html_url'), pkg.string('name'))
  const text = version ? rich`${actor(p)} ${words(action)} package ${name} ${code(version)}` : rich`${actor(p)} ${words(action)} package ${name}`
  return sentence(repositoryThread(repo), text, COLORS.deploy)
}

/** Wiki pages created or edited. @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#gollum */
export function gollum({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const pages = p.objects('pages').map((page) => rich`${page.string('action')} ${link(page.optionalString('html_url'), page.string('title'))}`)
  const text = rich`${actor(p)} updated the wiki: ${join(pages, ', ')}`
  return sentence(repositoryThread(repo), text)
}

/** @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#page_build */
export function pageBuild({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const status = p.string('build.status')
  const site = link(`https://${p.string('repository.owner.login').toLowerCase()}.github.io/${repo.name}`)
  if (status === 'built') return sentence(repositoryThread(repo), rich`GitHub Pages built ${site}`)
  if (status === 'errored') {
    const message = p.optionalString('build.error.message')
    return sentence(repositoryThread(repo), lines(rich`GitHub Pages failed to build ${site}`, message), COLORS.rejected)
  }
  return skip(SKIP_RULES.pageBuilding)
}

/** @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#star */
export function star({ p, action }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  return sentence(repositoryThread(repo), rich`${actor(p)} ${action === 'deleted' ? 'unstarred' : 'starred'} ${bold(repo.name)}`)
}

/** GitHub's legacy name for starring, still sent alongside star. @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#watch */
export function watch({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  return sentence(repositoryThread(repo), rich`${actor(p)} started watching ${bold(repo.name)}`)
}

/** @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#label */
export function label({ p, action = 'updated' }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const from = p.optionalString('changes.name.from')
  const name = code(p.string('label.name'))
  const text = from ? rich`${actor(p)} renamed label ${code(from)} to ${name}` : rich`${actor(p)} ${words(action)} label ${name}`
  return sentence(repositoryThread(repo), text)
}

/** @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#milestone */
export function milestone({ p, action = 'updated' }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const m = p.object('milestone')
  const due = m.optionalString('due_on')
  const text = rich`${actor(p)} ${words(action)} milestone ${link(m.optionalString('html_url'), m.string('title'))}${action === 'created' && due ? ` (due ${due.slice(0, 10)})` : ''}`
  return sentence(repositoryThread(repo), text)
}

/** This webhook itself was deleted: the last delivery it will make. @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#meta */
export function meta({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  return sentence(repositoryThread(repo), rich`${actor(p)} deleted this webhook (id ${p.id('hook_id')}); no more events will arrive from it`, COLORS.rejected)
}

/** @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#repository_import */
export function repositoryImport({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const status = p.string('status')
  const color = status === 'success' ? COLORS.success : COLORS.rejected
  return sentence(repositoryThread(repo), rich`Import into ${link(repo.url, repo.fullName)}: ${words(status)}`, color)
}

/** @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#branch_protection_rule */
export function branchProtectionRule({ p, action = 'updated' }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const changed = Object.keys(p.optionalObject('changes')?.value ?? {}).map(words)
  const rule = rich`${actor(p)} ${words(action)} the branch protection rule for ${code(p.string('rule.name'))}`
  return sentence(repositoryThread(repo), changed.length > 0 ? rich`${rule}: ${changed.join(', ')}` : rule, COLORS.rejected)
}

/** A deploy key grants access to the repository: always worth knowing. @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#deploy_key */
export function deployKey({ p, action = 'updated' }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const key = p.object('key')
  const access = key.optionalBoolean('read_only') === false ? 'read-write' : 'read-only'
  const verb = action === 'created' ? 'added' : words(action)
  return sentence(repositoryThread(repo), rich`${actor(p)} ${verb} ${access} deploy key ${code(key.string('title'))}`, COLORS.rejected)
}

/** A collaborator added, removed or given another permission. @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#member */
export function member({ p, action = 'updated' }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const who = userLink(p.object('member'))
  let text: RichText
  if (action === 'added') text = rich`${actor(p)} added ${who} as a collaborator`
  else if (action === 'removed') text = rich`${actor(p)} removed ${who} as a collaborator`
  else {
    const permission = p.optionalString('changes.permission.to') ?? p.optionalString('changes.role_name.to')
    text = permission ? rich`${actor(p)} changed ${who}’s permission to ${code(permission)}` : rich`${actor(p)} changed ${who}’s permission`
  }
  return sentence(repositoryThread(repo), text)
}

/** @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#team_add */
export function teamAdd({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const team = p.object('team')
  return sentence(
    repositoryThread(repo),
    rich`${actor(p)} gave team ${link(team.optionalString('html_url'), team.string('name'))} access to ${bold(repo.name)}`,
  )
}

/** Someone ran a workflow by hand. @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#workflow_dispatch */
export function workflowDispatch({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const workflow = p.string('workflow')
  const ref = p.string('ref').replace(/^refs\/(heads|tags)\//, '')
  const text = rich`${actor(p)} ran workflow ${codeLink(`${repo.url}/actions`, workflow.split('/').pop() ?? workflow)} on ${code(ref)}`
  return sentence(repositoryThread(repo), text)
}

/**
 * A custom event sent through the API: teams use it to drop their own news into the repository's
 * conversation, so its name and branch are posted.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#repository_dispatch
 */
export function repositoryDispatch({ p, action }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const branch = p.optionalString('branch')
  const text = rich`${actor(p)} sent ${code(action ?? 'repository_dispatch')} to ${bold(repo.name)}${branch ? rich` (${code(branch)})` : ''}`
  return sentence(repositoryThread(repo), text)
}
