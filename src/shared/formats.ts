import Format from 'typebox/format'

// Custom string formats used by Vigil's schemas. Registered once, globally, so that every
// validator (the API's and the forms') agrees on what a valid value is.
Format.Set('ip-address', (value) => Format.IsIPv4(value) || Format.IsIPv6(value))

export const IP_ADDRESS_FORMAT = 'ip-address'
