// The load generator's driver, shared by bench/run.js (Node) and bench/bun.js
// (Bun): builds bench/udpload.c on first use and runs it.
'use strict'
const { execFileSync, spawn } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

/** The binary of bench/<name>.c, compiled into target/bench when missing or stale. */
function compiled(name, flags = []) {
  const binary = path.join(__dirname, '..', 'target', 'bench', name)
  const source = path.join(__dirname, `${name}.c`)
  if (!fs.existsSync(binary) || fs.statSync(binary).mtimeMs < fs.statSync(source).mtimeMs) {
    fs.mkdirSync(path.dirname(binary), { recursive: true })
    execFileSync('gcc', ['-O2', '-Wall', ...flags, '-o', binary, source], { stdio: 'inherit' })
  }
  return binary
}

/** The udpload binary (bench/udpload.c). */
const udpload = () => compiled('udpload')
/** The udpping binary (bench/udpping.c): the ping-pong's C reference. */
const udpping = () => compiled('udpping')
/** The udpgro binary (bench/udpgro.c): the C drainer's loop with UDP_GRO on. */
const udpgro = () => compiled('udpgro')

/**
 * Runs udpload (or `program`) with `args`; resolves with its JSON lines once
 * it exits, killed after `limitSeconds`. `onSpawn` gets the child process (to
 * stop a `drain`).
 */
function runLoad(args, limitSeconds, onLine, onSpawn, program = udpload()) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    onSpawn?.(child)
    const lines = []
    let buffered = ''
    child.stdout.on('data', (chunk) => {
      buffered += chunk
      let at
      while ((at = buffered.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffered.slice(0, at))
        buffered = buffered.slice(at + 1)
        lines.push(line)
        onLine?.(line)
      }
    })
    const guard = setTimeout(() => child.kill('SIGKILL'), limitSeconds * 1000)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(guard)
      if (code === 0) resolve(lines)
      else reject(new Error(`${path.basename(program)} ${args.join(' ')} exited with ${code}`))
    })
  })
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A `udpload count` sink on 127.0.0.1 (a port of its own) for at most
 * `seconds`; resolves once it is bound with its port, its pid and `stop()`,
 * which ends it and resolves with the datagrams it received. `onSpawn`
 * gets the child process first.
 */
async function countSink(seconds, onSpawn) {
  let port
  let child
  let failed
  const counted = runLoad(['count', '0', String(seconds)], seconds + 30, (line) => { if (line.ready) port = line.port }, (spawned) => {
    child = spawned
    onSpawn?.(spawned)
  })
  counted.catch((error) => { failed = error })
  while (port === undefined) {
    if (failed !== undefined) throw failed
    await sleep(10)
  }
  return {
    port,
    pid: child.pid,
    stop: () => {
      child.kill('SIGTERM')
      return counted.then((lines) => lines.find((line) => 'received' in line).received)
    },
  }
}

module.exports = { compiled, udpload, udpping, udpgro, runLoad, countSink }
