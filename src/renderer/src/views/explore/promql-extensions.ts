// The Explore editor's CodeMirror extensions, apart from the React component so that they can be
// checked without a DOM (test/unit/renderer/promql-extensions.test.ts).
import { autocompletion } from '@codemirror/autocomplete'
import { defaultKeymap, history, historyKeymap, insertNewline } from '@codemirror/commands'
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language'
import { linter, type Diagnostic } from '@codemirror/lint'
import { StateEffect, StateField, type EditorState, type Extension } from '@codemirror/state'
import { EditorView, keymap, placeholder } from '@codemirror/view'
import { PromQLExtension } from '@prometheus-io/codemirror-promql'
import { channelFetch, type FetchFn } from './prometheus-client'

/** How long completion keeps the metric names, labels and values it read (ms). */
export const COMPLETION_CACHE_MS = 60_000

export interface PromQLEditorOptions {
  /** Every change of the document, with the whole query. */
  onChange: (query: string) => void
  /** Enter (outside a completion list) runs the query. */
  onRun: () => void
  /** How completion reads the API: the `prometheus.api` channel unless a test gives its own. */
  fetchFn?: FetchFn
}

/** The API's answer to the query last run: its message and where it points (null: nowhere named). */
export interface ApiError {
  message: string
  offset: number | null
}

/** Sets (or clears, with null) the API's error shown in the editor. */
export const setApiError = StateEffect.define<ApiError | null>()

/**
 * The API's error until the query is edited. It is a lint source of its own: codemirror-promql's
 * linter replaces the editor's diagnostics each time it runs (750 ms after an edit), and would
 * wipe a mark set beside it; sources of one linter are merged instead.
 */
const apiError = StateField.define<ApiError | null>({
  create: () => null,
  update: (value, transaction) => {
    for (const effect of transaction.effects) if (effect.is(setApiError)) return effect.value
    return transaction.docChanged ? null : value
  }
})

/** The API error the editor shows, if any. */
export function apiErrorOf(state: EditorState): ApiError | null {
  return state.field(apiError, false) ?? null
}

/**
 * Where an error at `offset` is marked in a document of `length`: the character there, or the
 * last one when it points at the end (Prometheus' "unclosed left parenthesis" points past the
 * query, where an empty range would be drawn as a mere point), the end when it names no place.
 */
export function errorRange(offset: number | null, length: number): { from: number; to: number } {
  let from = Math.max(0, Math.min(offset ?? length, length))
  if (from === length && length > 0) from = length - 1
  return { from, to: Math.min(from + 1, length) }
}

function apiErrorDiagnostics(view: EditorView): Diagnostic[] {
  const error = apiErrorOf(view.state)
  if (!error) return []
  return [{ ...errorRange(error.offset, view.state.doc.length), severity: 'error', source: 'Prometheus API', message: error.message }]
}

/**
 * codemirror-promql's language, lint and completion source, and the `autocompletion()` that asks
 * that source: the language only *offers* completions (as language data), and without this
 * extension nothing ever asks for them, so no list appears while typing or on Ctrl+Space.
 */
export function promqlExtensions({ onChange, onRun, fetchFn = channelFetch }: PromQLEditorOptions): Extension[] {
  const promql = new PromQLExtension().setComplete({ remote: { url: '/prometheus', fetchFn, cache: { maxAge: COMPLETION_CACHE_MS } } })
  return [
    history(),
    // Its keymap (Enter, Escape, arrows, Ctrl+Space) comes first while a list is open: Enter
    // picks a completion there, and runs the query only when no list is open.
    autocompletion({ activateOnTyping: true }),
    keymap.of([
      { key: 'Enter', run: () => (onRun(), true) },
      { key: 'Shift-Enter', run: insertNewline }
    ]),
    keymap.of([...defaultKeymap, ...historyKeymap]),
    syntaxHighlighting(defaultHighlightStyle),
    placeholder('Expression, e.g. rate(vigil_netstat_ipkts[5m])'),
    EditorView.lineWrapping,
    EditorView.contentAttributes.of({ 'aria-label': 'PromQL expression' }),
    promql.asExtension(),
    apiError,
    linter(apiErrorDiagnostics, { needsRefresh: (update) => update.transactions.some((tr) => tr.effects.some((effect) => effect.is(setApiError))) }),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) onChange(update.state.doc.toString())
    })
  ]
}
