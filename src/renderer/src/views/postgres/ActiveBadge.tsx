/** Whether Vigil collects the instance's dashboard. */
export function ActiveBadge({ active }: { active: boolean }) {
  return <span className={active ? 'badge badge-active' : 'badge badge-inactive'}>{active ? 'active' : 'inactive'}</span>
}
