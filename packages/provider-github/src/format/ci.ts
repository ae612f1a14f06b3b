/**
 * Deployments and CI. Deployments go to the repository's conversation (as in the hosted
 * integration); CI results go to the branch's conversation, next to its pushes and its pull request.
 *
 * The "fixed" rule: a passing run is posted only when the payload itself proves it follows a
 * failure. Only workflow_run says so: `run_attempt > 1` is a re-run, and people re-run failed
 * workflows. check_run, check_suite and status payloads carry no earlier conclusion, so their
 * successes are skipped (with GitHub Actions, subscribe to workflow_run to get fixes).
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#workflow_run
 */
import { code, link, rich, skip, type IntegrationResult, type PayloadReader, type ProcessOutput } from '@missive-integrations/core'
import { SKIP_RULES } from '../events.js'
import { actor, branchThread, COLORS, commitLink, readRepo, repositoryThread, sentence, words, type Delivery, type Repo } from './shared.js'

/** Conclusions worth a post: something needs a person. */
export const FAILING_CONCLUSIONS = ['failure', 'timed_out', 'action_required', 'startup_failure'] as const

function isFailing(conclusion: string | undefined): boolean {
  return (FAILING_CONCLUSIONS as readonly string[]).includes(conclusion ?? '')
}

/** The branch's conversation when the run has a branch, else the repository's. */
function ciThread(repo: Repo, branch: string | undefined): Pick<IntegrationResult, 'references' | 'subject'> {
  return branch ? branchThread(repo, branch) : repositoryThread(repo)
}

/** `failed`, `timed out`, `needs action`: how a conclusion reads in a sentence. */
function outcome(conclusion: string): string {
  if (conclusion === 'failure') return 'failed'
  if (conclusion === 'action_required') return 'needs action'
  return words(conclusion)
}

/** @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#deployment */
export function deployment({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const d = p.object('deployment')
  const text = rich`${actor(p)} started deploying ${commitLink(repo, d.string('sha'))} to ${code(d.string('environment'))}`
  return sentence(repositoryThread(repo), text, COLORS.deploy)
}

/** A finished deployment: success, failure or error. @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#deployment_status */
export function deploymentStatus({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const status = p.object('deployment_status')
  const state = status.string('state')
  if (state !== 'success' && state !== 'failure' && state !== 'error') return skip(SKIP_RULES.deploymentPending)
  const d = p.object('deployment')
  const webUrl = status.optionalString('environment_url') || (typeof d.get('payload.web_url') === 'string' ? (d.get('payload.web_url') as string) : undefined)
  const environment = link(webUrl, d.string('environment'))
  const verb = link(status.optionalString('target_url') || status.optionalString('log_url'), state === 'success' ? 'deployed' : 'failed to deploy')
  const text = rich`${actor(p)} ${verb} ${commitLink(repo, d.string('sha'))} to ${environment}`
  return sentence(repositoryThread(repo), text, state === 'success' ? COLORS.deploy : COLORS.rejected)
}

/** A deployment waits for someone's approval. @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#deployment_review */
export function deploymentReview({ p, action = 'requested' }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const run = p.object('workflow_run')
  const environment = code(p.optionalString('environment') ?? p.optionalString('workflow_job_run.environment') ?? 'an environment')
  const what = link(run.optionalString('html_url'), run.string('name'))
  const text =
    action === 'requested'
      ? rich`${actor(p)} is waiting for approval to deploy ${what} to ${environment}`
      : rich`${actor(p)} ${words(action)} the deployment of ${what} to ${environment}`
  return sentence(repositoryThread(repo), text, action === 'rejected' ? COLORS.rejected : COLORS.deploy)
}

/** @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#check_run */
export function checkRunCompleted({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const run = p.object('check_run')
  const conclusion = run.optionalString('conclusion')
  if (!isFailing(conclusion)) return skip(conclusion === 'success' ? SKIP_RULES.ciPassed : SKIP_RULES.ciNeutral)
  const branch = run.optionalString('check_suite.head_branch')
  const name = link(run.optionalString('html_url') ?? run.optionalString('details_url'), run.string('name'))
  const text = rich`${name} ${outcome(conclusion!)} on ${commitLink(repo, run.string('head_sha'))}${branch ? rich` (${code(branch)})` : ''}`
  return sentence(ciThread(repo, branch), text, COLORS.rejected)
}

/** @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#check_suite */
export function checkSuiteCompleted({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const suite = p.object('check_suite')
  const conclusion = suite.optionalString('conclusion')
  if (!isFailing(conclusion)) return skip(conclusion === 'success' ? SKIP_RULES.ciPassed : SKIP_RULES.ciNeutral)
  const branch = suite.optionalString('head_branch')
  const app = suite.optionalString('app.name') ?? 'Checks'
  const text = rich`${app} checks ${outcome(conclusion!)} on ${commitLink(repo, suite.string('head_sha'))}${branch ? rich` (${code(branch)})` : ''}`
  return sentence(ciThread(repo, branch), text, COLORS.rejected)
}

/** A finished workflow run that failed, or passed on a re-run. @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#workflow_run */
export function workflowRunCompleted({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const run = p.object('workflow_run')
  const conclusion = run.optionalString('conclusion')
  const attempt = run.optionalNumber('run_attempt') ?? 1
  const fixed = conclusion === 'success' && attempt > 1
  if (!isFailing(conclusion) && !fixed) return skip(conclusion === 'success' ? SKIP_RULES.ciPassed : SKIP_RULES.ciNeutral)
  const branch = run.optionalString('head_branch')
  // Some runs come with an empty name; the workflow's name, then its file, stand in.
  const title = run.optionalString('name') || p.optionalString('workflow.name') || run.optionalString('path') || 'Workflow'
  const name = link(run.optionalString('html_url'), `${title} #${run.number('run_number')}`)
  const where = rich`${commitLink(repo, run.string('head_sha'))}${branch ? rich` (${code(branch)})` : ''}`
  const text = fixed ? rich`${name} passed on ${where} after ${attempt} attempts` : rich`${name} ${outcome(conclusion!)} on ${where}`
  return sentence(ciThread(repo, branch), text, fixed ? COLORS.success : COLORS.rejected)
}

/** A commit status (the API behind older CI services): failures and errors only. @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#status */
export function status({ p }: Delivery): ProcessOutput {
  const state = p.string('state')
  if (state !== 'failure' && state !== 'error') return skip(SKIP_RULES.ciPending)
  const repo = readRepo(p)
  const branch = firstBranch(p)
  const context = link(p.optionalString('target_url'), p.string('context'))
  const description = p.optionalString('description')
  const text = rich`${context} ${state === 'error' ? 'errored' : 'failed'} on ${commitLink(repo, p.string('sha'))}${branch ? rich` (${code(branch)})` : ''}${description ? `: ${description}` : ''}`
  return sentence(ciThread(repo, branch), text, COLORS.rejected)
}

/** A status lists the branches whose head is its commit; the first one is where it belongs. */
function firstBranch(p: PayloadReader): string | undefined {
  return p.objects('branches')[0]?.optionalString('name')
}
