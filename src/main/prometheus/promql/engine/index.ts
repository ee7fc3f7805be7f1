// The PromQL engine: queries evaluated over a SeriesSource with Prometheus 2.42's semantics.
export { queryInstant, queryRange, evaluate, ENGINE_DEFAULTS, type EngineOptions, type EvalStatement } from './query'
export { MemorySeriesSource, type SeriesSource, type SourceSeries, type SourceValue } from './source'
export { InvalidQueryError, PromqlExecutionError, QueryTimeoutError, StorageError, TooManySamplesError, queryErrorType, type QueryErrorType } from './errors'
