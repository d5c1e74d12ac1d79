import type WebSocket from 'ws';

/**
 * A message `ws` delivered, as text. On `ws`'s default binaryType (`'nodebuffer'`) it is a Buffer,
 * which `String(data)` would also decode; its type admits an ArrayBuffer and Buffer fragments too,
 * which `String()` would not, so those are decoded here as well.
 */
export function wsText(data: WebSocket.Data): string {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString();
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString();
}
