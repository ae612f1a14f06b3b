#!/usr/bin/env node
import { runCli } from './commands.js'

// The `missive-integrations` binary: everything is in runCli, so tests drive it in-process.
const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
})
process.exitCode = code
