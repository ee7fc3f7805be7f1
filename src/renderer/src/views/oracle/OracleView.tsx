import { useEffect } from 'react'
import { useOracle } from '../../stores/oracle'
import { DatabasesView } from './DatabasesView'
import { DatabaseView } from './DatabaseView'
import { TableView } from './TableView'
import './oracle.css'

/**
 * Table monitoring: `#/oracle` lists the databases, `#/oracle/databases/{id}` one database and
 * its watched tables, `#/oracle/tables/{id}` one table (rows, changes, tasks).
 */
export function OracleView({ route }: { route: string }) {
  useEffect(() => {
    void useOracle.getState().load()
    return useOracle.getState().follow()
  }, [])

  const database = /^\/oracle\/databases\/(\d+)$/.exec(route)
  if (database) return <DatabaseView key={database[1]} databaseId={Number(database[1])} />
  const table = /^\/oracle\/tables\/(\d+)$/.exec(route)
  if (table) return <TableView key={table[1]} tableId={Number(table[1])} />
  return <DatabasesView />
}
