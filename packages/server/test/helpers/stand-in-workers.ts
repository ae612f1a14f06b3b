// A Missive stand-in for a describe block, and delivery workers posting to it, stopped after each test.
import { pino } from 'pino'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { MissiveClient } from '@missive-integrations/core'
import { DeliveryWorker, type DeliveryWorkerOptions } from '../../src/delivery/worker.ts'
import { startMissiveStandIn, type MissiveStandIn } from './missive-stand-in.ts'

export interface StandInWorkers {
  readonly standIn: MissiveStandIn
  /** A started worker on `queue`, with fast retries unless `options` say otherwise. */
  startWorker(queue: DeliveryWorkerOptions['queue'], options?: Partial<DeliveryWorkerOptions>): DeliveryWorker
}

export function useStandInWorkers(): StandInWorkers {
  let standIn: MissiveStandIn | undefined
  const workers: DeliveryWorker[] = []
  beforeAll(async () => {
    standIn = await startMissiveStandIn()
  })
  afterAll(async () => {
    await standIn?.close()
  })
  beforeEach(() => standIn!.reset())
  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.stop()
  })
  return {
    get standIn() {
      return standIn!
    },
    startWorker(queue, options = {}) {
      const worker = new DeliveryWorker({
        queue,
        client: new MissiveClient({ baseUrl: standIn!.url }),
        logger: pino({ level: 'silent' }),
        retry: { baseMs: 10, capMs: 50 },
        ...options,
      })
      workers.push(worker)
      worker.start()
      return worker
    },
  }
}
