// ES module entry of uv-udp/dgram: the CommonJS build re-exported under the same names.
import dgram from './dgram.js'

export const { createSocket, Socket } = dgram
export default dgram
