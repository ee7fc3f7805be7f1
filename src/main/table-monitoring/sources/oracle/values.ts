// How Oracle values become snapshot values: numbers that fit a double as numbers, the rest
// as exact decimal text.
import type { OracleColumnMetadata, OracleDriver, OracleFetchTypeHandler } from './driver'

/**
 * Types as the snapshot needs them (the rows are compared and stored as JSON):
 * - CLOB and NCLOB as strings, BLOB as a Buffer (RAW already is one): a Lob object would need
 *   another round trip per value and cannot be compared.
 * - NUMBER as a JavaScript number when that loses nothing, else as its exact decimal text. A
 *   column whose declared precision is 1 to 15 always fits a double (15 significant digits
 *   survive a round trip), so it takes the driver's fast path. Every other NUMBER — no
 *   precision, as most ID columns are declared, NUMBER(16..38), FLOAT, computed values — is
 *   fetched as the server's decimal text and `oracleNumberValue` decides per value. The same
 *   value always comes back the same way, so the diff never sees a change that did not happen.
 * - DATE and TIMESTAMP as Date (the driver's default; DATE and TIMESTAMP without a time zone
 *   are read in Vigil's local time zone), RAW as Buffer, the rest as the driver gives them.
 */
export function oracleFetchTypeHandler(driver: OracleDriver): OracleFetchTypeHandler {
  return (metadata) => {
    switch (metadata.dbType) {
      case driver.DB_TYPE_CLOB:
      case driver.DB_TYPE_NCLOB:
        // The driver maps this onto LONG / LONG NVARCHAR and reads the whole LOB inline.
        return { type: driver.DB_TYPE_VARCHAR }
      case driver.DB_TYPE_BLOB:
        return { type: driver.DB_TYPE_RAW }
      case driver.DB_TYPE_NUMBER:
        return numberFitsDouble(metadata) ? undefined : { type: driver.DB_TYPE_VARCHAR, converter: oracleNumberValue }
      default:
        return undefined
    }
  }
}

/** NUMBER(p) and NUMBER(p, s) with 1 ≤ p ≤ 15; FLOAT (scale -127) counts its precision in bits. */
function numberFitsDouble(metadata: OracleColumnMetadata): boolean {
  const { precision, scale } = metadata
  return typeof precision === 'number' && precision >= 1 && precision <= 15 && scale !== -127
}

/**
 * An Oracle NUMBER's decimal text (as Thin mode writes it: "123", "-.05", "1000…0") as a number
 * when the number is the same decimal value — the shortest text JavaScript prints for it names
 * the same number — and, for integers, a safe one (|n| ≤ 2^53 − 1, where arithmetic stays
 * exact). Otherwise the text, unchanged: 12345678901234567890 or 0.12345678901234567 stay strings.
 */
export function oracleNumberValue(value: unknown): unknown {
  if (typeof value !== 'string') return value
  const number = Number(value)
  if (!Number.isFinite(number) || value.trim() === '') return value
  if (Number.isInteger(number) && !Number.isSafeInteger(number)) return value
  const exact = decimalKey(value)
  return exact !== null && exact === decimalKey(String(number)) ? number : value
}

/** A decimal's value as "±0.<digits>e<exponent>" with no leading or trailing zero digits. */
function decimalKey(text: string): string | null {
  const match = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim())
  if (!match) return null
  const whole = match[2] ?? ''
  const fraction = match[3] ?? ''
  if (whole === '' && fraction === '') return null
  let digits = whole + fraction
  let exponent = Number(match[4] ?? 0) + whole.length
  const firstDigit = digits.search(/[1-9]/)
  if (firstDigit < 0) return '0'
  digits = digits.slice(firstDigit).replace(/0+$/, '')
  exponent -= firstDigit
  return `${match[1] === '-' ? '-' : ''}0.${digits}e${exponent}`
}
