import { isIPv4, isIPv6 } from 'node:net'
import { AppError } from '../../../../shared/errors'

/** Where an Oracle database listens: the spec's host, port and sid, or a service_name. */
export interface OracleAddress {
  host: string
  port: number
  sid?: string | null
  service_name?: string | null
}

const NAME = /^[A-Za-z0-9_.$#-]+$/
const MAX_NAME_LENGTH = 128
const HOSTNAME_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/
/**
 * node-oracledb Thin mode's Easy Connect grammar (lib/thin/sqlnet/ezConnectResolver.js) is
 * narrower than what a descriptor carries: a host of at least two characters starting with a
 * letter or digit (or a bracketed IPv6 address of hex digits and colons), a service name
 * starting with a letter or digit with no '$' or '#'. Names outside it get a descriptor.
 */
const EASY_HOST = /^[A-Za-z0-9][A-Za-z0-9._-]+$/
const EASY_IPV6 = /^[0-9A-Fa-f:]+$/
const EASY_SERVICE = /^[A-Za-z0-9][A-Za-z0-9_.-]+$/

/**
 * The connectString for oracledb: Easy Connect `host:port/service_name` for a service, a full
 * descriptor for a SID (Thin mode has no `host:port:SID` form). Everything is checked against
 * narrow character sets first, so nothing the user typed can add or close a descriptor
 * clause: no spaces, parentheses, '=', quotes or backslashes reach the string.
 */
export function buildConnectString(address: OracleAddress): string {
  const host = checkHost(address.host)
  const port = checkPort(address.port)
  const sid = presentName(address.sid)
  const service = presentName(address.service_name)
  if (sid !== undefined && service !== undefined) throw AppError.invalidField('service_name', 'give either sid or service_name, not both')
  if (sid === undefined && service === undefined) throw AppError.invalidField('sid', 'give either sid or service_name')
  const connectData = sid !== undefined ? `(SID=${checkName(sid, 'sid')})` : `(SERVICE_NAME=${checkName(service as string, 'service_name')})`

  if (service !== undefined && EASY_SERVICE.test(service)) {
    if (isIPv6(host) && EASY_IPV6.test(host)) return `[${host}]:${port}/${service}`
    if (!isIPv6(host) && EASY_HOST.test(host)) return `${host}:${port}/${service}`
  }
  // The descriptor takes IPv6 addresses bare, as Thin mode's own Easy Connect resolver writes them.
  return `(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=${host})(PORT=${port}))(CONNECT_DATA=${connectData}))`
}

/** A hostname, an IPv4 address or an IPv6 address (optionally in brackets); returns it bare. */
export function checkHost(value: unknown): string {
  const invalid = (rule: string): AppError => AppError.invalidField('host', rule)
  if (typeof value !== 'string' || value.length === 0) throw invalid('must be a hostname or an IP address')
  const bracketed = /^\[(.*)\]$/.exec(value)
  if (bracketed) {
    if (!isIPv6(bracketed[1] as string) || bracketed[1]?.includes('%')) throw invalid(`'${value}' is not an IPv6 address`)
    return bracketed[1] as string
  }
  // Zone ids (fe80::1%eth0) name an interface of this machine; a database address never needs one.
  if (isIPv6(value) && !value.includes('%')) return value
  if (value.length > 253) throw invalid('must be at most 253 characters long')
  const labels = value.split('.')
  if (!labels.every((label) => HOSTNAME_LABEL.test(label))) {
    throw invalid(`'${value}' is not a hostname or IP address: use letters, digits, '-', '_' and '.' only`)
  }
  // 999.1.1.1 would otherwise pass as a hostname.
  if (labels.every((label) => /^\d+$/.test(label)) && !isIPv4(value)) throw invalid(`'${value}' is not a valid IPv4 address`)
  return value
}

export function checkPort(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw AppError.invalidField('port', 'must be an integer from 1 to 65535')
  }
  return value
}

function presentName(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : value
}

function checkName(value: string, field: 'sid' | 'service_name'): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw AppError.invalidField(field, "may contain only letters, digits and the characters _ . $ # -")
  }
  if (value.length > MAX_NAME_LENGTH) throw AppError.invalidField(field, `must be at most ${MAX_NAME_LENGTH} characters long`)
  return value
}
