#!/usr/bin/env node
// A committed entry point, so that installing the workspace links the binary before the first
// build (`dist/` does not exist yet on a fresh clone).
await import('../dist/cli.js')
