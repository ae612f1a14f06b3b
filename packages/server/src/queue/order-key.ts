import type { MissivePost } from '@missive-integrations/core'

/**
 * The key posts are serialised on: posts with the same key go out one at a time, in arrival
 * order, so a conversation reads in the order things happened. A post aimed at a conversation id
 * lands there whatever its references say; otherwise its first reference picks the conversation.
 * A post with neither (core's validation forbids that) gets a key of its own.
 * @see https://missiveapp.com/help/api-documentation/rest-endpoints#create-a-post
 */
export function orderKey(post: MissivePost, fallback: string): string {
  if (post.conversation) return `conversation:${post.conversation}`
  const reference = post.references?.[0]
  if (reference) return `reference:${reference}`
  return `post:${fallback}`
}
