import { defaultKeymap, history, historyKeymap, insertNewline } from '@codemirror/commands'
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language'
import { setDiagnostics } from '@codemirror/lint'
import { EditorView, keymap, placeholder } from '@codemirror/view'
import { PromQLExtension } from '@prometheus-io/codemirror-promql'
import { useEffect, useRef } from 'react'
import { channelFetch } from './prometheus-client'

export interface EditorError {
  message: string
  /** Where in the query it lies; null when the API names no position. */
  offset: number | null
}

interface PromQLEditorProps {
  value: string
  onChange: (query: string) => void
  /** Enter (outside a completion list) runs the query; Shift+Enter adds a line. */
  onRun: () => void
  error: EditorError | null
}

/**
 * CodeMirror 6 with codemirror-promql: highlighting, its own syntax lint, and completion of
 * functions, metric names, labels and values read from Vigil's Prometheus API.
 */
export function PromQLEditor({ value, onChange, onRun, error }: PromQLEditorProps) {
  const holder = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView | null>(null)
  // The latest callbacks, read by the editor created once.
  const latest = useRef({ onChange, onRun })
  useEffect(() => {
    latest.current = { onChange, onRun }
  })

  useEffect(() => {
    const promql = new PromQLExtension().setComplete({ remote: { url: '/prometheus', fetchFn: channelFetch, cache: { maxAge: 60_000 } } })
    const created = new EditorView({
      parent: holder.current as HTMLDivElement,
      doc: value,
      extensions: [
        history(),
        keymap.of([
          { key: 'Enter', run: () => (latest.current.onRun(), true) },
          { key: 'Shift-Enter', run: insertNewline }
        ]),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        syntaxHighlighting(defaultHighlightStyle),
        placeholder('Expression, e.g. rate(vigil_netstat_ipkts[5m])'),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': 'PromQL expression' }),
        promql.asExtension(),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) latest.current.onChange(update.state.doc.toString())
        })
      ]
    })
    view.current = created
    return () => {
      created.destroy()
      view.current = null
    }
    // The document is the editor's own after creation; `value` seeds it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  // The API's error, marked where it points (to the end of the query when it names no place).
  useEffect(() => {
    const editor = view.current
    if (!editor) return
    const length = editor.state.doc.length
    const from = error ? Math.min(error.offset ?? length, length) : 0
    const diagnostics = error ? [{ from, to: Math.min(from + 1, length), severity: 'error' as const, message: error.message }] : []
    editor.dispatch(setDiagnostics(editor.state, diagnostics))
  }, [error])

  return <div className="promql-editor" ref={holder} />
}
