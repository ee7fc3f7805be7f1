import Format from 'typebox/format'

// Custom string formats used by Vigil's schemas. Registered once, globally, so that every
// validator (the API's and the forms') agrees on what a valid value is.
Format.Set('ip-address', (value) => Format.IsIPv4(value) || Format.IsIPv6(value))

export const IP_ADDRESS_FORMAT = 'ip-address'

// Host name labels as resolvers accept them: underscores too (common in internal DNS, which
// RFC 1123 and typebox's `hostname` format refuse).
const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/

/** A host name, an IPv4 address or an IPv6 address: where a database server is reached. */
export function isHost(value: string): boolean {
  if (Format.IsIPv4(value) || Format.IsIPv6(value)) return true
  if (value.length === 0 || value.length > 253) return false
  const labels = value.split('.')
  // All-numeric names such as 300.1.1.1 are mistyped IPv4 addresses, not host names.
  if (/^\d+$/.test(labels.at(-1) ?? '')) return false
  return labels.every((label) => LABEL.test(label))
}

Format.Set('host', isHost)

export const HOST_FORMAT = 'host'
