import { UPLOAD_CHUNK_BYTES } from '../../../../shared/imports'
import { call } from '../../transport/client'

/**
 * Sends a file to an import source chunk by chunk over the contract (IPC in the desktop app,
 * the RPC endpoint in a browser), reporting the share sent after each chunk.
 */
export async function uploadFile(name: string, file: File, importNow: boolean, onProgress: (sent: number) => void): Promise<string> {
  const uploadId = crypto.randomUUID()
  let offset = 0
  for (;;) {
    const piece = new Uint8Array(await file.slice(offset, offset + UPLOAD_CHUNK_BYTES).arrayBuffer())
    const last = offset + piece.length >= file.size
    const answer = await call('imports.uploadChunk', { name, upload_id: uploadId, filename: file.name, offset, data_base64: base64(piece), last, trigger_sync: importNow })
    offset = answer.received
    onProgress(file.size === 0 ? 1 : offset / file.size)
    if (last) return answer.file_name ?? file.name
  }
}

function base64(bytes: Uint8Array): string {
  let text = ''
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(text)
}
