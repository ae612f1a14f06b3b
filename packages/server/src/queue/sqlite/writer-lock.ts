import { chmodSync, closeSync, openSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { QueueLockedError } from '../errors.js'

/**
 * DATA_DIR's single-writer lock: an exclusive lock on `queue.lock`, taken through SQLite's own
 * file locking (`locking_mode = EXCLUSIVE` keeps it after the first write). The operating system
 * drops it when the process ends, kill -9 included, so a crash never leaves a stale lock.
 * Returns the function that releases it.
 * @see https://www.sqlite.org/pragma.html#pragma_locking_mode
 */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, 'queue.lock')
  closeSync(openSync(path, 'a', 0o600))
  chmodSync(path, 0o600)
  const db = new Database(path, { timeout: 0 })
  try {
    db.pragma('locking_mode = EXCLUSIVE')
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL)')
    db.transaction(() => {
      db.exec('DELETE FROM holder')
      db.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid)
    })()
  } catch (error) {
    db.close()
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new QueueLockedError(dataDir)
    throw error
  }
  return () => db.close()
}
