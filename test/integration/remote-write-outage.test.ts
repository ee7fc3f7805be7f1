// Remote write while the receiver is down and processes come and go: a series that starts, ends
// and leaves the store's memory before the receiver is back is still sent. The store runs on a
// clock of its own (a rotation a minute, ended groups let go after a minute), so the test moves
// its time on while the writer retries against a receiver on loopback that answers 503.
import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { SecretBox } from '../../src/main/base/security/secrets'
import { STALE } from '../../src/main/base/series/sample'
import { RemoteWriter } from '../../src/main/prometheus'
import { createRemoteWriteRepo } from '../../src/main/prometheus/remote-write/remote-write-repo'
import { externalGroupKey } from '../../src/main/prometheus/series/external-series'
import { labelSet } from '../../src/main/prometheus/series/label-sets'
import { EMPTY_REGISTRY } from '../../src/main/prometheus/series/registry'
import { SeriesModel } from '../../src/main/prometheus/series/series-model'
import { MINUTE, openMinuteStore, T0 } from '../helpers/minute-store'
import { startRemoteWriteReceiver, type RemoteWriteReceiver } from '../helpers/remote-write-receiver'
import { makeTempDir } from '../helpers/temp-dir'

let receiver: RemoteWriteReceiver
beforeAll(async () => {
  receiver = await startRemoteWriteReceiver()
})
afterAll(async () => {
  await receiver?.close()
})

describe('remote write through an outage', () => {
  const cleanups: Array<() => Promise<void> | void> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('sends a series that started, ended and left the store’s memory while the receiver was down', async () => {
    const temp = makeTempDir('vigil-rw-outage-')
    cleanups.push(temp.remove)
    const f = openMinuteStore(temp.dir, cleanups, T0, MINUTE)
    const writer = new RemoteWriter(
      { repo: createRemoteWriteRepo(f.db, new SecretBox(randomBytes(32))), store: f.store, model: new SeriesModel(f.store, EMPTY_REGISTRY), userAgent: 'test' },
      { idleMs: 10, minBackoffMs: 5, maxBackoffMs: 20, now: () => f.now }
    )
    cleanups.push(() => writer.stop())
    receiver.answerWith(() => ({ status: 503, body: 'down' }))
    const group = (name: string) => f.store.groupId(externalGroupKey('import', name, labelSet([['job', 'batch']])))
    const steady = group('steady')
    f.store.append(steady, f.now, [1])
    f.store.flush()
    await writer.configure({ url: receiver.url })
    await receiver.requestsAfter(1)
    // While the writer retries the first batch: a job that runs for a second.
    const job = group('job')
    f.store.append(job, f.now, [5])
    f.store.append(job, f.now + 1000, [STALE])
    f.store.flush()
    await receiver.requestsAfter(2)
    // Its head cut, parked, and at the catalogue write out of memory for good.
    f.minutes(8, () => f.store.append(steady, f.now + 30_000, [2]))
    expect(f.store.group(job)).toBeUndefined()
    expect(f.store.stats().parked).toBe(0)

    receiver.answerWith(() => ({ status: 204 }))
    await writer.sent()
    expect(receiver.accepted.get('__name__="job",job="batch"')).toEqual([
      { value: 5, timestamp: T0 },
      { value: STALE, timestamp: T0 + 1000 }
    ])
    expect(receiver.accepted.get('__name__="steady",job="batch"')).toHaveLength(9)
  })
})
