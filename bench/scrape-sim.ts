// The scrape benchmark's targets (bench/scrape.ts), in a process of their own so that their CPU
// is not counted as Vigil's: N HTTP servers on 127.0.0.1, each answering /metrics with SERIES
// series in the Prometheus text format, as an exporter would — counters that grow, gauges that
// wander with two decimals — plus `sim_generated_ms`, the moment the answer was written, which
// the benchmark reads back through PromQL to time scrape-to-queryable. Prints the ports as one
// JSON line, then serves until killed.
//   npx tsx bench/scrape-sim.ts <targets> <series>
import { createServer } from 'node:http'

const targets = Number(process.argv[2] ?? 100)
const series = Number(process.argv[3] ?? 1000)
const perFamily = Math.floor((series - 1) / 3)

function exposition(state: { counters: number[]; gauges: number[]; temps: number[] }): string {
  const lines = ['# TYPE sim_generated_ms gauge', `sim_generated_ms ${Date.now()}`, '# TYPE sim_requests_total counter']
  for (let i = 0; i < perFamily; i++) {
    state.counters[i] = (state.counters[i] ?? 0) + Math.floor(Math.random() * 50)
    lines.push(`sim_requests_total{path="/api/v1/resource/${i}",code="200"} ${state.counters[i]}`)
  }
  lines.push('# TYPE sim_queue_depth gauge')
  for (let i = 0; i < perFamily; i++) {
    state.gauges[i] = Math.max(0, (state.gauges[i] ?? 100) + Math.round((Math.random() - 0.5) * 10))
    lines.push(`sim_queue_depth{queue="q${i}"} ${state.gauges[i]}`)
  }
  lines.push('# TYPE sim_temperature_celsius gauge')
  for (let i = 0; i < series - 1 - 2 * perFamily; i++) {
    state.temps[i] = Math.round(((state.temps[i] ?? 40) + (Math.random() - 0.5)) * 100) / 100
    lines.push(`sim_temperature_celsius{sensor="s${i}"} ${state.temps[i]}`)
  }
  return `${lines.join('\n')}\n`
}

async function main(): Promise<void> {
  const ports: number[] = []
  for (let t = 0; t < targets; t++) {
    const state = { counters: [] as number[], gauges: [] as number[], temps: [] as number[] }
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' })
      response.end(exposition(state))
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    const address = server.address()
    ports.push(typeof address === 'object' && address ? address.port : 0)
  }
  process.stdout.write(`${JSON.stringify({ ports })}\n`)
}

void main()
