// The remote write 1.0 wire format: a prometheus.WriteRequest (remote.proto / types.proto of
// Prometheus) encoded with protobufjs, then compressed with Snappy's block format. Only the
// fields remote write 1.0 senders fill are described: series with labels and float samples
// (exemplars, native histograms and metadata are never sent).
//
// A sample's value is declared fixed64 rather than double — the same wire type (8 bytes, little
// endian) — and written as its bits: protobufjs writes every NaN as the canonical one, which
// would turn Prometheus's staleness marker (the NaN 0x7ff0000000000002) into a plain NaN value.
import { Root, type Type } from 'protobufjs/light'
import { compress, uncompress } from 'snappyjs'
import { STALE } from '../../base/series/sample'
import { highBits, lowBitsOfLast } from '../../base/series/float-bits'

export interface RemoteLabel {
  name: string
  value: string
}

export interface RemoteSample {
  /** A number, or STALE: the series ended here (sent as the staleness marker). */
  value: number | typeof STALE
  /** Milliseconds since the epoch. */
  timestamp: number
}

export interface RemoteSeries {
  /** Sorted by name, `__name__` among them (the receiver checks the order). */
  labels: RemoteLabel[]
  /** Ascending times. */
  samples: RemoteSample[]
}

const root = Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: { fields: { timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 } } },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 }
          }
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'fixed64', id: 1 }, timestamp: { type: 'int64', id: 2 } } }
      }
    }
  }
})
const WriteRequest: Type = root.lookupType('prometheus.WriteRequest')

/** The HTTP headers every remote write 1.0 request carries. */
export const REMOTE_WRITE_HEADERS = {
  'Content-Encoding': 'snappy',
  'Content-Type': 'application/x-protobuf',
  'X-Prometheus-Remote-Write-Version': '0.1.0'
} as const

const STALE_BITS = { low: 2, high: 0x7ff00000, unsigned: true }

/** A request body: the series, protobuf-encoded and Snappy-compressed. */
export function encodeWriteRequest(timeseries: readonly RemoteSeries[]): Uint8Array<ArrayBuffer> {
  const message = {
    timeseries: timeseries.map((series) => ({
      labels: series.labels,
      samples: series.samples.map((sample) => ({ value: valueBits(sample.value), timestamp: sample.timestamp }))
    }))
  }
  return compress(WriteRequest.encode(message).finish())
}

/** The series of a request body (what a receiver reads); throws on a body that is not one. */
export function decodeWriteRequest(body: Uint8Array, maxBytes = 64 * 1024 * 1024): RemoteSeries[] {
  // 64-bit fields decode as Long objects (protobufjs' dependency `long`).
  const message = WriteRequest.decode(uncompress(body, maxBytes)) as unknown as {
    timeseries: Array<{ labels: RemoteLabel[]; samples: Array<{ value: WireLong; timestamp: WireLong }> }>
  }
  return message.timeseries.map((series) => ({
    labels: series.labels.map(({ name, value }) => ({ name, value })),
    samples: series.samples.map((sample) => ({ value: valueOfBits(sample.value), timestamp: sample.timestamp.toNumber() }))
  }))
}

function valueBits(value: number | typeof STALE): { low: number; high: number; unsigned: boolean } {
  if (value === STALE) return STALE_BITS
  const high = highBits(value)
  return { low: lowBitsOfLast(), high, unsigned: true }
}

const scratch = new DataView(new ArrayBuffer(8))

interface WireLong {
  low: number
  high: number
  toNumber(): number
}

function valueOfBits(bits: WireLong): number | typeof STALE {
  if (bits.high >>> 0 === 0x7ff00000 && bits.low >>> 0 === 2) return STALE
  scratch.setUint32(0, bits.low >>> 0, true)
  scratch.setUint32(4, bits.high >>> 0, true)
  return scratch.getFloat64(0, true)
}
