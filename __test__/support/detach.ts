/**
 * Detaching received memory. uv-udp marks it untransferable, as Node marks
 * its own Buffer pool (src/untransferable.ts), so a transfer no longer
 * detaches it; native code can, and so can Node 22's
 * `ArrayBuffer.prototype.transfer`. The specs that take a read whose
 * memory went away detach it through the binding's test hook
 * (`napi_detach_arraybuffer`; the ava config sets UV_UDP_TEST_HOOKS=1), on
 * every Node alike.
 */
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const binding = require('../../binding.js') as { __testDetach(buffer: ArrayBuffer): void }

/** Detaches `memory` (any detachable ArrayBuffer: uv-udp's received memory, node:dgram's). */
export function detach(memory: ArrayBuffer): void {
  binding.__testDetach(memory)
}
