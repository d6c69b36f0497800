// send_queue_size / send_queue_count: fresh, while sends wait, in callbacks.
import { UDP, attr, done, errnoName, event, loop, step } from './common.mjs'

const tx = new UDP(loop)
tx.bind(['127.0.0.1', 40120])
const rx = new UDP(loop)
rx.bind(['127.0.0.1', 40121])
rx.start_recv(() => {})
step('fresh size', () => tx.send_queue_size)
step('fresh count', () => attr(tx, 'send_queue_count'))

const counts = []
const cb = (i) => (h, e) => {
  event('send cb', i, errnoName(e), h.send_queue_size)
  counts.push(h.send_queue_count)
  if (i === 3) {
    tx.close()
    rx.close()
  }
}

;[10, 20, 30, 40].forEach((size, i) => tx.send(['127.0.0.1', 40121], Buffer.alloc(size, 'x'), cb(i)))
step('size after four sends', () => tx.send_queue_size)
step('count after four sends', () => attr(tx, 'send_queue_count'))
step('active with sends pending', () => tx.active)
await loop.run()
step('counts in callbacks', () => counts)
done()
