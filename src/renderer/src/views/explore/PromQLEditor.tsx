import { forceLinting } from '@codemirror/lint'
import { EditorView } from '@codemirror/view'
import { useEffect, useRef } from 'react'
import { promqlExtensions, setApiError } from './promql-extensions'

export interface EditorError {
  message: string
  /** Where in the query it lies; null when the API names no position. */
  offset: number | null
}

interface PromQLEditorProps {
  /** The query the editor opens with. */
  value: string
  /** A query loaded later (a new object each time): it replaces what is in the editor. */
  loaded?: { query: string } | null
  onChange: (query: string) => void
  /** Enter (outside a completion list) runs the query; Shift+Enter adds a line. */
  onRun: () => void
  error: EditorError | null
}

/**
 * CodeMirror 6 with codemirror-promql: highlighting, its own syntax lint, and completion of
 * functions, metric names, labels and values read from Vigil's Prometheus API.
 */
export function PromQLEditor({ value, loaded = null, onChange, onRun, error }: PromQLEditorProps) {
  const holder = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView | null>(null)
  // The latest callbacks, read by the editor created once.
  const latest = useRef({ onChange, onRun })
  useEffect(() => {
    latest.current = { onChange, onRun }
  })

  useEffect(() => {
    const created = new EditorView({
      parent: holder.current as HTMLDivElement,
      doc: value,
      extensions: promqlExtensions({
        onChange: (query) => latest.current.onChange(query),
        onRun: () => latest.current.onRun()
      })
    })
    view.current = created
    return () => {
      created.destroy()
      view.current = null
    }
    // `value` seeds the editor; later changes come in below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  // A query loaded from outside (another Explore link) replaces the document. Not every `value`:
  // an effect for an older one could run after the next keystroke and undo it.
  useEffect(() => {
    const editor = view.current
    if (!editor || !loaded || editor.state.doc.toString() === loaded.query) return
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: loaded.query }, selection: { anchor: loaded.query.length } })
  }, [loaded])

  // The API's error, marked where it points (to the end of the query when it names no place).
  useEffect(() => {
    const editor = view.current
    if (!editor) return
    editor.dispatch({ effects: setApiError.of(error) })
    forceLinting(editor)
  }, [error])

  return <div className="promql-editor" ref={holder} />
}
