// HTTPS for `vigil serve`: the certificate and key it serves, either the user's own files
// (--tls-cert/--tls-key) or a self-signed certificate made on first use and kept in the data
// dir. Node's crypto makes the key and the signature; the certificate around them is a few
// DER structures written here (RFC 5280), so no X.509 library is needed.
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { writePrivateFile } from './private-file'

export const TLS_CERT_FILE = 'tls-cert.pem'
export const TLS_KEY_FILE = 'tls-key.pem'

/** Apple's limit for TLS server certificates (browsers refuse longer ones even once accepted). */
const VALIDITY_DAYS = 825
const DAY_MS = 86_400_000

export interface TlsIdentity {
  /** PEM: the certificate (and any chain after it). */
  cert: string
  /** PEM: the private key. */
  key: string
  /** SHA-256 of the certificate's DER, as `AB:CD:…` (what `openssl x509 -fingerprint -sha256` prints). */
  fingerprint256: string
  /** base64 SHA-256 of the public key (curl's `--pinnedpubkey sha256//…`). */
  publicKeyPin: string
  /** Where it came from: the user's files, or the self-signed pair in the data dir. */
  source: 'files' | 'self-signed'
  /** The names and addresses the certificate is valid for. */
  names: string[]
  validTo: Date
  /** Things to tell the user at start (a new certificate, an expired one, a name it lacks). */
  notes: string[]
}

/** Thrown for a certificate or key that cannot be served; the message says what to fix. */
export class TlsSetupError extends Error {}

/** The user's certificate and key files, checked to belong together. */
export function loadTlsFiles(certFile: string, keyFile: string, now = new Date()): TlsIdentity {
  const read = (file: string, what: string): string => {
    try {
      return readFileSync(file, 'utf8')
    } catch (error) {
      throw new TlsSetupError(`Cannot read the TLS ${what} ${file}: ${(error as Error).message}`)
    }
  }
  const cert = read(certFile, 'certificate')
  const key = read(keyFile, 'key')
  return identityOf(cert, key, 'files', now, `${certFile} and ${keyFile}`)
}

/**
 * The self-signed certificate of this data dir: the one made before, reused (clients pin its
 * fingerprint), or a new one when there is none or it has expired. `names` are the host names
 * and addresses clients use (loopback is always included).
 */
export function loadOrCreateSelfSigned(dataDir: string, names: readonly string[], now = new Date()): TlsIdentity {
  const certFile = join(dataDir, TLS_CERT_FILE)
  const keyFile = join(dataDir, TLS_KEY_FILE)
  const wanted = certificateNames(names)
  const notes: string[] = []
  if (existsSync(certFile) && existsSync(keyFile)) {
    const identity = identityOf(readFileSync(certFile, 'utf8'), readFileSync(keyFile, 'utf8'), 'self-signed', now, `${certFile} and ${keyFile}`)
    if (identity.validTo.getTime() > now.getTime() + DAY_MS) {
      const named = new Set(identity.names.map(canonicalName))
      const missing = wanted.filter((name) => !named.has(canonicalName(name)))
      if (missing.length > 0) {
        identity.notes.push(
          `the self-signed certificate (made earlier) does not name ${missing.join(', ')}; browsers will say so. ` +
            `To make a new one, stop Vigil and delete ${TLS_CERT_FILE} and ${TLS_KEY_FILE} from the data dir (its fingerprint will change)`
        )
      }
      return identity
    }
    notes.push(`the self-signed certificate expired on ${identity.validTo.toISOString()}: a new one was made, with a new fingerprint`)
  } else {
    notes.push(`a self-signed certificate was made for ${wanted.join(', ')} and kept in ${certFile}`)
  }
  const { certPem, keyPem } = makeSelfSigned(wanted, now)
  // writePrivateFile never overwrites: an expired pair (or half of one) goes first.
  for (const file of [certFile, keyFile]) rmSync(file, { force: true })
  writePrivateFile(keyFile, keyPem)
  writePrivateFile(certFile, certPem)
  const identity = identityOf(certPem, keyPem, 'self-signed', now, certFile)
  identity.notes.unshift(...notes)
  return identity
}

/** The names to put in a new certificate: loopback, then the ones given, without wildcard binds. */
function certificateNames(names: readonly string[]): string[] {
  const all = ['localhost', '127.0.0.1', '::1', ...names.map((name) => name.replace(/^\[(.*)\]$/, '$1').toLowerCase())]
  // An IPv4-mapped IPv6 address (::ffff:192.0.2.1) is left out: clients name the IPv4 one.
  return [...new Set(all.filter((name) => name !== '' && name !== '0.0.0.0' && name !== '::' && !(isIP(name) === 6 && name.includes('.'))))]
}

function identityOf(cert: string, key: string, source: TlsIdentity['source'], now: Date, where: string): TlsIdentity {
  let x509: X509Certificate
  let privateKey: KeyObject
  try {
    x509 = new X509Certificate(cert)
  } catch (error) {
    throw new TlsSetupError(`${where}: the certificate is not a PEM X.509 certificate (${(error as Error).message})`)
  }
  try {
    privateKey = createPrivateKey(key)
  } catch (error) {
    throw new TlsSetupError(`${where}: the key is not a PEM private key, or it is encrypted (${(error as Error).message})`)
  }
  if (!x509.checkPrivateKey(privateKey)) throw new TlsSetupError(`${where}: the key does not belong to the certificate`)
  const validTo = new Date(x509.validTo)
  const notes: string[] = []
  if (source === 'files' && validTo.getTime() <= now.getTime()) notes.push(`the TLS certificate expired on ${validTo.toISOString()}: clients will refuse it`)
  const spki = x509.publicKey.export({ type: 'spki', format: 'der' })
  return {
    cert,
    key,
    fingerprint256: x509.fingerprint256,
    publicKeyPin: createHash('sha256').update(spki).digest('base64'),
    source,
    names: subjectAltNames(x509),
    validTo,
    notes
  }
}

/** "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1" → ["localhost", "127.0.0.1", "::1"]. */
function subjectAltNames(x509: X509Certificate): string[] {
  return (x509.subjectAltName ?? '')
    .split(', ')
    .map((entry) => /^(?:DNS|IP Address):(.*)$/.exec(entry)?.[1]?.toLowerCase())
    .filter((name): name is string => name !== undefined)
    .map((name) => (isIP(name) === 6 ? new URL(`http://[${name}]/`).hostname.slice(1, -1) : name))
}

/** A new P-256 key and a self-signed certificate for `names`, valid from an hour ago (clock skew) for 825 days. */
export function makeSelfSigned(names: readonly string[], now = new Date()): { certPem: string; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const serial = randomBytes(16)
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40 // positive, and no leading zero byte to strip
  const name = seq(set(seq(oid('2.5.4.3'), utf8('Vigil (self-signed)'))))
  const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'))
  const extensions = [
    extension('2.5.29.19', true, seq()), // basicConstraints: not a CA
    extension('2.5.29.15', true, bitString(Buffer.from([0x80]), 7)), // keyUsage: digitalSignature
    extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
    extension('2.5.29.17', false, seq(...names.map(generalName))) // subjectAltName
  ]
  const tbs = seq(
    tagged(0xa0, integer(Buffer.from([2]))), // v3
    integer(serial),
    ecdsaWithSha256,
    name,
    seq(time(new Date(now.getTime() - 3_600_000)), time(new Date(now.getTime() + VALIDITY_DAYS * DAY_MS))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    tagged(0xa3, seq(...extensions))
  )
  const signature = sign('sha256', tbs, privateKey)
  const der = seq(tbs, ecdsaWithSha256, bitString(signature, 0))
  return { certPem: pem('CERTIFICATE', der), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }
}

// --- DER (X.690), only what a certificate needs ---

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length
  const head =
    length < 0x80
      ? Buffer.from([tag, length])
      : length < 0x100
        ? Buffer.from([tag, 0x81, length])
        : length < 0x10000
          ? Buffer.from([tag, 0x82, length >> 8, length & 0xff])
          : Buffer.from([tag, 0x83, length >> 16, (length >> 8) & 0xff, length & 0xff])
  return Buffer.concat([head, content])
}

const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items))
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items))
const tagged = (tag: number, content: Buffer): Buffer => tlv(tag, content)
const utf8 = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'))
const bitString = (bits: Buffer, unusedBits: number): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), bits]))

function integer(bytes: Buffer): Buffer {
  // Two's complement: a leading 1 bit would make it negative.
  return tlv(0x02, (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes)
}

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number)
  const bytes = [40 * first + second]
  for (const arc of rest) {
    const groups = [arc & 0x7f]
    for (let value = arc >>> 7; value > 0; value >>>= 7) groups.unshift((value & 0x7f) | 0x80)
    bytes.push(...groups)
  }
  return tlv(0x06, Buffer.from(bytes))
}

/** UTCTime up to 2049, GeneralizedTime after (RFC 5280, 4.1.2.5). */
function time(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z')
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(text.slice(2), 'ascii')) : tlv(0x18, Buffer.from(text, 'ascii'))
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value))
}

/** dNSName [2] or iPAddress [7] (4 or 16 bytes). */
function generalName(name: string): Buffer {
  const family = isIP(name)
  if (family === 4) return tlv(0x87, Buffer.from(name.split('.').map(Number)))
  if (family === 6) return tlv(0x87, ipv6Bytes(name))
  return tlv(0x82, Buffer.from(name, 'ascii'))
}

/** A name as a certificate's SAN list and a command line may both spell it (IPv6 in full). */
function canonicalName(name: string): string {
  return isIP(name) === 6 ? ipv6Bytes(name).toString('hex') : name.toLowerCase()
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail] = address.split('::')
  const words = (part: string): number[] => (part === '' ? [] : part.split(':').map((word) => parseInt(word, 16)))
  const left = words(head)
  const right = tail === undefined ? [] : words(tail)
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right]
  const bytes = Buffer.alloc(16)
  all.forEach((word, index) => bytes.writeUInt16BE(word, index * 2))
  return bytes
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

/**
 * TLS client options that trust exactly one certificate, named by its SHA-256 fingerprint
 * (as printed by `vigil serve`): whatever its names, issuer or chain. For Vigil's own clients
 * of a running server (import-metrics) and for scripts' tests; a different certificate fails
 * the handshake before anything is sent. Node checks it at each full handshake only: a client
 * that pins different certificates to one server must not share kept-alive connections or TLS
 * sessions between them (`agent: false`).
 */
export function pinnedTlsOptions(fingerprint256: string, certPem: string): { ca: string; allowPartialTrustChain: true; checkServerIdentity: (host: string, cert: { fingerprint256: string }) => Error | undefined } {
  const wanted = fingerprint256.toUpperCase()
  return {
    // The certificate itself is the trust anchor (a CA-issued one too: partial chains allowed)…
    ca: certPem,
    allowPartialTrustChain: true,
    // …and the fingerprint, not the host name, says it is the right one.
    checkServerIdentity: (_host, cert) =>
      cert.fingerprint256.toUpperCase() === wanted ? undefined : new Error(`the server's certificate (SHA-256 ${cert.fingerprint256}) is not the pinned one (${wanted})`)
  }
}
