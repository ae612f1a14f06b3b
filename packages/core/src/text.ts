/** Small text helpers every provider needs, kept here so no provider writes them again. */

/** Cut text to at most `max` characters (code points), ending with an ellipsis when cut. */
export function truncate(value: string, max: number): string {
  const chars = Array.from(value)
  if (chars.length <= max) return value
  return `${chars
    .slice(0, Math.max(0, max - 1))
    .join('')
    .trimEnd()}…`
}

/** The first line of a text (a commit message's summary), trimmed. */
export function firstLine(value: string | null | undefined): string {
  if (!value) return ''
  return value.split(/\r?\n/, 1)[0]!.trim()
}

/** `1 commit`, `2 commits`; a custom plural for irregular words. */
export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`
}

/** `error` → `Error`; `under review` → `Under review`. */
export function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1).toLowerCase()
}

/** `1` → `1st`, `2` → `2nd`, `11` → `11th`, `23` → `23rd`. */
export function ordinal(n: number): string {
  const tens = n % 100
  if (tens >= 11 && tens <= 13) return `${n}th`
  switch (n % 10) {
    case 1:
      return `${n}st`
    case 2:
      return `${n}nd`
    case 3:
      return `${n}rd`
    default:
      return `${n}th`
  }
}

/**
 * Characters that change how text around them reads without showing themselves: bidirectional
 * embeddings, overrides and isolates (a right-to-left override makes `txt.exe` read `exe.txt`),
 * zero-width spaces, word joiners and byte-order marks. Zero-width joiners and non-joiners stay:
 * emoji sequences and several scripts (Persian, Indic) need them.
 * @see https://www.unicode.org/reports/tr36/#Bidirectional_Text_Spoofing
 */
const INVISIBLE = /[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g

/** User text without the invisible characters that can disguise it (see `INVISIBLE`). */
export function stripInvisible(value: string): string {
  // Nearly every string has none: test before allocating a copy.
  INVISIBLE.lastIndex = 0
  return INVISIBLE.test(value) ? value.replace(INVISIBLE, '') : value
}

/** `text` with every occurrence of each secret replaced by `[redacted]`: for messages that quote a peer's answer. */
export function redact(text: string, ...secrets: readonly (string | undefined)[]): string {
  let result = text
  for (const secret of secrets) if (secret) result = result.split(secret).join('[redacted]')
  return result
}

/**
 * What `stripHtmlComments` looks for, left to right: a fenced code block (kept: a comment in a
 * code sample is code), an inline code span (kept), or an HTML comment: `<!-- … -->` over any
 * number of lines, CommonMark's empty `<!-->` and `<!--->`, and an unterminated `<!--`, which
 * hides the rest of the text as it does on GitHub and GitLab. A comment alone on its line takes
 * its line break with it.
 * @see https://spec.commonmark.org/0.31.2/#html-comment
 */
const COMMENT_OR_CODE =
  /^ {0,3}(`{3,}|~{3,})[^\n]*(?:\n[\s\S]*?)?(?:\n {0,3}\1[`~]*[ \t]*\r?$|(?![\s\S]))|(`+)[\s\S]*?\2|<!--(?:-?>|[\s\S]*?(?:-->|(?![\s\S])))([ \t]*(?:\r?\n|(?![\s\S])))?/gm

/**
 * User-written Markdown (an issue or pull request body, a comment, a description) without its
 * HTML comments: issue and pull request templates are full of `<!-- describe your change -->`,
 * which GitHub and GitLab do not show either. Code blocks and code spans are left as written.
 */
export function stripHtmlComments(value: string): string {
  // Nearly every body has none: test before scanning.
  if (!value.includes('<!--')) return value
  return value.replace(COMMENT_OR_CODE, (match: string, fence: string | undefined, tick: string | undefined, trailing: string | undefined, offset: number) => {
    if (fence !== undefined || tick !== undefined) return match
    const atLineStart = offset === 0 || value[offset - 1] === '\n'
    return atLineStart ? '' : (trailing ?? '')
  })
}
