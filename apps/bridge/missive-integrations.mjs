#!/usr/bin/env node
// The server's CLI with this package as its host project, from any working directory: the root's
// `pnpm start` and `pnpm missive-integrations …` run it, so the queue stays in ./data at the root
// and relative paths (`preview <payload.json>`) are read from where the command was typed.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

// PROJECT_DIR (or --project-dir) still wins, e.g. to try a narrower host project.
process.env.PROJECT_DIR ||= dirname(fileURLToPath(import.meta.url))

const manifestPath = createRequire(import.meta.url).resolve('@missive-integrations/server/package.json')
const { bin } = JSON.parse(readFileSync(manifestPath, 'utf8'))
await import(pathToFileURL(join(dirname(manifestPath), bin['missive-integrations'])).href)
