// The bus's news as webhook events: only changes are events (a server failing on every retry is
// one server.down), each with the area its receiver's creator must read.
import { describe, expect, it } from 'vitest'
import { EventBus } from '../../../src/main/base/bus'
import { subscribeWebhookEvents, type VigilEvent } from '../../../src/main/webhooks/webhook-events'
import { scrapeHealthReporter } from '../../../src/main/prometheus/scrape/scrape-health'

function listen(): { bus: EventBus; events: VigilEvent[]; detach: () => void } {
  const bus = new EventBus()
  const events: VigilEvent[] = []
  const detach = subscribeWebhookEvents(bus, (id) => (id === 's1' ? 'web-01' : null), (event) => events.push(event))
  return { bus, events, detach }
}

describe('server.down and server.up', () => {
  it('tells a server going down once, and up once when it collects again, with how long it was down', () => {
    const { bus, events, detach } = listen()
    const state = (state: string, since: string, error: string | null = null) => bus.publish('servers.state', { id: 's1', state: state as never, error, since })
    state('connecting', '2026-01-01T00:00:00Z')
    state('collecting', '2026-01-01T00:00:01Z')
    state('unreachable', '2026-01-01T00:01:00Z', 'connect ECONNREFUSED')
    state('connecting', '2026-01-01T00:01:05Z')
    state('unreachable', '2026-01-01T00:01:06Z', 'connect ECONNREFUSED')
    state('collecting', '2026-01-01T00:03:00Z')
    state('collecting', '2026-01-01T00:03:30Z')
    expect(events).toEqual([
      { event: 'server.down', area: 'servers', data: { server_id: 's1', hostname: 'web-01', state: 'unreachable', error: 'connect ECONNREFUSED', since: '2026-01-01T00:01:00Z' } },
      { event: 'server.up', area: 'servers', data: { server_id: 's1', hostname: 'web-01', state: 'collecting', since: '2026-01-01T00:03:00Z', down_seconds: 120 } }
    ])
    detach()
    state('auth_failed', '2026-01-01T00:04:00Z')
    expect(events).toHaveLength(2)
  })

  it('forgets a down server whose collection is turned off: no server.up for it', () => {
    const { bus, events } = listen()
    bus.publish('servers.state', { id: 's1', state: 'host_key_mismatch', error: 'changed', since: '2026-01-01T00:00:00Z' })
    bus.publish('servers.state', { id: 's1', state: 'disabled', error: null, since: '2026-01-01T00:01:00Z' })
    bus.publish('servers.state', { id: 's1', state: 'collecting', error: null, since: '2026-01-01T00:02:00Z' })
    expect(events.map((event) => event.event)).toEqual(['server.down'])
  })
})

describe('collection.failed', () => {
  it('takes the area of the collector’s kind', () => {
    const { bus, events } = listen()
    const kinds = { 'server:web-01': 'metrics', 'postgres:main': 'postgres', 'table:prod.SHOP.ORDERS': 'oracle', 'scrape:node@web-01:9100': 'prometheus', 'import:app': 'platform' }
    for (const source of Object.keys(kinds)) bus.publish('platform.event', { type: 'collector_down', source, error: 'x', timestamp: '2026-01-01T00:00:00Z' })
    bus.publish('platform.event', { type: 'collector_up', source: 'postgres:main', down_seconds: 3, timestamp: '2026-01-01T00:00:00Z' })
    expect(events.map((event) => [event.data.source, event.area])).toEqual(Object.entries(kinds))
  })
})

describe('scrapeHealthReporter', () => {
  const target = (targetId: string, mntrnStatCd: string | null) => ({
    workspace: { jobName: 'node' },
    target: { targetId, hostNm: 'web-01', port: 9100, scrapeUrl: 'http://web-01:9100/metrics', mntrnStatCd }
  })
  const report = (targetId: string, up: boolean) => ({ targetId, up, at: Date.parse('2026-01-01T00:00:00Z'), failReason: up ? null : 'refused' }) as never

  it('announces changes only, and not again a target that was down before a restart', () => {
    const changes: Array<{ targetId: string; up: boolean }> = []
    const targets = [target('new', null), target('was-down', 'DOWN')]
    const reporter = scrapeHealthReporter({ allTargets: () => targets as never }, (change) => changes.push(change))
    reporter(report('new', true))
    reporter(report('new', true))
    reporter(report('new', false))
    reporter(report('new', false))
    reporter(report('was-down', false))
    reporter(report('was-down', true))
    expect(changes.map(({ targetId, up }) => [targetId, up])).toEqual([
      ['new', false],
      ['was-down', true]
    ])
    expect(changes[0]).toMatchObject({ job: 'node', instance: 'web-01:9100', url: 'http://web-01:9100/metrics', error: 'refused', at: '2026-01-01T00:00:00.000Z' })
  })
})
