export { Integration, endpointSchema, eventNamed, isIntegration } from './integration.js'
export {
  BURST_OPTIONS,
  DEFAULT_BURST_LIMIT,
  DEFAULT_BURST_WINDOW,
  burstPlan,
  burstSettings,
  countList,
  describeEvents,
  describeSpan,
  eventsDigest,
  formatCount,
  genericDigest,
  tally,
} from './burst.js'
export type { BurstPlan, Digest, DigestResult, DigestState, FoldedPost } from './burst.js'
export type { IntegrationInfo, OptionSpec, OptionType, ProviderOptions, Schema } from './integration.js'
export { HOSTED_ICONS_URL, HOSTED_ICON_PROVIDERS, defaultIcon, iconPath, iconsOf, integrationInfo } from './icons.js'
export type { IconSettings, Icons } from './icons.js'
export { dispatch, dispatchTable } from './dispatch.js'
export type { DispatchTable, Handler, Handlers, WebhookEvent } from './dispatch.js'
export { handleWebhook, answerOf } from './handle-webhook.js'
export type { DeliveryStore, Endpoint, HandledWebhook, HandleWebhookSettings, ResolveEndpoint, WebhookDelivery, WebhookOutcome } from './handle-webhook.js'
export { WebhookRequest } from './request.js'
export type { BodyReader, HeaderInput, QueryInput, WebhookRequestInit } from './request.js'
export { parseBody, parseJsonObject, jsonDepth } from './parse-body.js'
export type { ParseBodyOptions, Payload } from './parse-body.js'
export { skip, isSkip } from './result.js'
export type { Attachment, AttachmentField, Color, IntegrationResult, ProcessOutput, Skip, ValidResult } from './result.js'
export { validateOutput, validateResult, isColor } from './validate.js'
export type { ValidatedOutput, ValidationContext } from './validate.js'
export { RichText, rich, link, bold, code, codeLink, join, lines, escapeText, safeUrl } from './rich-text.js'
export type { Inline } from './rich-text.js'
export { truncate, firstLine, pluralize, capitalize, ordinal, stripInvisible, stripHtmlComments, redact } from './text.js'
export { PayloadReader, readPayload, valueAt } from './payload-reader.js'
export { resolveCoreOptions, resolveOptions } from './options.js'
export { applyFilters, checkFilters, filterOptions, globToRegExp, matchesGlob, schemaOf, splitList } from './filters.js'
export type { EventsFilter, FilterHost, FilterSpec, FlagFilter, LevelFilter, ListFilter } from './filters.js'
export type { ResolveOptionsSettings } from './options.js'
export { toMissivePost, toMissivePosts, namespaceReference } from './post.js'
export type { MissivePost, PostOptions } from './post.js'
export { MissiveClient, DEFAULT_MISSIVE_API_BASE_URL, MAX_RETRY_AFTER_SECONDS, parseRetryAfter } from './missive-client.js'
export type { CreatedPost, MissiveClientOptions } from './missive-client.js'
export { hmacMatches, hmacSigner, signHmac, verifyHmac, secretMatches } from './hmac.js'
export type { HmacScheme } from './hmac.js'
export { NonceMemory } from './nonce-memory.js'
export { fixtureNames, listFixtures, loadFixture, readDelivery, senderRequest } from './fixtures.js'
export type { Fixture, FixturesDir, SenderRequestInput } from './fixtures.js'
export {
  IntegrationError,
  UnsupportedEventError,
  InvalidPayloadError,
  InvalidBodyError,
  UnsupportedMediaTypeError,
  UnsupportedEncodingError,
  PayloadTooLargeError,
  SignatureError,
  InvalidOptionsError,
  InvalidResultError,
  MissiveApiError,
  ProviderError,
  QueueUnavailableError,
} from './errors.js'
export type { MissiveApiErrorOptions, MissiveFailure } from './errors.js'
