/** Which driver polls this JS thread's sockets: `'uv'` or `'reactor'`. */
import { selectBackend } from '../binding'

/**
 * Where the runtime has a real libuv loop (Node, Electron's main process; not
 * Windows, whose sockets need libuv's own AFD poller) each socket is polled on
 * the JS thread's own loop: `'uv'`. Bun and Deno answer
 * `napi_get_uv_event_loop` but their `uv_poll_*` are stubs, so they are told
 * apart here, by identity, before the binding checks libuv's symbols.
 * `UV_UDP_BACKEND=reactor` forces the reactor (for tests).
 */
function preferUv(): boolean {
  const versions = process.versions as NodeJS.ProcessVersions & { bun?: string; deno?: string }
  if (versions.bun !== undefined || versions.deno !== undefined) return false
  if (process.platform === 'win32') return false
  return process.env.UV_UDP_BACKEND !== 'reactor'
}

/** This JS thread's backend, chosen once at load. */
export const backend: 'uv' | 'reactor' = selectBackend(preferUv())
