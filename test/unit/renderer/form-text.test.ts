import { describe, expect, it } from 'vitest'
import { changedFields, filledFields } from '../../../src/renderer/src/forms/form-text'

const values = { name: ' web-01 ', alias: '', port: '22', interval: 'x' }

describe('filledFields', () => {
  it('trims texts, types integers and leaves blank ones out', () => {
    expect(filledFields(values, ['name', 'alias'], ['port', 'interval'])).toEqual({ name: 'web-01', port: 22, interval: 'x' })
  })
})

describe('changedFields', () => {
  it('sends only what differs from the form as it opened, an emptied field as empty', () => {
    const before = { name: 'web-01', alias: 'old', port: '2222', interval: 'x' }
    expect(changedFields(values, before, ['name', 'alias'], ['port', 'interval'])).toEqual({ alias: '', port: 22 })
  })
})
