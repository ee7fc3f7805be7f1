import type { Topics } from '../../../shared/contract'
import type { ScrapeReport } from './target-scrape'
import type { WorkspacesService } from './workspaces-service'

/**
 * Turns scrape reports into changes of health (the `scrape.health` topic): a target is announced
 * down on its first failed scrape and up on its first good one after, never on every scrape.
 * What the targets' rows said at start seeds it, so a restart does not announce again a target
 * that was already down.
 */
export function scrapeHealthReporter(workspaces: Pick<WorkspacesService, 'allTargets'>, publish: (change: Topics['scrape.health']) => void): (report: ScrapeReport) => void {
  const up = new Map<string, boolean>()
  for (const { target } of workspaces.allTargets()) if (target.mntrnStatCd !== null) up.set(target.targetId, target.mntrnStatCd === 'UP')
  return (report) => {
    const was = up.get(report.targetId)
    up.set(report.targetId, report.up)
    // A new target's first good scrape is no news; its first failed one is.
    if (was === report.up || (was === undefined && report.up)) return
    const found = workspaces.allTargets().find(({ target }) => target.targetId === report.targetId)
    if (!found) return
    publish({
      targetId: report.targetId,
      job: found.workspace.jobName,
      instance: `${found.target.hostNm}:${found.target.port}`,
      url: found.target.scrapeUrl,
      up: report.up,
      error: report.failReason,
      at: new Date(report.at).toISOString()
    })
  }
}
