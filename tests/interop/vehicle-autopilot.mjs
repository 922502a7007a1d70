// gst-workers: a vehicle that behaves like ArduPilot or like PX4 towards
// a companion computer, written with node-mavlink.
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// usage: node vehicle-autopilot.mjs --family ardupilot|px4 --port N
//            [--lose-first-ack 1] [--timeout S]
//
// A quadrotor, system 1 component 1, on the ground at home, talking to
// flightlink on UDP 127.0.0.1:N. What each autopilot does that matters to
// a companion computer (what tests/interop/flightlinkautopilots.c checks
// flightlink copes with):
//
// ArduPilot (HEARTBEAT autopilot 3): sends no telemetry until asked (its
// SRn_ parameters at 0): REQUEST_DATA_STREAM or SET_MESSAGE_INTERVAL;
// obeys position setpoints only in GUIDED (custom mode 4), counting the
// ones it ignores; takes off (MAV_CMD_NAV_TAKEOFF, param7 the height above
// home) only armed and in GUIDED; its local frame is from the EKF origin,
// home being at north 3, east -2 of it (HOME_POSITION says so).
//
// PX4 (HEARTBEAT autopilot 12): streams its telemetry at 10 Hz unasked;
// enters OFFBOARD (DO_SET_MODE, main mode 6) only when setpoints came at
// 2 Hz or more for the last second (else TEMPORARILY_REJECTED), and
// leaves it for HOLD (AUTO.LOITER) when none came for 0.5 s (both on
// the vehicle's own time, which stands still while this process is held
// up: see awake()); takes off (param7 an altitude above mean sea level,
// NaN: 2.5 m) to AUTO.LOITER.
//
// Both answer every COMMAND_LONG with a COMMAND_ACK (but the first one,
// with --lose-first-ack 1, as if lost on the way); refuse to disarm in
// the air; land on MAV_CMD_NAV_LAND and disarm on the ground. They fly at
// 20 m/s across, 10 m/s up and down.
//
// It prints {"port":N} when bound, and on SIGINT or SIGTERM a JSON report
// and exits 0: family, commands (each {command, result, confirmation}),
// ignored_setpoints, setpoints, offboard_entered, offboard_lost,
// rates_requested, position {north, east, down} from home, armed, mode,
// landed. After --timeout S (60, times GST_WORKERS_TEST_TIMEOUT_SCALE as
// the tests' hang guards: 10 under valgrind) it exits 2.

import dgram from 'node:dgram'
import { PassThrough } from 'node:stream'
import {
  minimal, common, MavLinkProtocolV2, MavLinkPacketSplitter,
  MavLinkPacketParser,
} from 'node-mavlink'

const REGISTRY = { ...minimal.REGISTRY, ...common.REGISTRY }
const opts = { family: 'ardupilot', port: 0, 'lose-first-ack': 0, timeout: 60 }
const args = process.argv.slice(2)
for (let i = 0; i + 1 < args.length; i += 2) {
  const key = args[i].replace(/^--/, '')
  if (!(key in opts)) {
    process.stdout.write(JSON.stringify({ ok: false, error: `unknown option ${args[i]}` }) + '\n')
    process.exit(1)
  }
  opts[key] = key === 'family' ? args[i + 1] : Number(args[i + 1])
}
const AP = opts.family === 'ardupilot'

const HOME = { lat: 43.4723, lon: -80.5449, alt: 330 }
const HOME_LOCAL = AP ? [3, -2, 0] : [0, 0, 0] // home in the EKF frame
const DEG = Math.PI / 180
const EARTH_RADIUS = 6378137.0
const SPEED = 20
const CLIMB = 10

// PX4 custom modes: main mode << 16 | sub mode << 24
const PX4_OFFBOARD = 6 << 16
const PX4_HOLD = (4 << 16) | (3 << 24)
const PX4_TAKEOFF = (4 << 16) | (2 << 24)
const PX4_LAND = (4 << 16) | (6 << 24)
const AP_GUIDED = 4
const AP_LAND = 9
const AP_STABILIZE = 0

const v2 = new MavLinkProtocolV2(1, 1)
let seq = 0
const socket = dgram.createSocket('udp4')
const t0 = performance.now()
const now = () => performance.now() - t0 // ms

// The autopilot's own time, for its setpoint rules (PX4: 2 Hz for
// OFFBOARD, none for 0.5 s leaves it): it stands still while this process
// is held up (a loaded machine). The loop below runs every 10 ms, so a
// longer gap between two callbacks is time this process did not run, in
// which a real autopilot would have read the link; the datagrams sent
// meanwhile wait in the socket and are read after. Judged on now(), that
// wait looks like a gap in flightlink's stream.
let held = 0
let lastAwake = 0
function awake () {
  const t = now()
  if (t - lastAwake > 100) held += t - lastAwake - 10
  lastAwake = t
  return t - held
}

const vehicle = {
  mode: AP ? AP_STABILIZE : PX4_HOLD,
  armed: false,
  pos: [...HOME_LOCAL], // EKF frame
  target: null,
  landed: true,
  landing: false,
}
const report = {
  family: opts.family, commands: [], ignored_setpoints: 0, setpoints: 0,
  offboard_entered: 0, offboard_lost: 0, rates_requested: false,
}
let ackLost = false
const setpointTimes = []
// telemetry rates, Hz (ArduPilot: none until asked)
const rates = AP ? { 33: 0, 30: 0, 32: 0, 242: 0, 245: 0 }
  : { 33: 10, 30: 10, 32: 10, 242: 0, 245: 1 }
const lastSent = {}

function send (msg) {
  return new Promise(resolve => socket.send(v2.serialize(msg, seq++ & 0xff),
    opts.port, '127.0.0.1', resolve))
}

function heartbeat () {
  const hb = new minimal.Heartbeat()
  hb.type = minimal.MavType.QUADROTOR
  hb.autopilot = AP ? minimal.MavAutopilot.ARDUPILOTMEGA : minimal.MavAutopilot.PX4
  hb.baseMode = 1 | (vehicle.armed ? 128 : 0)
  hb.customMode = vehicle.mode
  hb.systemStatus = vehicle.armed ? minimal.MavState.ACTIVE : minimal.MavState.STANDBY
  hb.mavlinkVersion = 3
  return hb
}

function bootMs () { return Math.round(now()) }

function telemetry (id) {
  const [x, y, z] = vehicle.pos
  const north = x - HOME_LOCAL[0]
  const east = y - HOME_LOCAL[1]
  if (id === 33) {
    const m = new common.GlobalPositionInt()
    m.timeBootMs = bootMs()
    m.lat = Math.round((HOME.lat + north / EARTH_RADIUS / DEG) * 1e7)
    m.lon = Math.round((HOME.lon + east / (EARTH_RADIUS * Math.cos(HOME.lat * DEG)) / DEG) * 1e7)
    m.alt = Math.round((HOME.alt - z) * 1000)
    m.relativeAlt = Math.round(-z * 1000)
    m.vx = 0; m.vy = 0; m.vz = 0; m.hdg = 0
    return m
  }
  if (id === 30) {
    const m = new common.Attitude()
    m.timeBootMs = bootMs()
    m.roll = 0; m.pitch = 0; m.yaw = 0
    m.rollspeed = 0; m.pitchspeed = 0; m.yawspeed = 0
    return m
  }
  if (id === 32) {
    const m = new common.LocalPositionNed()
    m.timeBootMs = bootMs()
    m.x = x; m.y = y; m.z = z; m.vx = 0; m.vy = 0; m.vz = 0
    return m
  }
  if (id === 242) {
    const m = new common.HomePosition()
    m.latitude = Math.round(HOME.lat * 1e7)
    m.longitude = Math.round(HOME.lon * 1e7)
    m.altitude = Math.round(HOME.alt * 1000)
    m.x = HOME_LOCAL[0]; m.y = HOME_LOCAL[1]; m.z = HOME_LOCAL[2]
    m.q = [1, 0, 0, 0]
    m.approachX = 0; m.approachY = 0; m.approachZ = 0
    m.timeUsec = BigInt(Math.round(now() * 1000))
    return m
  }
  const m = new common.ExtendedSysState()
  m.vtolState = 0
  m.landedState = vehicle.landed ? 1 : vehicle.landing ? 4 : 2
  return m
}

function ack (m, result) {
  report.commands.push({ command: m.command, result, confirmation: m.confirmation })
  if (opts['lose-first-ack'] && !ackLost && m.command !== 511) {
    ackLost = true
    return
  }
  const a = new common.CommandAck()
  a.command = m.command
  a.result = result
  a.progress = 0
  a.resultParam2 = 0
  a.targetSystem = 1 // flightlink's system-id default
  a.targetComponent = 191
  send(a)
}

const R = common.MavResult

function offboardReady () {
  const t = awake()
  const recent = setpointTimes.filter(s => t - s <= 1000)
  return recent.length >= 2 && t - recent[recent.length - 1] <= 500
}

function onCommand (m) {
  switch (m.command) {
    case 511: // SET_MESSAGE_INTERVAL
      rates[m._param1] = m._param2 > 0 ? 1e6 / m._param2 : 0
      report.rates_requested = true
      return ack(m, R.ACCEPTED)
    case 176: // DO_SET_MODE
      if (AP) {
        vehicle.mode = m._param2
        return ack(m, R.ACCEPTED)
      }
      if (m._param2 === 6) {
        if (!offboardReady()) return ack(m, R.TEMPORARILY_REJECTED)
        // a command sent again (its ACK late) enters nothing new
        if (vehicle.mode !== PX4_OFFBOARD) report.offboard_entered++
        vehicle.mode = PX4_OFFBOARD
        return ack(m, R.ACCEPTED)
      }
      vehicle.mode = (m._param2 << 16) | (m._param3 << 24)
      return ack(m, R.ACCEPTED)
    case 400: // ARM_DISARM
      if (m._param1 === 1) {
        vehicle.armed = true
        return ack(m, R.ACCEPTED)
      }
      if (!vehicle.landed) return ack(m, R.DENIED)
      vehicle.armed = false
      return ack(m, R.ACCEPTED)
    case 22: { // TAKEOFF
      if (!vehicle.armed || (AP && vehicle.mode !== AP_GUIDED))
        return ack(m, R.FAILED)
      const height = AP ? m._param7
        : Number.isNaN(m._param7) ? 2.5 : m._param7 - HOME.alt
      vehicle.target = [vehicle.pos[0], vehicle.pos[1], HOME_LOCAL[2] - height]
      vehicle.landed = false
      if (!AP) vehicle.mode = PX4_TAKEOFF
      return ack(m, R.ACCEPTED)
    }
    case 21: // LAND
      vehicle.target = [vehicle.pos[0], vehicle.pos[1], HOME_LOCAL[2]]
      vehicle.landing = true
      vehicle.mode = AP ? AP_LAND : PX4_LAND
      return ack(m, R.ACCEPTED)
    case 20: // RTL
      vehicle.target = [...HOME_LOCAL]
      vehicle.target[2] = vehicle.pos[2]
      return ack(m, R.ACCEPTED)
    default:
      return ack(m, R.UNSUPPORTED)
  }
}

function onSetpoint (m) {
  report.setpoints++
  setpointTimes.push(awake())
  while (setpointTimes.length > 50) setpointTimes.shift()
  const following = AP ? vehicle.mode === AP_GUIDED : vehicle.mode === PX4_OFFBOARD
  if (!following) {
    report.ignored_setpoints++
    return
  }
  if (!vehicle.landed) vehicle.target = [m.x, m.y, m.z]
}

const input = new PassThrough()
input
  .pipe(new MavLinkPacketSplitter({}, {}))
  .pipe(new MavLinkPacketParser())
  .on('data', packet => {
    const clazz = REGISTRY[packet.header.msgid]
    if (!clazz) return
    const m = packet.protocol.data(packet.payload, clazz)
    if (clazz === common.CommandLong) onCommand(m)
    else if (clazz === common.SetPositionTargetLocalNed) onSetpoint(m)
    else if (clazz === common.RequestDataStream && AP) {
      report.rates_requested = true
      if (m.reqStreamId === 6) rates[33] = rates[32] = m.reqMessageRate
      if (m.reqStreamId === 10) rates[30] = m.reqMessageRate
      if (m.reqStreamId === 2) rates[245] = rates[242] = 1
    }
  })
socket.on('message', msg => { awake(); input.write(msg) })

function step (dt) {
  // PX4 leaves OFFBOARD when the setpoints stop
  if (!AP && vehicle.mode === PX4_OFFBOARD) {
    const last = setpointTimes[setpointTimes.length - 1] || 0
    if (awake() - last > 500) {
      vehicle.mode = PX4_HOLD
      report.offboard_lost++
    }
  }
  if (!vehicle.target || !vehicle.armed) return
  const p = vehicle.pos
  const t = vehicle.target
  const dn = t[0] - p[0]
  const de = t[1] - p[1]
  const d = Math.hypot(dn, de)
  const move = SPEED * dt
  if (d <= move) { p[0] = t[0]; p[1] = t[1] } else { p[0] += dn / d * move; p[1] += de / d * move }
  const dz = t[2] - p[2]
  const climb = CLIMB * dt
  p[2] = Math.abs(dz) <= climb ? t[2] : p[2] + Math.sign(dz) * climb
  if (!AP && vehicle.mode === PX4_TAKEOFF && p[2] === t[2]) vehicle.mode = PX4_HOLD
  if (vehicle.landing && p[2] === HOME_LOCAL[2]) {
    vehicle.landing = false
    vehicle.landed = true
    vehicle.armed = false
    vehicle.target = null
  }
}

function finish (code) {
  const out = {
    ok: code === 0,
    ...report,
    position: {
      north: vehicle.pos[0] - HOME_LOCAL[0],
      east: vehicle.pos[1] - HOME_LOCAL[1],
      down: vehicle.pos[2] - HOME_LOCAL[2],
    },
    armed: vehicle.armed,
    mode: vehicle.mode,
    landed: vehicle.landed,
  }
  process.stdout.write(JSON.stringify(out) + '\n')
  process.exit(code)
}

socket.bind(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: socket.address().port }) + '\n')
  let last = now()
  let beat = -1000
  setInterval(() => {
    awake()
    const t = now()
    step((t - last) / 1000)
    last = t
    if (t - beat >= 1000) { beat = t; send(heartbeat()) }
    for (const id of Object.keys(rates)) {
      const hz = rates[id]
      if (hz > 0 && t - (lastSent[id] || -1e9) >= 1000 / hz - 1) {
        lastSent[id] = t
        send(telemetry(Number(id)))
      }
    }
  }, 10)
})

process.on('SIGINT', () => finish(0))
process.on('SIGTERM', () => finish(0))
const scale = Math.min(Math.max(Number(process.env.GST_WORKERS_TEST_TIMEOUT_SCALE) || 1, 1), 100)
setTimeout(() => finish(2), opts.timeout * 1000 * scale)
