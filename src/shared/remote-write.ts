// Remote write as the API and the Settings page see it (src/main/prometheus/remote-write).

/** What configuring remote write takes. */
export interface RemoteWriteInput {
  /** The receiver's remote write URL, e.g. http://prometheus:9090/api/v1/write. */
  url: string
  /** Sent as `Authorization: Bearer …`. Omitted: the stored one is kept; null: none. */
  bearerToken?: string | null
  /** false keeps the receiver and its progress, and stops sending. */
  enabled?: boolean
}

/**
 * - `off`: no receiver, or sending switched off;
 * - `idle`: everything stored has been sent;
 * - `sending`: catching up;
 * - `retrying`: the receiver failed (5xx, 429, no answer) and the batch is tried again after a backoff;
 * - `refused`: the receiver refuses Vigil itself (401, 403, 404, …): nothing is dropped, it is tried again every `maxBackoffSec`.
 */
export type RemoteWriteState = 'off' | 'idle' | 'sending' | 'retrying' | 'refused'

export interface RemoteWriteStatus {
  url: string | null
  enabled: boolean
  /** Whether a bearer token is set (the token itself is never shown). */
  hasBearerToken: boolean
  state: RemoteWriteState
  /** ISO time from which stored samples are sent (when the receiver was set). */
  since: string | null
  /** Counted since Vigil started. */
  samplesSent: number
  /** Samples the receiver refused for good (400: out of order, duplicate, too old) and that were passed over. */
  samplesRefused: number
  requests: number
  failedRequests: number
  lastSuccessAt: string | null
  lastError: { at: string; message: string } | null
  /** Rows stored and not sent yet, and the groups they are in (as of the last look). */
  backlogRows: number
  backlogGroups: number
  /** Bytes of the request body held in memory now (the only queue in memory: the backlog stays in the store). */
  inFlightBytes: number
}
