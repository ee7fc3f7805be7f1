// snappyjs ships no types: the two functions Vigil calls (Snappy's block format, which remote
// write uses — not the framed stream format).
declare module 'snappyjs' {
  export function compress(uncompressed: Uint8Array): Uint8Array<ArrayBuffer>
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array
}
