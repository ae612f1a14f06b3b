import { createServer } from 'node:http'

/** A free TCP port on the loopback interface, for the benchmarks' servers. */
export function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}
