import type { Integration, IntegrationInfo } from './integration.js'

/**
 * Where Missive's hosted service serves its integrations' icons. Providers it hosts keep these
 * URLs by default, so a conversation that moves over looks exactly as it did.
 * @see https://github.com/missive/missive-webhooks/tree/master/assets/integrations
 */
export const HOSTED_ICONS_URL = 'https://raw.githubusercontent.com/missive/missive-webhooks/master/assets/integrations'

/** The providers Missive's hosted service has an icon for (`<HOSTED_ICONS_URL>/<id>.png`). */
export const HOSTED_ICON_PROVIDERS: ReadonlySet<string> = new Set(['canny', 'github', 'heroku', 'rollbar'])

/** Where a server serves a provider's icon (the package's `assets/icon.png`), under its public URL. */
export function iconPath(id: string): string {
  return `/assets/${id}.png`
}

/** How a server serves a provider's icon. */
export interface IconSettings {
  /**
   * The URL the world reaches the server at (`PUBLIC_URL`), given only when the server serves
   * this provider's icon at `iconPath(id)`.
   */
  publicUrl?: string | undefined
}

/** A provider's post author image (`username_icon`) and conversation icon (`conversation_icon`); undefined: none. */
export interface Icons {
  avatar: string | undefined
  icon: string | undefined
}

/**
 * The icon a provider gets when it does not choose one: the server's copy of the package's icon
 * under `publicUrl`; else the hosted service's, for the providers it hosts; else none, since
 * Missive's `username_icon` and `conversation_icon` are optional and no icon is better than a
 * broken image.
 */
export function defaultIcon(id: string, settings: IconSettings = {}): string | undefined {
  if (settings.publicUrl) return `${settings.publicUrl.replace(/\/+$/, '')}${iconPath(id)}`
  return HOSTED_ICON_PROVIDERS.has(id) ? `${HOSTED_ICONS_URL}/${id}.png` : undefined
}

/**
 * The icons a provider's posts carry, decided in this one place: a provider's own `avatar` or
 * `icon` getter wins; a getter left as `Integration`'s (it answers `defaultIcon(id)`) takes the
 * server's copy when `publicUrl` is given. `GET /integrations` lists the same URLs.
 */
export function iconsOf(integration: Pick<Integration, 'id' | 'avatar' | 'icon'>, settings: IconSettings = {}): Icons {
  // Compared by value, not by prototype, so a provider built against another copy of core still
  // works; a getter that returns the hosted URL itself counts as the default.
  const hosted = defaultIcon(integration.id)
  const chosen = (value: string | undefined) => (value !== undefined && value !== hosted ? value : defaultIcon(integration.id, settings))
  return { avatar: chosen(integration.avatar), icon: chosen(integration.icon) }
}

/** What `GET /integrations` lists for a provider, with the icons its posts carry (see `iconsOf`). */
export function integrationInfo(integration: Pick<Integration, 'id' | 'avatar' | 'icon' | 'toJSON'>, settings: IconSettings = {}): IntegrationInfo {
  const { avatar, icon } = iconsOf(integration, settings)
  // Spread over the provider's own listing, so its key order and any extra fields are kept.
  const info: IntegrationInfo = { ...integration.toJSON(), avatar, icon }
  if (avatar === undefined) delete info.avatar
  if (icon === undefined) delete info.icon
  return info
}
