/**
 * The UI's door to the Prometheus API (`prometheus.api`): a read under `/prometheus/api/v1/`
 * carried over the renderer's own transport, so the Explore page works the same in the desktop
 * app (IPC, no HTTP origin) and in a browser (the session). The answer is what the HTTP API
 * would answer: its status and its JSON body, byte for byte.
 */
export interface PrometheusRequest {
  /** The path under `/prometheus/api/v1/`: `query`, `query_range`, `series`, `labels`, `label/{name}/values`, `metadata`, `format_query`. */
  path: string
  /** The parameters, each with every value (`match[]` repeats). */
  params: Record<string, string[]>
}

export interface PrometheusAnswer {
  status: number
  body: string
}
