import { stripInvisible } from './text.js'

/**
 * Rich text in Missive's post syntax, composed once and rendered two ways:
 *   - `.text`: the post text, with `<url|label>` links, `*bold*` and backticked code;
 *   - `.plain`: the notification, plain text with link labels only.
 *
 * Literal parts of a `rich` template are trusted markup; every interpolated string is user
 * content and is escaped, so a commit message like `<https://evil.example|click>` or `*urgent*`
 * shows as typed and can never become a link or formatting. This replaces the hosted service's
 * `sanitize(() => …)` callback, which ran each template twice to get the two renderings.
 */
export class RichText {
  private constructor(
    /** The post text, in Missive's link/bold/code syntax. */
    readonly text: string,
    /** The same sentence as plain text, for notifications. */
    readonly plain: string,
  ) {}

  /** Trusted markup (no escaping); `plain` defaults to the same text. */
  static markup(text: string, plain: string = text): RichText {
    return new RichText(text, plain)
  }

  /** User content: escaped in `.text`, kept as typed in `.plain`; invisible spoofing characters are dropped from both. */
  static from(value: Inline): RichText {
    if (value instanceof RichText) return value
    if (value === null || value === undefined || value === false) return EMPTY
    const raw = stripInvisible(String(value))
    return new RichText(escapeText(raw), raw)
  }

  get isEmpty(): boolean {
    return this.text === '' && this.plain === ''
  }

  /** Append more rich text or user content. */
  concat(...parts: Inline[]): RichText {
    return join([this, ...parts], '')
  }

  toJSON(): { text: string; plain: string } {
    return { text: this.text, plain: this.plain }
  }
}

/** What can be placed in rich text: rich text itself, or user content (escaped). */
export type Inline = RichText | string | number | boolean | null | undefined

const EMPTY = RichText.markup('')

/**
 * Characters of Missive's markup, swapped in user content for look-alikes that carry no meaning:
 * a title can show `a < b` or `*wip*` but cannot open a link or turn bold.
 */
const ESCAPES: Record<string, string> = {
  '<': '‹', // U+2039
  '>': '›', // U+203A
  '|': '∣', // U+2223
  '*': '∗', // U+2217
  '`': 'ˋ', // U+02CB
}
const ESCAPABLE = /[<>|*`]/g

/** Escape user content for a Missive post text. */
export function escapeText(value: string): string {
  return value.replace(ESCAPABLE, (c) => ESCAPES[c]!)
}

/** Build rich text: literals are trusted markup, interpolations are escaped user content. */
export function rich(strings: TemplateStringsArray, ...values: Inline[]): RichText {
  let text = ''
  let plain = ''
  strings.forEach((literal, i) => {
    text += literal
    plain += literal
    if (i < values.length) {
      const value = RichText.from(values[i])
      text += value.text
      plain += value.plain
    }
  })
  return RichText.markup(text, plain)
}

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:', 'missive:'])

/**
 * A URL fit to stand inside `<…|…>`: only http(s), mailto and missive links, with the characters
 * that would end the link (`|`, `>`, `<`, spaces) percent-encoded. Anything else yields undefined.
 */
export function safeUrl(url: string | null | undefined): string | undefined {
  if (typeof url !== 'string') return undefined
  const trimmed = url.trim()
  if (trimmed === '') return undefined
  let parsed: URL
  try {
    parsed = new URL(trimmed)
  } catch {
    return undefined
  }
  if (!SAFE_SCHEMES.has(parsed.protocol)) return undefined
  return trimmed.replace(/[|<>\s"]/g, (c) => encodeURIComponent(c))
}

/**
 * A link: `<url|label>` in the text, the label alone in the notification. Without a label,
 * `<url>` and the url. An unsafe or missing url leaves only the label.
 */
export function link(url: string | null | undefined, label?: Inline): RichText {
  const href = safeUrl(url)
  const text = label === undefined || label === null || label === '' ? undefined : RichText.from(label)
  if (!href) return text ?? RichText.from(url ?? '')
  if (!text) return RichText.markup(`<${href}>`, href)
  return RichText.markup(`<${href}|${text.text}>`, text.plain)
}

/** Bold: `*value*` in the text, the value alone in the notification. */
export function bold(value: Inline): RichText {
  const inner = RichText.from(value)
  if (inner.isEmpty) return inner
  return RichText.markup(`*${inner.text}*`, inner.plain)
}

/** Code: `` `value` `` in the text, the value alone in the notification. */
export function code(value: Inline): RichText {
  const inner = RichText.from(value)
  if (inner.isEmpty) return inner
  return RichText.markup(`\`${inner.text}\``, inner.plain)
}

/** A link whose label is code, as for a commit sha or a branch name. */
export function codeLink(url: string | null | undefined, label: Inline): RichText {
  return link(url, code(label))
}

/** Join parts with a separator (trusted markup); empty parts are left out. */
export function join(parts: readonly Inline[], separator: string | RichText = ''): RichText {
  const sep = separator instanceof RichText ? separator : RichText.markup(separator)
  const items = parts.map((part) => RichText.from(part)).filter((part) => !part.isEmpty)
  return RichText.markup(
    items.map((item) => item.text).join(sep.text),
    items.map((item) => item.plain).join(sep.plain),
  )
}

/** Lines of rich text joined with newlines; empty lines are left out. */
export function lines(...parts: Inline[]): RichText {
  return join(parts, '\n')
}
