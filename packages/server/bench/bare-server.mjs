// The ceiling: a bare node:http server that reads and parses the same body and answers 202,
// with nothing else (no framework, no token, no provider, no queue).
import { createServer } from 'node:http'

const server = createServer((req, res) => {
  const chunks = []
  req.on('data', (chunk) => chunks.push(chunk))
  req.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'))
      res.writeHead(202, { 'content-type': 'application/json; charset=utf-8' }).end('{"status":"queued","posts":1}')
    } catch {
      res.writeHead(400).end()
    }
  })
})
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }))
process.on('disconnect', () => process.exit(0))
