/**
 * Makes the 'uv' driver's next `count` reads fail once their
 * memory is taken, as a napi failure would (the `__testFailReads` hook,
 * live with `UV_UDP_TEST_HOOKS=1`, which the ava config sets).
 */
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const binding = require('../../binding.js') as { __testFailReads(count: number): void }

export function failReads(count: number): void {
  binding.__testFailReads(count)
}
