/**
 * Pipelines, jobs and deployments. Pipelines and jobs go to the conversation of what they ran
 * for: a merge request's (merge request pipelines), a branch's, or the project's (tags);
 * deployments to the project's.
 *
 * Failures are posted; a success only when the payload itself shows that it recovers from a
 * failure, the closest GitLab gets to GitHub's "passed on a re-run": a job whose `retries_count`
 * is 1 or more (a retry, and people retry what failed), or a pipeline whose jobs list a failed
 * attempt of a job that then passed (GitLab versions that list retried jobs). A new pipeline that
 * passes after an earlier one failed is not known from its payload, so it is not posted.
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/#pipeline-events
 */
import { code, join, link, rich, skip, type PayloadReader, type ProcessOutput, type RichText } from '@missive-integrations/core'
import { SKIP_RULES } from '../events.js'
import {
  actor,
  branchThread,
  COLORS,
  commitLink,
  lastSegment,
  mergeRequestThread,
  post,
  projectThread,
  readProject,
  words,
  type Delivery,
  type Project,
  type Thread,
} from './shared.js'

/**
 * The skip for a status that is neither a failure nor a recovery: a success, a stop someone
 * chose, or a run not finished yet (created, pending, running, manual, scheduled, waiting…).
 */
function notPosted(status: string): ProcessOutput {
  if (status === 'success') return skip(SKIP_RULES.ciPassed)
  if (status === 'canceled' || status === 'canceling' || status === 'skipped') return skip(SKIP_RULES.ciCanceled)
  return skip(SKIP_RULES.notFinished)
}

/** `refs/merge-requests/12/head` (a merge request pipeline's ref) → `12`. */
function mergeRequestIid(ref: string): string | undefined {
  return /^refs\/merge-requests\/(\d+)\/(?:head|merge|train)$/.exec(ref)?.[1]
}

/** Where a pipeline or job run on `ref` belongs. */
function ciThread(project: Project, ref: string, tag: boolean, mr: PayloadReader | undefined): Thread {
  if (mr) return mergeRequestThread(project, mr)
  const iid = mergeRequestIid(ref)
  if (iid !== undefined) return { references: [`${project.id}/!${iid}`], subject: `!${iid} [${project.slug}]` }
  return tag ? projectThread(project) : branchThread(project, ref)
}

/** `` on `main` at `6f88e719` ``. */
function where(project: Project, ref: string, sha: string | undefined): RichText {
  return join([rich` on ${code(mergeRequestIid(ref) ? `!${mergeRequestIid(ref)}` : ref)}`, sha ? rich` at ${commitLink(project, sha)}` : undefined])
}

/** A job name linking to the job, with why it failed. */
function jobLink(project: Project, build: PayloadReader): RichText {
  const reason = build.optionalString('failure_reason')
  return join([link(`${project.url}/-/jobs/${build.id('id')}`, build.string('name')), reason ? rich` (${words(reason)})` : undefined])
}

/**
 * A finished pipeline that failed, or passed after a failed job was retried.
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/#pipeline-events
 */
export function pipeline({ p }: Delivery): ProcessOutput {
  const project = readProject(p)
  const attributes = p.object('object_attributes')
  const status = attributes.string('status')
  const builds = p.objects('builds')
  const retried = builds.filter(
    (build) =>
      build.optionalString('status') === 'failed' &&
      builds.some((other) => other !== build && other.optionalString('name') === build.optionalString('name') && other.optionalString('status') === 'success'),
  )
  const recovered = status === 'success' && retried.length > 0
  if (status !== 'failed' && !recovered) return notPosted(status)
  const ref = attributes.string('ref')
  const id = attributes.id('id')
  const name = link(attributes.optionalString('url') ?? `${project.url}/-/pipelines/${id}`, `Pipeline #${id}`)
  const at = where(project, ref, attributes.optionalString('sha'))
  const thread = ciThread(project, ref, attributes.optionalBoolean('tag') === true, p.optionalObject('merge_request'))
  if (recovered) {
    const jobs = join(
      [...new Set(retried.map((build) => build.string('name')))].map((job) => code(job)),
      ', ',
    )
    return post(thread, rich`${name} passed${at} after retrying ${jobs}`, { color: COLORS.passed })
  }
  const failed = builds.filter((build) => build.optionalString('status') === 'failed' && build.optionalBoolean('allow_failure') !== true)
  const jobs =
    failed.length > 0
      ? rich`: ${join(
          failed.map((build) => jobLink(project, build)),
          ', ',
        )}`
      : rich``
  return post(thread, rich`${name} failed${at}${jobs}`, { color: COLORS.failed })
}

/** A Job Hook's project: newer payloads carry `project`, older ones `project_id`, `project_name` and `repository.homepage`. */
function jobProject(p: PayloadReader): Project {
  if (p.optionalObject('project')?.has('web_url')) return readProject(p)
  const url = p.string('repository.homepage').replace(/\/+$/, '')
  return { id: p.id('project_id'), slug: lastSegment(p.optionalString('project_name') ?? url) ?? url, url }
}

/**
 * A finished job that failed (unless it is allowed to), or passed on a retry.
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/#job-events
 */
export function job({ p }: Delivery): ProcessOutput {
  const status = p.string('build_status')
  const retries = p.optionalNumber('retries_count') ?? 0
  const recovered = status === 'success' && retries > 0
  if (status === 'failed' && p.optionalBoolean('build_allow_failure') === true) return skip(SKIP_RULES.allowedFailure)
  if (status !== 'failed' && !recovered) return notPosted(status)
  const project = jobProject(p)
  const ref = p.string('ref')
  const name = link(`${project.url}/-/jobs/${p.id('build_id')}`, `Job ${p.string('build_name')}`)
  const at = where(project, ref, p.optionalString('sha'))
  const thread = ciThread(project, ref, p.optionalBoolean('tag') === true, undefined)
  if (recovered) return post(thread, rich`${name} passed${at} on retry ${retries}`, { color: COLORS.passed })
  const reason = p.optionalString('build_failure_reason')
  return post(thread, rich`${name} failed${at}${reason ? rich` (${words(reason)})` : ''}`, { color: COLORS.failed })
}

/**
 * A deployment that succeeded, failed, was canceled, or waits for an approval; running ones are skipped.
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/#deployment-events
 */
export function deployment({ p }: Delivery): ProcessOutput {
  const status = p.string('status')
  const project = readProject(p)
  const environment = link(p.optionalString('environment_external_url'), p.string('environment'))
  const sha = p.optionalString('short_sha')
  const commit = sha ? link(p.optionalString('commit_url'), code(sha)) : rich`a commit`
  const job = p.optionalString('deployable_url')
  const who = actor(p)
  const thread = projectThread(project)
  switch (status) {
    case 'success':
      return post(thread, rich`${who} ${link(job, 'deployed')} ${commit} to ${environment}`, { color: COLORS.release })
    case 'failed':
      return post(thread, rich`${who} ${link(job, 'failed to deploy')} ${commit} to ${environment}`, { color: COLORS.failed })
    case 'blocked':
      return post(thread, rich`${who}’s ${link(job, 'deployment')} of ${commit} to ${environment} is waiting for approval`, { color: COLORS.warning })
    default:
      return notPosted(status)
  }
}
