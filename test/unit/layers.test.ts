import { resolve } from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

// The lint rule that keeps the layers (eslint/layers.mjs), run the way `npm run lint` runs it.
const eslint = new ESLint({ cwd: resolve(__dirname, '../..') })

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = x\n`, { filePath })
  return (result?.messages ?? []).filter((message) => message.ruleId === 'vigil/layers').map((message) => message.message)
}

describe('import boundaries', () => {
  it('refuses an upward import from base into a feature', async () => {
    expect(await layerErrors('src/main/base/ssh/probe.ts', "import { x } from '../../metrics'")).toEqual([
      "'../../metrics': base imports no feature, API face or shell"
    ])
  })

  it("refuses a feature reaching into another feature's internals, and allows its index", async () => {
    expect(await layerErrors('src/main/postgres/probe.ts', "import { x } from '../servers/servers-service'")).toEqual([
      "'../servers/servers-service': import the servers feature through its index.ts"
    ])
    expect(await layerErrors('src/main/postgres/probe.ts', "import { x } from '../servers'")).toEqual([])
    expect(await layerErrors('src/main/postgres/activity/probe.ts', "import { x } from '../pool'")).toEqual([])
  })

  it('keeps HTTP out of the features and the base', async () => {
    expect(await layerErrors('src/main/metrics/probe.ts', "import { x } from '../api/server'")).toEqual([
      "'../api/server': a feature imports no API face (engines know nothing of HTTP)"
    ])
    expect(await layerErrors('src/main/base/probe.ts', "import { x } from 'fastify'")).toEqual([
      "'fastify' belongs in src/main/api: engines and the base know nothing of HTTP"
    ])
    expect(await layerErrors('src/main/api/probe.ts', "import { x } from 'fastify'")).toEqual([])
  })

  it('lets the renderer and src/shared import only src/shared', async () => {
    expect(await layerErrors('src/renderer/src/probe.ts', "import { x } from '../../main/servers'")).toEqual([
      "'../../main/servers': the renderer imports only src/shared"
    ])
    expect(await layerErrors('src/shared/probe.ts', "import { x } from '../renderer/src/App'")).toEqual([
      "'../renderer/src/App': src/shared depends on nothing of Vigil"
    ])
    expect(await layerErrors('src/renderer/src/probe.ts', "import { x } from '../../shared/servers'")).toEqual([])
  })
})
