// `vigil import-metrics FILE` against a running Vigil: the differential data set as OpenMetrics
// (one file, sent in batches), a bad file that imports nothing, and no server to talk to.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { detectFormat, importMetricsCommand, type CommandOutput } from '../../src/main/cli-import'
import { SERVE_FILE } from '../../src/main/config'
import { startApi, type TestApi } from '../helpers/api'
import { generateDataset } from '../helpers/openmetrics-dataset'
import { makeTempDir } from '../helpers/temp-dir'

const dataset = generateDataset()

function capture(tty = false): CommandOutput & { stdout: () => string; stderr: () => string } {
  let stdout = ''
  let stderr = ''
  return { out: (text) => (stdout += text), err: (text) => (stderr += text), tty, stdout: () => stdout, stderr: () => stderr }
}

let api: TestApi
let files: { dir: string; remove(): void }

beforeAll(async () => {
  api = await startApi()
  writeFileSync(join(api.dataDir, SERVE_FILE), JSON.stringify({ url: api.url, pid: process.pid }))
  files = makeTempDir('vigil-import-cli-')
})

afterAll(async () => {
  await api?.close()
  files?.remove()
})

const seriesCount = async (): Promise<number> =>
  (await api.request('GET', `/prometheus/api/v1/series?match[]=${encodeURIComponent('{job=~".+"}')}`)).body.data.length

describe('vigil import-metrics', () => {
  it('imports an OpenMetrics file through the running server, in batches, with a progress line', async () => {
    const file = join(files.dir, 'dataset.om')
    writeFileSync(file, dataset.openMetrics)
    expect(detectFormat(dataset.openMetrics)).toBe('openmetrics')
    const output = capture(true)
    expect(await importMetricsCommand(api.dataDir, file, undefined, output), output.stderr()).toBe(0)
    const samples = dataset.series.reduce((n, s) => n + s.samples.length, 0)
    const progress = output.stdout().split('\r').filter(Boolean)
    // The 12 MB of text go in 4 MiB batches: the line is rewritten after each.
    expect(progress.length).toBeGreaterThanOrEqual(3)
    expect(progress.at(-1)).toBe(
      `${file}: ${samples.toLocaleString('en')} of ${samples.toLocaleString('en')} samples sent (100%)\n` +
        `Imported ${dataset.series.length} series from ${file} (OpenMetrics): ${samples.toLocaleString('en')} samples stored, 0 already there.\n`
    )
    expect(await seriesCount()).toBe(dataset.series.length)

    // Again: nothing new is stored.
    const again = capture()
    expect(await importMetricsCommand(api.dataDir, file, 'openmetrics', again)).toBe(0)
    expect(again.stdout()).toContain(`0 samples stored, ${samples.toLocaleString('en')} already there.`)
  })

  it('checks the whole file first: a bad line imports nothing and is named with the file', async () => {
    const file = join(files.dir, 'bad.prom')
    writeFileSync(file, `cli_only_metric 1 ${dataset.startMs}\ncli_only_metric 2 ${dataset.startMs + 1000}\ncli_only_metric two ${dataset.startMs + 2000}\n`)
    const output = capture()
    expect(await importMetricsCommand(api.dataDir, file, undefined, output)).toBe(1)
    expect(output.stderr()).toBe(`${file}:3:17: invalid value "two"\n`)
    expect((await api.request('GET', '/prometheus/api/v1/series?match[]=cli_only_metric')).body.data).toEqual([])
  })

  it('says when no server runs for the data dir, and how it is used', async () => {
    const elsewhere = makeTempDir('vigil-no-server-')
    try {
      const output = capture()
      expect(await importMetricsCommand(elsewhere.dir, join(files.dir, 'dataset.om'), undefined, output)).toBe(1)
      expect(output.stderr()).toMatch(/^No running 'vigil serve' found for .+: start it first/)
    } finally {
      elsewhere.remove()
    }
    const usage = capture()
    expect(await importMetricsCommand(api.dataDir, undefined, undefined, usage)).toBe(2)
    expect(await importMetricsCommand(api.dataDir, 'x', 'csv', usage)).toBe(2)
    expect(usage.stderr()).toContain('vigil import-metrics FILE')
  })
})
