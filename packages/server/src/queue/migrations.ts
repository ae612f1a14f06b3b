/** One step of a backend's schema, applied once, in version order. */
export interface Migration<Db> {
  version: number
  description: string
  up(db: Db): void | Promise<void>
}

/**
 * The migrations a store at `current` still needs. A store newer than every migration was written
 * by a newer server: refuse it rather than guess (the server's user upgrades the server).
 */
export function migrationsToRun<M extends { version: number }>(current: number, migrations: readonly M[], store: string): M[] {
  const latest = Math.max(0, ...migrations.map((migration) => migration.version))
  if (current > latest) {
    throw new Error(`${store} has schema version ${current}, newer than this server knows (${latest}); upgrade the server`)
  }
  return migrations.filter((migration) => migration.version > current).sort((a, b) => a.version - b.version)
}

/** The latest version in a list of migrations. */
export function latestVersion(migrations: readonly { version: number }[]): number {
  return Math.max(0, ...migrations.map((migration) => migration.version))
}
