// How PostgreSQL reads the value of an integer or real setting (guc.c: parse_int, parse_real,
// convert_to_base_unit), so that a value is checked against pg_settings' range the way the
// server will check it, before ALTER SYSTEM writes anything:
//   - integers as C's strtol with base 0 (decimal, 0x hex, leading-0 octal), read again as a
//     float when they stop at '.', 'e' or 'E' ('1.5', '1e3'), then rounded half to even;
//   - reals as C's strtod (decimal, hex floats, inf; NaN is refused);
//   - then optional white space and a unit, case-sensitive, of the setting's family only:
//     B kB MB GB TB for memory, us ms s min h d for time; a fraction is first rounded to a whole
//     number of the next smaller unit ('1.5GB' is 1536MB), as PostgreSQL does.

/** C's isspace in the "C" locale: what strtol and the unit parser skip. */
const C_SPACE = /^[ \t\n\v\f\r]*/

type UnitFamily = 'memory' | 'time'

/** Units a value may carry, in PostgreSQL's table order (largest first), with their size in bytes or milliseconds. */
const UNITS: Record<UnitFamily, ReadonlyArray<readonly [unit: string, size: number]>> = {
  memory: [
    ['TB', 1024 ** 4],
    ['GB', 1024 ** 3],
    ['MB', 1024 ** 2],
    ['kB', 1024],
    ['B', 1]
  ],
  time: [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
    ['ms', 1],
    ['us', 0.001]
  ]
}

/** What one unit of a setting is worth, from pg_settings.unit ('8kB', 'kB', 'MB', 'ms', 's', 'min'). */
export interface SettingUnit {
  family: UnitFamily
  /** In bytes or milliseconds. */
  size: number
}

/** A value, or why PostgreSQL would refuse it (a clause such as "it must be an integer"). */
export type Parsed = { ok: true; value: number } | { ok: false; problem: string }

const INT_MAX = 2 ** 31 - 1
const INT_MIN = -(2 ** 31)

/** pg_settings.unit → its family and size; null for a unitless setting (or a unit this version does not know). */
export function parseSettingUnit(unit: string | null): SettingUnit | null {
  if (unit === null) return null
  const match = /^([0-9]*)([A-Za-z]+)$/.exec(unit)
  if (!match) return null
  const count = match[1] ? Number(match[1]) : 1
  for (const family of ['memory', 'time'] as const) {
    const entry = UNITS[family].find(([name]) => name === match[2])
    if (entry) return { family, size: count * entry[1] }
  }
  return null
}

/** The units a value of this setting may carry, for messages. */
function acceptedUnits(unit: SettingUnit): string {
  return UNITS[unit.family].map(([name]) => name).join(', ')
}

/** Reads an integer setting's value as PostgreSQL does, in the setting's own unit. */
export function parseGucInteger(text: string, unit: SettingUnit | null): Parsed {
  const number = leadingInteger(text)
  if (!number) return { ok: false, problem: notANumber('an integer', unit) }
  const converted = applyUnit(number.value, number.rest, unit)
  if (!converted.ok) return converted
  const value = roundHalfEven(converted.value)
  if (value > INT_MAX || value < INT_MIN) return { ok: false, problem: 'it exceeds the integer range' }
  return { ok: true, value }
}

/** Reads a real setting's value as PostgreSQL does, in the setting's own unit. */
export function parseGucReal(text: string, unit: SettingUnit | null): Parsed {
  const number = leadingReal(text)
  if (!number || Number.isNaN(number.value)) return { ok: false, problem: notANumber('a number', unit) }
  return applyUnit(number.value, number.rest, unit)
}

/** C's rint() in the default rounding mode: halves go to the even neighbour. */
export function roundHalfEven(value: number): number {
  if (Math.abs(value % 1) === 0.5) return 2 * Math.round(value / 2)
  return Math.round(value)
}

interface Leading {
  value: number
  /** What follows the number. */
  rest: string
}

/** parse_int's reading: strtol(text, &end, 0), and strtod instead when strtol stops at '.', 'e' or 'E'. */
function leadingInteger(text: string): Leading | null {
  const trimmed = text.replace(C_SPACE, '')
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(trimmed)
  // Without digits strtol leaves its end at the very start, white space included: ' .5' is refused, '.5' is not.
  const rest = match ? trimmed.slice(match[0].length) : text
  if (/^[.eE]/.test(rest)) return leadingReal(text)
  if (!match) return null
  const digits = match[2] as string
  const magnitude = /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : digits.startsWith('0') ? parseInt(digits, 8) : Number(digits)
  return { value: match[1] === '-' ? -magnitude : magnitude, rest }
}

/** strtod: hex float, decimal float, or inf/infinity/nan, after leading white space. */
function leadingReal(text: string): Leading | null {
  const trimmed = text.replace(C_SPACE, '')
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?/.exec(trimmed)
  if (hex && (hex[2] || hex[3])) {
    const fraction = hex[3] ?? ''
    const magnitude = parseInt(hex[2] + fraction, 16) * 2 ** (Number(hex[4] ?? 0) - 4 * fraction.length)
    return { value: hex[1] === '-' ? -magnitude : magnitude, rest: trimmed.slice(hex[0].length) }
  }
  const decimal = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(trimmed)
  if (decimal) return { value: Number(decimal[0]), rest: trimmed.slice(decimal[0].length) }
  const special = /^([+-]?)(inf(?:inity)?|nan)/i.exec(trimmed)
  if (special) {
    const magnitude = (special[2] as string).toLowerCase() === 'nan' ? NaN : Infinity
    return { value: special[1] === '-' ? -magnitude : magnitude, rest: trimmed.slice(special[0].length) }
  }
  return null
}

/** convert_to_base_unit: the text after the number is empty, or one unit of the setting's family. */
function applyUnit(value: number, rest: string, unit: SettingUnit | null): Parsed {
  const afterNumber = rest.replace(C_SPACE, '')
  if (afterNumber === '') return { ok: true, value }
  if (!unit) return { ok: false, problem: `the setting takes no unit, and '${afterNumber}' follows the number` }
  // PostgreSQL reads at most 3 characters of unit (MAX_UNIT_LEN), then only white space may follow.
  const token = /^[^ \t\n\v\f\r]{1,3}/.exec(afterNumber)?.[0] ?? ''
  const units = UNITS[unit.family]
  const index = units.findIndex(([name]) => name === token)
  const entry = units[index]
  if (!entry || afterNumber.slice(token.length).replace(C_SPACE, '') !== '') {
    return { ok: false, problem: `'${afterNumber}' is not a unit of this setting: valid units are ${acceptedUnits(unit)}` }
  }
  let converted = (value * entry[1]) / unit.size
  const smaller = units[index + 1]
  if (smaller) {
    const step = smaller[1] / unit.size
    converted = roundHalfEven(converted / step) * step
  }
  return { ok: true, value: converted }
}

function notANumber(what: string, unit: SettingUnit | null): string {
  return unit ? `it must be ${what}, optionally followed by a unit (${acceptedUnits(unit)})` : `it must be ${what}`
}
