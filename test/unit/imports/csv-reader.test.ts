import { describe, expect, it } from 'vitest'
import { CsvReader, type CsvFault, type CsvRecord } from '../../../src/main/imports/csv-reader'

function read(text: string, chunkSize = text.length, delimiter = ','): { records: CsvRecord[]; faults: CsvFault[] } {
  const records: CsvRecord[] = []
  const faults: CsvFault[] = []
  const reader = new CsvReader({ record: (record) => records.push(record), fault: (fault) => faults.push(fault) }, delimiter)
  for (let at = 0; at < text.length; at += chunkSize) reader.push(text.slice(at, at + chunkSize))
  reader.end()
  return { records, faults }
}

describe('CsvReader', () => {
  it('reads plain and quoted fields with their line numbers, however the text is cut', () => {
    const text = 'a,b,c\r\n1,"x, y",3\n\n"multi\nline","say ""hi""",\nlast,2,3'
    for (const size of [1, 2, 3, 7, text.length]) {
      const { records, faults } = read(text, size)
      expect(faults).toEqual([])
      expect(records).toEqual([
        { line: 1, fields: ['a', 'b', 'c'] },
        { line: 2, fields: ['1', 'x, y', '3'] },
        { line: 4, fields: ['multi\nline', 'say "hi"', ''] },
        { line: 6, fields: ['last', '2', '3'] }
      ])
    }
  })

  it('reports a stray quote and characters after a closing quote with their lines, and reads on', () => {
    const { records, faults } = read('h1,h2\nab"c,1\n"x"y,2\nok,3\n')
    expect(faults).toEqual([
      { line: 2, message: 'a quote inside a field that does not start with one' },
      { line: 3, message: 'characters after a closing quote' }
    ])
    expect(records.map((record) => record.line)).toEqual([1, 4])
  })

  it('reports a quote left open at the end of the file on the line it opened', () => {
    const { records, faults } = read('h\n1\n"never closed\nmore\n', 4)
    expect(records.map((record) => record.fields)).toEqual([['h'], ['1']])
    expect(faults).toEqual([{ line: 3, message: 'a quoted field is not closed before the end of the file' }])
  })

  it('drops a byte-order mark and takes other delimiters', () => {
    const { records } = read('\ufefftime;value\n1;2\n', 3, ';')
    expect(records).toEqual([
      { line: 1, fields: ['time', 'value'] },
      { line: 2, fields: ['1', '2'] }
    ])
  })
})
