// The PromQL engine: queries evaluated over a SeriesSource with Prometheus 2.42's semantics.
export { queryInstant, queryRange, evaluate, ENGINE_DEFAULTS, type EngineOptions, type EvalStatement } from './query'
export { MemorySeriesSource, type SeriesSource, type SourceSeries, type SourceValue } from './source'
export { InvalidQueryError, PromqlExecutionError, QueryTimeoutError, StorageError, TooManySamplesError, queryErrorType, type QueryErrorType } from './errors'
// What results are made of.
export { Labels, type Value, type ScalarValue, type StringValue, type VectorValue, type MatrixValue, type Sample, type Series, type Point } from '../kernels/values'
