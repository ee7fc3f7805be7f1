// The dashboard data set, field for field as the agent API documents it (GET /dashboard,
// /dashboard/live, each element of /dashboard/history). Defined in src/shared/pg-agent.ts, which
// the UI reads too.
export type { Counted, CpuUsage, Dashboard, DashboardInfo, DatabasesSummary, MemoryUsage } from '../../../shared/pg-agent'
