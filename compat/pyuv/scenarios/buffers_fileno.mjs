// Buffer sizes and fileno.
import { UDP, done, loop, step } from './common.mjs'

const h = new UDP(loop)
h.bind(['127.0.0.1', 40070])
step('fileno is a number', () => Number.isInteger(h.fileno()) && h.fileno() >= 0)
for (const name of ['send_buffer_size', 'receive_buffer_size']) {
  for (const v of [65536, 4096, 0, 1, -1, 1.5, 2 ** 31]) {
    step(`set ${name} ${v}`, () => { h[name] = v })
    step(`${name} after ${v}`, () => h[name])
  }
}
h.close()
await loop.run()
done()
