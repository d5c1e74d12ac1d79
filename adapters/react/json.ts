/** `lastJsonMessage`: a message's data parsed as JSON, once per message, only when it is read. */
const parsed = new WeakMap<object, unknown>();

/** The JSON in `message.data`; `undefined` for no message, binary data or text that is not JSON. */
export function jsonOf(message: MessageEvent | null): unknown {
  if (message === null || typeof message.data !== 'string') return undefined;
  if (parsed.has(message)) return parsed.get(message);
  let value: unknown;
  try {
    value = JSON.parse(message.data);
  } catch {
    value = undefined;
  }
  parsed.set(message, value);
  return value;
}
