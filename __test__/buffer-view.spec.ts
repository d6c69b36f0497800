// src/buffer-view.ts: each received payload is a Buffer viewing the read's
// memory, made by Node's Buffer species class rather than Buffer.from (the
// same object, made faster). Where the species is Buffer itself (Bun) or
// was replaced by something that does not make a correct view, the
// module falls back to Buffer.from: each such case loads the emitted
// module in a child Node whose Buffer species is replaced first.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import test from 'ava'

import { bufferView, viewsBySpecies } from '../src/buffer-view.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/**
 * What a view made by the module is like, in a child Node whose Buffer
 * species `replace` replaced while the module loaded (Node's own modules
 * use the species too, so the original comes back right after).
 */
function inChild(replace: string): { species: boolean; correct: boolean } {
  const script = `const original = Object.getOwnPropertyDescriptor(Buffer, Symbol.species)
    ${replace}
    const { bufferView, viewsBySpecies } = require('./src/buffer-view.js')
    Object.defineProperty(Buffer, Symbol.species, original)
    const memory = new ArrayBuffer(16)
    new Uint8Array(memory).set([1, 2, 3, 4, 5, 6, 7, 8], 4)
    const view = bufferView(memory, 5, 3)
    const correct = Buffer.isBuffer(view) && view.buffer === memory && view.byteOffset === 5 && view.length === 3 &&
      Object.getPrototypeOf(view) === Buffer.prototype && view.equals(Buffer.from([2, 3, 4]))
    process.stdout.write(JSON.stringify({ species: viewsBySpecies, correct }))`
  const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 })
  if (result.status !== 0) throw new Error(`child failed (${result.status ?? result.signal}): ${result.stderr}`)
  return JSON.parse(result.stdout) as { species: boolean; correct: boolean }
}

const setSpecies = (getter: string) => `Object.defineProperty(Buffer, Symbol.species, { configurable: true, get() { return ${getter} } })`

test('on Node the species class makes the views, the same Buffer Buffer.from makes', (t) => {
  t.true(viewsBySpecies)
  const memory = new ArrayBuffer(64)
  const view = bufferView(memory, 8, 20)
  const reference = Buffer.from(memory, 8, 20)
  t.true(Buffer.isBuffer(view))
  t.is(Object.getPrototypeOf(view), Buffer.prototype)
  t.is(view.buffer, memory)
  t.is(view.byteOffset, reference.byteOffset)
  t.is(view.length, reference.length)
  // A view, not a copy: a write through either is seen by the other.
  reference[0] = 0xab
  t.is(view[0], 0xab)
  view[19] = 0xcd
  t.is(new Uint8Array(memory)[27], 0xcd)
})

test('an empty datagram at the end of the memory is an empty view', (t) => {
  const memory = new ArrayBuffer(32)
  const view = bufferView(memory, 32, 0)
  t.is(view.length, 0)
  t.is(view.byteOffset, 32)
  t.is(view.buffer, memory)
})

test('the unchanged species in a fresh Node: the species class, correct views', (t) => {
  t.deepEqual(inChild(''), { species: true, correct: true })
})

test('species is Buffer itself (as on Bun): Buffer.from, correct views', (t) => {
  t.deepEqual(inChild(setSpecies('Buffer')), { species: false, correct: true })
})

test('species replaced by Uint8Array: Buffer.from, correct views', (t) => {
  t.deepEqual(inChild(setSpecies('Uint8Array')), { species: false, correct: true })
})

test('species replaced by a Buffer-prototyped class that ignores the offset: Buffer.from, correct views', (t) => {
  const wrong = `(() => { function Wrong(b) { return new Uint8Array(b) }; Wrong.prototype = Buffer.prototype; return Wrong })()`
  t.deepEqual(inChild(setSpecies(wrong)), { species: false, correct: true })
})

// Buffer-prototyped classes that make a Buffer, but not the view asked
// for: each fails one of the probe's checks (buffer, offset, length) and
// must be refused.
const wrongViews: [string, string][] = [
  ['the whole ArrayBuffer (offset and length ignored)', 'Buffer.from(b)'],
  ['a copy of the range (another ArrayBuffer)', 'Buffer.from(new Uint8Array(b, o, l))'],
  ['a view of another ArrayBuffer at the same offset', 'Buffer.from(new ArrayBuffer(b.byteLength), o, l)'],
  ['the right offset, one byte too long', 'Buffer.from(b, o, l + 1)'],
  ['one byte further on', 'Buffer.from(b, o + 1, l)'],
]
for (const [what, make] of wrongViews) {
  test(`species replaced by a Buffer-prototyped class that makes ${what}: Buffer.from, correct views`, (t) => {
    const wrong = `(() => { function Wrong(b, o, l) { return ${make} }; Wrong.prototype = Buffer.prototype; return Wrong })()`
    t.deepEqual(inChild(setSpecies(wrong)), { species: false, correct: true })
  })
}

test('species replaced by a class whose views have another prototype: Buffer.from, correct views', (t) => {
  const wrong = `(() => { function Wrong(b, o, l) { return Object.setPrototypeOf(Buffer.from(b, o, l), Object.create(Buffer.prototype)) }; Wrong.prototype = Buffer.prototype; return Wrong })()`
  t.deepEqual(inChild(setSpecies(wrong)), { species: false, correct: true })
})

test('species getter that throws: Buffer.from, correct views', (t) => {
  t.deepEqual(inChild(setSpecies(`(() => { throw new Error('no') })()`)), { species: false, correct: true })
})
