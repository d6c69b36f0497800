// What every uv-udp scenario shares, as common.py does for pyuv: steps
// recorded as normalized JSON, printed once with sorted keys.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
export const uv = require('../../../index.js')
export const { Loop, UDP, UDPError, HandleClosedError, UVError, errno, AF_INET, AF_INET6, AF_UNSPEC } = uv

export const out = {}
export const events = []
const ephemeral = new Set()

export function norm(value) {
  if (value === undefined) return null
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('latin1') }
  if (Array.isArray(value)) return value.map(norm)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, norm(v)]))
  }
  return value
}

export function address(addr) {
  if (addr === null || addr === undefined) return null
  const copy = [...addr]
  if (ephemeral.has(copy[1])) copy[1] = 'port>0'
  return norm(copy)
}

export function error(e) {
  // HandleClosedError's args differ (a row of the README table, shown by
  // after_close's "HandleClosedError args" step): the class is what counts.
  if (e instanceof HandleClosedError) return { raise: 'HandleClosedError' }
  if (e instanceof UVError) return { raise: e.name, errno: errno.errorcode[e.errno] ?? e.errno }
  return { raise: e instanceof Error ? e.name : String(e) }
}

export function errnoName(code) {
  return code === null || code === undefined ? null : (errno.errorcode[code] ?? code)
}

export function step(name, fn) {
  try {
    out[name] = { ok: norm(fn()) }
  } catch (e) {
    out[name] = error(e)
  }
  return out[name]
}

export function event(...items) {
  events.push(norm(items))
}

export function boundPort(handle) {
  const port = handle.getsockname()[1]
  ephemeral.add(port)
  return port
}

export function attr(obj, name) {
  if (!(name in obj)) throw Object.assign(new Error(name), { name: 'AttributeError' })
  return obj[name]
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]))
  }
  return value
}

export function done() {
  if (events.length > 0) out.events = events
  process.stdout.write(JSON.stringify(sortKeys(out)) + '\n')
}

export const loop = Loop.default_loop()
export const IFNAME = process.env.COMPAT_IFNAME ?? 'd0'
export const IFINDEX = Number(process.env.COMPAT_IFINDEX ?? '0')

// An address whose port the kernel chose: the port as "port>0".
export function anyport(addr) {
  const copy = [...addr]
  if (copy[1] !== 0) copy[1] = 'port>0'
  return norm(copy)
}
