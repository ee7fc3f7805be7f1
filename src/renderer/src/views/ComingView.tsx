/** An area whose collectors are not in this build yet: say so plainly rather than show an empty screen. */
export function ComingView({ title, what }: { title: string; what: string }) {
  return (
    <section className="view" aria-labelledby="coming-title">
      <header className="view-header">
        <h1 id="coming-title">{title}</h1>
      </header>
      <p className="empty-state">{what}</p>
    </section>
  )
}
