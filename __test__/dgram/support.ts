/**
 * What every uv-udp/dgram spec shares: the two implementations each test
 * runs against with the same assertions (node:dgram, the reference, and
 * uv-udp/dgram, its built CommonJS entry; module.spec.ts loads it by its
 * package name, as users do), sockets closed
 * at teardown, waiting with deadlines, and errors reduced to what Node
 * promises about them.
 */
import { createRequire } from 'node:module'
import type * as NodeDgram from 'node:dgram'

import test, { type ExecutionContext } from 'ava'

const require = createRequire(import.meta.url)

/** The slice of the dgram module both implementations offer. */
export interface DgramModule {
  createSocket(type: NodeDgram.SocketType | NodeDgram.SocketOptions, listener?: (msg: Buffer, rinfo: NodeDgram.RemoteInfo) => void): NodeDgram.Socket
  Socket: unknown
}

export interface Implementation {
  name: 'node:dgram' | 'uv-udp/dgram'
  dgram: DgramModule
}

export const IMPLEMENTATIONS: readonly Implementation[] = [
  { name: 'node:dgram', dgram: require('node:dgram') as DgramModule },
  { name: 'uv-udp/dgram', dgram: require('../../dgram.js') as DgramModule },
]

/** The uv-udp/dgram module with its extras' types (trySend, sendMany, pktinfo). */
export const uvDgram = require('../../dgram.js') as typeof import('../../dgram.js')

type Body = (t: ExecutionContext, dgram: DgramModule, impl: Implementation) => Promise<void> | void

/** One test per implementation, same title, same body. */
export function both(title: string, body: Body): void {
  for (const impl of IMPLEMENTATIONS) test(`${impl.name}: ${title}`, (t) => body(t, impl.dgram, impl))
}

/** `both`, skipped with a reason unless `when` holds. */
both.skipUnless = (when: boolean, reason: string, title: string, body: Body): void => {
  for (const impl of IMPLEMENTATIONS) {
    if (when) test(`${impl.name}: ${title}`, (t) => body(t, impl.dgram, impl))
    else test.skip(`${impl.name}: ${title} (${reason})`, () => {})
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Waits until `done()` holds, polling; throws after `ms`. */
export async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await sleep(2)
  }
}

/** A socket closed at the end of the test (unless the test closed it). */
export function socket(
  t: ExecutionContext,
  dgram: DgramModule,
  type: NodeDgram.SocketType | NodeDgram.SocketOptions = 'udp4',
  listener?: (msg: Buffer, rinfo: NodeDgram.RemoteInfo) => void,
): NodeDgram.Socket {
  const s = dgram.createSocket(type, listener)
  t.teardown(() => {
    try {
      s.close()
    } catch {
      // already closed
    }
  })
  return s
}

/** Resolves with the socket once it emits 'listening'; rejects on 'error'. */
export function listening(s: NodeDgram.Socket): Promise<NodeDgram.Socket> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      s.removeListener('listening', onListening)
      reject(error)
    }
    const onListening = () => {
      s.removeListener('error', onError)
      resolve(s)
    }
    s.once('error', onError)
    s.once('listening', onListening)
  })
}

/** A socket bound to `host`, port 0, listening. */
export async function bound(
  t: ExecutionContext,
  dgram: DgramModule,
  type: NodeDgram.SocketType | NodeDgram.SocketOptions = 'udp4',
  host = typeof type === 'string' ? (type === 'udp4' ? '127.0.0.1' : '::1') : type.type === 'udp4' ? '127.0.0.1' : '::1',
): Promise<NodeDgram.Socket> {
  const s = socket(t, dgram, type)
  s.bind(0, host)
  return listening(s)
}

/** The first event among `events` the emitter emits, with its arguments. */
export function nextEvent(emitter: NodeDgram.Socket, events: readonly string[], ms = 3000): Promise<{ event: string; args: unknown[] }> {
  return new Promise((resolve, reject) => {
    const listeners = new Map<string, (...args: unknown[]) => void>()
    const timer = setTimeout(() => {
      off()
      reject(new Error(`none of ${events.join(', ')} within ${ms} ms`))
    }, ms)
    const off = () => {
      clearTimeout(timer)
      for (const [event, listener] of listeners) emitter.removeListener(event, listener)
    }
    for (const event of events) {
      const listener = (...args: unknown[]) => {
        off()
        resolve({ event, args })
      }
      listeners.set(event, listener)
      emitter.on(event, listener)
    }
  })
}

/** What an error is, as Node defines it: class name, `code`, message, and the system error fields when present. */
export function shape(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { notAnError: String(error) }
  const out: Record<string, unknown> = { name: error.name, message: error.message }
  const fields = error as unknown as Record<string, unknown>
  for (const key of ['code', 'errno', 'syscall', 'address', 'port']) if (key in fields) out[key] = fields[key]
  return out
}

/** The shape of what `fn` throws (fails the test when it does not throw). */
export function thrown(t: ExecutionContext, fn: () => unknown): Record<string, unknown> {
  try {
    fn()
  } catch (error) {
    return shape(error)
  }
  t.fail('expected a throw')
  return {}
}

/** A datagram received by a plain receiver: its bytes and rinfo. */
export interface Received {
  text: string
  bytes: Buffer
  rinfo: NodeDgram.RemoteInfo
}

/** A bound socket collecting what it receives. */
export async function receiver(t: ExecutionContext, dgram: DgramModule, type: NodeDgram.SocketType = 'udp4') {
  const s = await bound(t, dgram, type)
  const got: Received[] = []
  s.on('message', (msg, rinfo) => got.push({ text: msg.toString(), bytes: Buffer.from(msg), rinfo }))
  return { socket: s, port: s.address().port, got }
}
