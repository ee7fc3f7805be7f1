/** Which disks or interfaces the per-device panels draw; the busiest are chosen until the user picks. */
export function KeyPicker({ label, keys, chosen, onChange }: { label: string; keys: readonly string[]; chosen: readonly string[]; onChange: (keys: string[]) => void }) {
  if (keys.length === 0) return null
  return (
    <fieldset className="key-picker">
      <legend>{label}</legend>
      {keys.map((key) => (
        <label key={key}>
          <input
            type="checkbox"
            checked={chosen.includes(key)}
            onChange={(event) => onChange(event.target.checked ? [...chosen, key] : chosen.filter((candidate) => candidate !== key))}
          />{' '}
          {key}
        </label>
      ))}
    </fieldset>
  )
}
