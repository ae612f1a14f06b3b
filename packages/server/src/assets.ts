import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { FastifyInstance } from 'fastify'

/** `<provider>.png`: nothing else is ever looked up, so no path reaches the file system. */
const ASSET_NAME = /^([a-z][a-z0-9-]{0,62})\.png$/
/** Icons change with a provider's version, not between requests: browsers and Missive may keep them a day. */
const CACHE_CONTROL = 'public, max-age=86400'

interface Asset {
  body: Buffer
  etag: string
}

/**
 * Serve each loaded provider's icon (its package's `assets/icon.png`) at `/assets/<id>.png`: the
 * URL posts carry as `username_icon` and `conversation_icon` when `PUBLIC_URL` is set.
 */
export function registerAssets(app: FastifyInstance, files: ReadonlyMap<string, string>): void {
  const cache = new Map<string, Promise<Asset>>()
  const load = (id: string, path: string): Promise<Asset> => {
    let asset = cache.get(id)
    if (asset === undefined) {
      asset = readFile(path).then((body) => ({ body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }))
      // A failed read is tried again on the next request rather than remembered.
      asset.catch(() => cache.delete(id))
      cache.set(id, asset)
    }
    return asset
  }

  app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
    const name = request.params.file
    const id = ASSET_NAME.exec(name)?.[1]
    const path = id === undefined ? undefined : files.get(id)
    if (id === undefined || path === undefined) {
      const shown = JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name)
      const served = [...files.keys()].map((provider) => `/assets/${provider}.png`).join(', ') || 'none'
      return reply.code(404).send({ error: 'unknown_asset', message: `no asset ${shown}; this server serves the icons of its providers: ${served}` })
    }
    let asset: Asset
    try {
      asset = await load(id, path)
    } catch (error) {
      request.log.warn({ reqId: request.id, provider: id, file: path, err: error }, 'cannot read a provider icon')
      return reply.code(404).send({ error: 'unknown_asset', message: `provider ${id}'s icon cannot be read on this server` })
    }
    void reply.headers({ 'cache-control': CACHE_CONTROL, etag: asset.etag, 'x-content-type-options': 'nosniff' })
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send()
    return reply.type('image/png').send(asset.body)
  })
}
