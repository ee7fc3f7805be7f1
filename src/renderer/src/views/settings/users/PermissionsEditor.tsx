import { useState } from 'react'
import { PERMISSION_AREAS, type Permission, type PermissionArea, type UserDto } from '../../../../../shared/teams'

type Level = 'none' | 'read' | 'write'
const AREAS = PERMISSION_AREAS.filter((area) => area !== 'users')

function levelOf(permissions: readonly string[], area: PermissionArea): Level {
  return permissions.includes(area) ? 'write' : permissions.includes(`${area}:read`) ? 'read' : 'none'
}

/** What a user may do, area by area: nothing, read only, or read and write; or staff (everything, users included). */
export function PermissionsEditor({ user, onSave, onCancel }: { user: UserDto; onSave(changes: { is_staff: boolean; permissions: Permission[] }): void; onCancel(): void }) {
  const [isStaff, setIsStaff] = useState(user.is_staff)
  const [levels, setLevels] = useState<Record<string, Level>>(() => Object.fromEntries(AREAS.map((area) => [area, levelOf(user.permissions, area)])))
  const permissions = AREAS.flatMap((area): Permission[] => (levels[area] === 'write' ? [area] : levels[area] === 'read' ? [`${area}:read`] : []))
  return (
    <form
      className="permissions-editor"
      aria-label={`Permissions of ${user.username}`}
      onSubmit={(event) => {
        event.preventDefault()
        onSave({ is_staff: isStaff, permissions })
      }}
    >
      <label className="check">
        <input type="checkbox" checked={isStaff} onChange={(event) => setIsStaff(event.target.checked)} /> Staff (admin: every area, and the users)
      </label>
      {!isStaff ? (
        <table className="data-table compact">
          <tbody>
            {AREAS.map((area) => (
              <tr key={area}>
                <th scope="row">{area}</th>
                <td>
                  <select aria-label={`${area} access`} value={levels[area]} onChange={(event) => setLevels({ ...levels, [area]: event.target.value as Level })}>
                    <option value="none">no access</option>
                    <option value="read">read only</option>
                    <option value="write">read and write</option>
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="toolbar">
        <button type="submit" className="primary">
          Save permissions
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}

/** How the list shows a user's rights. */
export function describePermissions(user: UserDto): string {
  return user.is_staff ? 'staff (everything)' : user.permissions.join(', ') || 'no access'
}
