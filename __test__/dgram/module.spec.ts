/** The subpath export: `uv-udp/dgram` by its name, with require and import, and what package.json declares. */
import { execFile } from 'node:child_process'
import nodeDgram from 'node:dgram'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import test from 'ava'

import { both } from './support.js'

const execFileAsync = promisify(execFile)
const REPO = fileURLToPath(new URL('../..', import.meta.url))
const FIXTURE = readFileSync(new URL('fixtures/load.mjs', import.meta.url), 'utf8')

test('package.json exports ./dgram with types, import and require conditions, and ships its files', (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  t.deepEqual(pkg.exports['./dgram'], { types: './dgram.d.ts', import: './dgram.mjs', require: './dgram.js' })
  for (const file of ['dgram.js', 'dgram.mjs', 'dgram.d.ts', 'src/dgram/*.js', 'src/dgram/*.d.ts']) t.true(pkg.files.includes(file), file)
})

test('require and import of uv-udp/dgram give the same createSocket and Socket, and they work', async (t) => {
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', FIXTURE], { cwd: REPO, timeout: 10_000 })
  t.deepEqual(JSON.parse(stdout.trim()), {
    cjsKeys: ['Socket', 'createSocket', 'default'],
    esmKeys: ['Socket', 'createSocket', 'default'],
    sameCreateSocket: true,
    sameSocket: true,
    instance: true,
    message: 'round trip',
  })
})

// Node assigns its methods to Socket.prototype (enumerable), its legacy
// sendto among them; the facade's are the same names with the same lengths.
both("Socket.prototype: Node's public methods (sendto too), enumerable, with Node's lengths", (t, lib) => {
  type Prototype = Record<string, (...args: unknown[]) => unknown>
  const reference = (nodeDgram as unknown as { Socket: { prototype: Prototype } }).Socket.prototype
  const prototype = (lib as unknown as { Socket: { prototype: Prototype } }).Socket.prototype
  const names = Object.keys(reference).filter((name) => !name.startsWith('_'))
  t.true(names.includes('sendto') && names.includes('bind') && names.length >= 25, names.join(' '))
  const keys = Object.keys(prototype)
  t.deepEqual(names.filter((name) => !keys.includes(name)), [], 'each enumerable')
  t.deepEqual(names.filter((name) => prototype[name].length !== reference[name].length), [], 'lengths')
})
