import type { InterfaceCounters, NetstatSample } from './types'

/** A netstat row before the collector stamps its time: the counters and their rates. */
export type InterfaceRates = Omit<NetstatSample, 'time'>

type Counter = 'ipkts' | 'ierrs' | 'opkts' | 'oerrs'

/**
 * Per-second rates of one interface between two samples of its cumulative counters. A rate is
 * null when there is nothing to compare with (a new interface, a first sample, no elapsed
 * time) or when the counter went backwards (reboot, wrap, driver reset): a negative or huge
 * rate would be a made-up value.
 */
export function interfaceRates(
  previous: InterfaceCounters | null | undefined,
  current: InterfaceCounters,
  elapsedSeconds: number
): InterfaceRates {
  const comparable = previous && previous.interface === current.interface && Number.isFinite(elapsedSeconds) && elapsedSeconds > 0
  const rate = (counter: Counter): number | null => {
    if (!comparable) return null
    const delta = current[counter] - previous[counter]
    const perSecond = delta / elapsedSeconds
    return delta >= 0 && Number.isFinite(perSecond) ? perSecond : null
  }
  return {
    ...current,
    ipkts_rate: rate('ipkts'),
    ierrs_rate: rate('ierrs'),
    opkts_rate: rate('opkts'),
    oerrs_rate: rate('oerrs')
  }
}

/** interfaceRates for every interface of a sample, matched to the previous sample by name. */
export function interfaceRatesAll(
  previous: readonly InterfaceCounters[] | null | undefined,
  current: readonly InterfaceCounters[],
  elapsedSeconds: number
): InterfaceRates[] {
  const before = new Map((previous ?? []).map((row) => [row.interface, row]))
  return current.map((now) => interfaceRates(before.get(now.interface), now, elapsedSeconds))
}
