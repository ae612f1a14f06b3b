/**
 * Sentry resources and actions that are knowingly not posted, and why (answered 200, so Sentry
 * keeps the endpoint). The posted ones are the keys of the handler table (src/index.ts).
 * @see https://docs.sentry.io/organization/integrations/integration-platform/webhooks/
 */

/** Whole resources (`Sentry-Hook-Resource`) that are never posted. */
export const SKIPPED_EVENTS = {
  installation:
    'installation webhooks say that the integration was installed or uninstalled; they concern the integration itself, not an issue, and are not posted',
  seer: 'Seer (AI issue fix) progress webhooks are not posted; the issue conversation follows the issue itself',
} as const satisfies Record<string, string>

/** Actions of posted resources that are knowingly skipped (`resource.action` → reason). */
export const SKIPPED_ACTIONS = {
  // Sentry has sent issue.archived alongside issue.ignored for the same change (one after the
  // other, same issue): posting both would say it twice.
  'issue.archived': 'an archived issue is posted once, from the issue.ignored webhook Sentry sends with it',
} as const satisfies Record<string, string>
