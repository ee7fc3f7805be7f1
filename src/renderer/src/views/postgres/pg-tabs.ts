// The instance page's tabs, apart from the page: the router reads them without loading it.
export const PG_TABS = [
  { id: 'activity', label: 'Activity' },
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'maintenance', label: 'Maintenance' },
  { id: 'configuration', label: 'Configuration' },
  { id: 'statements', label: 'Statements' },
  { id: 'trail', label: 'Trail' }
] as const
export type PgTabId = (typeof PG_TABS)[number]['id']

export function isPgTab(value: string | undefined): value is PgTabId {
  return PG_TABS.some((tab) => tab.id === value)
}
