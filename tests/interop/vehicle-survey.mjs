// gst-workers: a vehicle flying flightsimsrc's survey in real time, over
// MAVLink, written with node-mavlink (the vehicle of the autonomy loop,
// pipelines/autonomy-loop.pipeline).
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// usage: node vehicle-survey.mjs [--pipeline FILE] [--port N]
//            [--rate HZ] [--tolerance M] [--timeout S] [--clock-stdin 1]
//            [--autopilot ardupilot|px4] [--offboard-loss S]
//            [--land-speed M/S] [--PROPERTY VALUE...]
//
// The flight is flightsimsrc's: the same path (lawnmower, line or circle),
// altitude, speed, targets and home, computed the same way, from the
// properties of the `flightsimsrc` element of --pipeline FILE (its
// `key=value` words up to the first '!'), overridden by --PROPERTY VALUE
// options, flightsimsrc's defaults for the rest. So the video that
// flightsimsrc renders (is-live=true) and the telemetry this vehicle sends
// describe the same flight, if they start together: the vehicle starts
// flying (flight time 0) when flightlink's first HEARTBEAT arrives, which
// flightlink sends as it goes to PLAYING (with remote-address and
// remote-port set), that is at running time 0 give or take a millisecond
// on a quiet machine, tens of them on a loaded one. With --clock-stdin 1
// flight time 0 is instead the CLOCK_MONOTONIC instant, in nanoseconds,
// on the first line of its standard input: give it the pipeline's base
// time (its running time 0 on the system clock) and the two start
// together whatever the load; it flies once it has both that line and
// flightlink's HEARTBEAT.
// flightsimsrc's `position-noise` and `attitude-noise` are errors in the
// reported telemetry: this vehicle adds them (Gaussian, from `seed`).
// `attitude-wobble` must be 0: the wobble's phases come from GLib's random
// generator inside flightsimsrc, which this vehicle cannot reproduce.
//
// It binds UDP 127.0.0.1:PORT (0: any free port) and prints one JSON line
// {"port":N,"flight":{...},"pass_seconds":S} (S: one pass of the path).
// Then it waits for flightlink's HEARTBEAT, and from then on sends, to
// where it came from, its own HEARTBEAT (ArduPilot quadrotor, system 1,
// component 1) at 1 Hz and, at RATE Hz (50), GLOBAL_POSITION_INT, ATTITUDE
// and LOCAL_POSITION_NED of the pose at the moment of sending, each in a
// datagram of its own, `time_boot_ms` the flight time in ms.
//
// It reads what flightlink sends with node-mavlink's parser: its
// heartbeats, and the GOTO commands (SET_POSITION_TARGET_LOCAL_NED), each
// checked to be within TOLERANCE metres (1.5) of a target no command went
// to before. It flies the survey whatever the GOTOs say (the camera
// simulation flies the set path whatever the commands), but it obeys
// COMMAND_LONG as ArduPilot Copter does, each answered by a COMMAND_ACK:
// DO_SET_MODE (custom mode: 4 GUIDED, 9 LAND, 0 STABILIZE, ...),
// ARM_DISARM (arming on the ground; disarming in the air FAILED), TAKEOFF
// (armed, in GUIDED and on the ground only, else FAILED; param7 the
// height above home, which must be the flight's altitude), LAND (accepted
// armed); any other MAV_CMD unsupported (an error).
// With the flight's `climb-rate` (flightsimsrc's take-off) the vehicle
// starts on the ground at the path's start, disarmed, in STABILIZE; after
// an accepted TAKEOFF it climbs on the camera's schedule: from
// `takeoff-time` (it holds on the ground, spooling up, until then), at
// `climb-rate`, then flies the path. A TAKEOFF that comes after
// `takeoff-time` (a loaded machine starts the pipeline late) climbs from
// then on, faster, so as to be up when the camera is (the report says how
// late: takeoff.late); one less than half a second before the end of the
// camera's climb is an error: the vehicle would lag the camera. Without
// it the vehicle is armed,
// in GUIDED, at the altitude from flight time 0, as the camera is.
// A GOTO outside GUIDED (ArduPilot ignores it) or before the climb is
// over (ArduPilot would stop climbing) is an error.
// With --autopilot px4 it behaves as PX4 instead (HEARTBEAT autopilot 12,
// modes as PX4's main and sub modes, HOME_POSITION once a second): it
// starts in HOLD; TAKEOFF (armed, on the ground; param7 an altitude above
// sea level: home's plus the height) switches to its Takeoff mode, HOLD
// once up; OFFBOARD (DO_SET_MODE main mode 6) is refused (TEMPORARILY_
// REJECTED) without a setpoint stream (two setpoints in the last second,
// the latest within OFFBOARD-LOSS s), and left for HOLD when the stream
// stops for OFFBOARD-LOSS s (--offboard-loss, 1: PX4's COM_OF_LOSS_T),
// an error. Setpoints repeated by the stream count once; a new setpoint
// before OFFBOARD is the hold that primes it, not a GOTO.
// The stream's silence is judged so that this vehicle's own stalls (a
// loaded machine that does not run it for a second) do not count: PX4
// runs on hardware of its own, this vehicle shares the machine with
// flightlink. A setpoint's `time_boot_ms` is the CLOCK_MONOTONIC ms at
// which flightlink sent it: two in a row more than OFFBOARD-LOSS s apart
// is the stream paused by flightlink, whenever the vehicle reads them.
// A stream that stopped is seen once the vehicle has read its input: the
// time since the latest setpoint is taken as a tick comes, and judged
// after the datagrams waiting then are read (setImmediate comes after
// the event loop's poll), never before.
// VEHICLE_SURVEY_STALL=S:MS (environment) blocks the vehicle for MS ms
// at flight time S, as a machine that does not run it would: the
// forced reproduction of such a stall (issue 20).
// After LAND it descends where it is at LAND-SPEED m/s (--land-speed;
// 0, the default: the climb rate, or 2.5 m/s), reporting landed_state
// LANDING, then on the ground ON_GROUND, and disarms (as ArduPilot does
// once landed); a GOTO after LAND is an error. EXTENDED_SYS_STATE goes
// with each heartbeat and on each change of the landed state.
// On SIGINT or SIGTERM it prints a JSON
// report and exits: 0 if every GOTO was near a new target, 1 if
// not; after TIMEOUT seconds (600), 2.
// The report: ok, heartbeats (flightlink's), telemetry (messages sent),
// flight_seconds, start_monotonic_ns (flight time 0 on CLOCK_MONOTONIC),
// commands (the GOTOs, each with north, east, down, at: flight time,
// target: index into flight.targets, error: metres), missed (targets
// without a GOTO), long_commands (each COMMAND_LONG: command, at,
// result, gotos_before: GOTOs received before it), takeoff (at: TAKEOFF
// accepted, climb_start, climb_end: flight times, late: seconds after
// climb_start), landing (at: LAND
// accepted, from_altitude, landed_at, disarmed_at), armed, mode, landed
// (on the ground after a LAND), autopilot, setpoints (all received),
// holds (new setpoints before OFFBOARD), offboard_entered, offboard_lost
// and error.

import dgram from 'node:dgram'
import fs from 'node:fs'
import { PassThrough } from 'node:stream'
import {
  minimal, common, MavLinkProtocolV2, MavLinkPacketSplitter,
  MavLinkPacketParser,
} from 'node-mavlink'

const REGISTRY = { ...minimal.REGISTRY, ...common.REGISTRY }
const DEG = Math.PI / 180
const EARTH_RADIUS = 6378137.0 // flightsimsrc's (WGS84 equatorial)

// ---------------------------------------------------------------------
// options

// flightsimsrc's defaults (gst-inspect-1.0 flightsimsrc)
const flight = {
  path: 'lawnmower', altitude: 40, speed: 5, 'path-length': 80,
  'path-width': 60, 'lane-spacing': 20, 'path-heading': 0, radius: 30,
  targets: '10,20;-15,-25;30,-5', 'home-latitude': 43.4723,
  'home-longitude': -80.5449, 'home-altitude': 330, 'position-noise': 0,
  'attitude-noise': 0.1, 'attitude-wobble': 1, seed: 0, 'climb-rate': 0,
  'takeoff-time': 0,
}
const opts = { port: 0, rate: 50, tolerance: 1.5, timeout: 600,
  'clock-stdin': 0, 'land-speed': 0, autopilot: 'ardupilot',
  'offboard-loss': 1 }

function die (error) {
  process.stdout.write(JSON.stringify({ ok: false, error }) + '\n')
  process.exit(1)
}

function setFlight (key, value) {
  if (!(key in flight)) return
  flight[key] = typeof flight[key] === 'number' ? Number(value) : value
  if (typeof flight[key] === 'number' && !Number.isFinite(flight[key]))
    die(`${key}: '${value}' is not a number`)
}

// The key=value words of the flightsimsrc element of a pipeline file.
function readPipeline (file) {
  const text = fs.readFileSync(file, 'utf8')
    .split('\n').map(l => l.replace(/#.*/, '')).join(' ')
  const at = text.search(/\bflightsimsrc\b/)
  if (at < 0) die(`${file} has no flightsimsrc`)
  const element = text.slice(at + 'flightsimsrc'.length).split('!')[0]
  for (const m of element.matchAll(/([a-z-]+)=("([^"]*)"|\S+)/g))
    setFlight(m[1], m[3] !== undefined ? m[3] : m[2])
}

const args = process.argv.slice(2)
for (let i = 0; i < args.length; i += 2) {
  const key = args[i].replace(/^--/, '')
  if (i + 1 >= args.length) die(`${args[i]} needs a value`)
  if (key === 'pipeline') readPipeline(args[i + 1])
  else if (key === 'autopilot') opts.autopilot = args[i + 1]
  else if (key in opts) opts[key] = Number(args[i + 1])
  else if (key in flight) setFlight(key, args[i + 1])
  else die(`unknown option ${args[i]}`)
}
if (flight['attitude-wobble'] !== 0)
  die('attitude-wobble must be 0: the camera simulation draws the ' +
    'wobble\'s phases from GLib\'s random generator, which the vehicle ' +
    'cannot reproduce')

if (!['ardupilot', 'px4'].includes(opts.autopilot))
  die(`--autopilot: '${opts.autopilot}' is neither ardupilot nor px4`)
const PX4 = opts.autopilot === 'px4'
if (PX4 && !(flight['climb-rate'] > 0))
  die('--autopilot px4 needs a flight with a take-off (climb-rate)')

const targets = flight.targets.split(';').map(s => s.trim()).filter(s => s)
  .map(s => s.split(',').map(Number))

// ---------------------------------------------------------------------
// the flight: flightsimsrc's build_path() and path_at()

const waypoints = [] // [north, east, distance along the path]

function addWaypoint (along, across) {
  const h = flight['path-heading'] * DEG
  const n = along * Math.cos(h) - across * Math.sin(h)
  const e = along * Math.sin(h) + across * Math.cos(h)
  const last = waypoints[waypoints.length - 1]
  const d = last ? last[2] + Math.hypot(n - last[0], e - last[1]) : 0
  waypoints.push([n, e, d])
}

const half = flight['path-length'] / 2
if (flight.path === 'line') {
  addWaypoint(-half, 0)
  addWaypoint(half, 0)
} else if (flight.path === 'lawnmower') {
  const lanes = Math.floor(flight['path-width'] / flight['lane-spacing'] +
    1e-9) + 1
  const first = -(lanes - 1) * flight['lane-spacing'] / 2
  for (let i = 0; i < lanes; i++) {
    const across = first + i * flight['lane-spacing']
    addWaypoint(i % 2 ? half : -half, across)
    addWaypoint(i % 2 ? -half : half, across)
  }
} else if (flight.path !== 'circle') {
  die(`unknown path '${flight.path}'`)
}

const passLength = flight.path === 'circle'
  ? 2 * Math.PI * flight.radius : waypoints[waypoints.length - 1][2]

function pathAt (s) {
  if (flight.path === 'circle') {
    const theta = flight['path-heading'] * DEG + s / flight.radius
    return [flight.radius * Math.cos(theta), flight.radius * Math.sin(theta),
      theta + Math.PI / 2]
  }
  const total = passLength
  s = s % (2 * total)
  const back = s > total
  if (back) s = 2 * total - s
  let lo = 0
  let hi = waypoints.length - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (waypoints[mid][2] <= s) lo = mid
    else hi = mid
  }
  const a = waypoints[lo]
  const b = waypoints[hi]
  const f = b[2] > a[2] ? (s - a[2]) / (b[2] - a[2]) : 0
  let heading = Math.atan2(b[1] - a[1], b[0] - a[0])
  if (back) heading += Math.PI
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), heading]
}

function wrapAngle (a) {
  a = (a + Math.PI) % (2 * Math.PI)
  if (a < 0) a += 2 * Math.PI
  return a - Math.PI
}

// Gaussian errors of the reported pose, reproducible from the seed
// (mulberry32, Box-Muller)
let rngState = (flight.seed >>> 0) ^ 0x9e3779b9
function uniform () {
  rngState = (rngState + 0x6d2b79f5) >>> 0
  let t = rngState
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
function gauss () {
  return Math.sqrt(-2 * Math.log(1 - uniform())) *
    Math.cos(2 * Math.PI * uniform())
}

// The take-off of the camera's flight (flightsimsrc's climb_times()).
const TAKEOFF = flight['climb-rate'] > 0
const climbStart = TAKEOFF ? flight['takeoff-time'] : 0
const climbEnd = TAKEOFF ? climbStart + flight.altitude / flight['climb-rate']
  : 0
const landSpeed = opts['land-speed'] > 0 ? opts['land-speed']
  : TAKEOFF ? flight['climb-rate'] : 2.5

// ArduCopter's modes, PX4's (main mode << 16 | sub mode << 24), and
// MAVLink's landed states
const PX4_OFFBOARD = 6 << 16
const PX4_HOLD = (4 << 16) | (3 << 24)
const PX4_TAKEOFF = (4 << 16) | (2 << 24)
const PX4_LAND = (4 << 16) | (6 << 24)
const GUIDED = PX4 ? PX4_OFFBOARD : 4
const LAND = PX4 ? PX4_LAND : 9
const STABILIZE = PX4 ? PX4_HOLD : 0
const ON_GROUND = 1
const IN_AIR = 2
const TAKING_OFF = 3
const LANDING = 4

// What the vehicle does: set by the commands it obeys.
const vehicle = {
  armed: !TAKEOFF, mode: TAKEOFF ? STABILIZE : GUIDED,
  tookOff: !TAKEOFF, // an accepted TAKEOFF, or flying from the start
  climbFrom: climbStart, // when it starts climbing
  land: null, // {at, north, east, heading, altitude}: since LAND
}

// The true pose at flight time t: north, east, down, heading, velocity.
function truePose (t) {
  if (vehicle.land) {
    const l = vehicle.land
    const h = Math.max(0, l.altitude - landSpeed * (t - l.at))
    return { north: l.north, east: l.east, down: -h, heading: l.heading,
      vn: 0, ve: 0, vd: h > 0 ? landSpeed : 0 }
  }
  const flying = vehicle.tookOff && t >= climbEnd
  const [north, east, heading] = pathAt(flying
    ? flight.speed * (t - climbEnd) : 0)
  const from = vehicle.climbFrom
  let down = -flight.altitude
  let vd = 0
  if (!vehicle.tookOff || t < from) {
    down = 0
  } else if (!flying) {
    vd = -flight.altitude / (climbEnd - from)
    down = vd * (t - from)
  }
  return { north, east, down, heading, vd,
    vn: flying ? flight.speed * Math.cos(heading) : 0,
    ve: flying ? flight.speed * Math.sin(heading) : 0 }
}

function landedStateAt (t) {
  const p = truePose(t)
  if (vehicle.land) return p.down < 0 ? LANDING : ON_GROUND
  if (p.down >= 0) return ON_GROUND
  return t < climbEnd ? TAKING_OFF : IN_AIR
}

// The reported pose at flight time t (seconds).
function poseAt (t) {
  const { north: tn, east: te, down: td, heading, vn, ve, vd } = truePose(t)
  const p = flight['position-noise']
  const a = flight['attitude-noise'] * DEG
  const pose = {
    north: tn + p * gauss(),
    east: te + p * gauss(),
    down: td + p * gauss(),
    roll: a * gauss(),
    pitch: a * gauss(),
    yaw: wrapAngle(heading + a * gauss()),
    vn,
    ve,
    vd,
  }
  const lat0 = flight['home-latitude']
  pose.latitude = lat0 + pose.north / EARTH_RADIUS / DEG
  pose.longitude = flight['home-longitude'] +
    pose.east / (EARTH_RADIUS * Math.cos(lat0 * DEG)) / DEG
  pose.altitude = flight['home-altitude'] - pose.down
  return pose
}

// ---------------------------------------------------------------------
// the link

const v2 = new MavLinkProtocolV2(1, 1)
let seq = 0
let peer = null // flightlink: [address, port]
let t0 = 0 // performance.now() at flight time 0
let t0Monotonic = 0n // the same instant on CLOCK_MONOTONIC, in ns
let zeroGiven = false // --clock-stdin: t0 read from stdin
let flying = false
const socket = dgram.createSocket('udp4')
const state = {
  heartbeats: 0, telemetry: 0, commands: [], long_commands: [],
  landed: false, takeoff: null, landing: null, setpoints: 0, holds: 0,
  offboard_entered: 0, offboard_lost: 0,
}
let lastSetpoint = null // [x, y, z] of the latest one
let lastSetpointAt = -Infinity // performance.now() of the latest one
let lastSetpointSent = null // flightlink's time_boot_ms of the latest one
const setpointTimes = [] // performance.now() of the recent ones
let landedState = 0 // the last one sent
let error = null

const flightTime = () => (performance.now() - t0) / 1000

function serialize (msg) {
  return v2.serialize(msg, seq++ & 0xff)
}

function send (buffer) {
  return new Promise(resolve =>
    socket.send(buffer, peer[1], peer[0], resolve))
}

function heartbeat () {
  const hb = new minimal.Heartbeat()
  hb.type = minimal.MavType.QUADROTOR
  hb.autopilot = PX4 ? minimal.MavAutopilot.PX4
    : minimal.MavAutopilot.ARDUPILOTMEGA
  // custom mode, guided, stabilize, manual input enabled; armed
  hb.baseMode = 89 | (vehicle.armed ? 128 : 0)
  hb.customMode = vehicle.mode
  hb.systemStatus = vehicle.armed ? minimal.MavState.ACTIVE
    : minimal.MavState.STANDBY
  hb.mavlinkVersion = 3
  return serialize(hb)
}

async function sendTelemetry () {
  const t = flightTime()
  const ms = Math.round(t * 1000)
  const pose = poseAt(t)

  const gp = new common.GlobalPositionInt()
  gp.timeBootMs = ms
  gp.lat = Math.round(pose.latitude * 1e7)
  gp.lon = Math.round(pose.longitude * 1e7)
  gp.alt = Math.round(pose.altitude * 1000)
  gp.relativeAlt = Math.round(-pose.down * 1000)
  gp.vx = Math.round(pose.vn * 100)
  gp.vy = Math.round(pose.ve * 100)
  gp.vz = Math.round(pose.vd * 100)
  gp.hdg = Math.round(((pose.yaw / DEG) + 360) % 360 * 100) % 36000

  const at = new common.Attitude()
  at.timeBootMs = ms
  at.roll = pose.roll
  at.pitch = pose.pitch
  at.yaw = pose.yaw
  at.rollspeed = 0
  at.pitchspeed = 0
  at.yawspeed = 0

  const lp = new common.LocalPositionNed()
  lp.timeBootMs = ms
  lp.x = pose.north
  lp.y = pose.east
  lp.z = pose.down
  lp.vx = pose.vn
  lp.vy = pose.ve
  lp.vz = pose.vd

  // the local position last: the odometry item it completes is the one
  // with everything of this instant
  await send(serialize(gp))
  await send(serialize(at))
  await send(serialize(lp))
  state.telemetry += 3
}

// PX4: home at the local origin (its altitude is the takeoff's base)
function homePosition () {
  const m = new common.HomePosition()
  m.latitude = Math.round(flight['home-latitude'] * 1e7)
  m.longitude = Math.round(flight['home-longitude'] * 1e7)
  m.altitude = Math.round(flight['home-altitude'] * 1000)
  m.x = 0; m.y = 0; m.z = 0
  m.q = [1, 0, 0, 0]
  m.approachX = 0; m.approachY = 0; m.approachZ = 0
  m.timeUsec = BigInt(Math.round(flightTime() * 1e6))
  return serialize(m)
}

// PX4 enters OFFBOARD only with a setpoint stream running.
function streamRunning () {
  const now = performance.now()
  const recent = setpointTimes.filter(s => now - s <= 1000)
  return recent.length >= 2 &&
    now - lastSetpointAt <= opts['offboard-loss'] * 1000
}

function extendedSysState (landed) {
  const m = new common.ExtendedSysState()
  m.vtolState = 0
  m.landedState = landed
  landedState = landed
  return serialize(m)
}

// The landing goes on: on the ground, disarmed (ArduPilot disarms once
// landed). Returns the messages that say so.
function followLanding (t) {
  const out = []
  const landed = landedStateAt(t)
  if (landed === ON_GROUND && vehicle.land && vehicle.armed) {
    vehicle.armed = false
    state.landed = true
    state.landing.landed_at = t
    state.landing.disarmed_at = t
    out.push(heartbeat())
  }
  if (landed !== landedState) out.push(extendedSysState(landed))
  return out
}

const { ACCEPTED, FAILED, UNSUPPORTED } = common.MavResult

// What ArduPilot Copter (or PX4) answers to a COMMAND_LONG, and does.
function obey (m, t) {
  const onGround = landedStateAt(t) === ON_GROUND
  switch (m.command) {
    case 176: // DO_SET_MODE: param2 the custom mode (PX4: main, sub)
      if (!PX4) {
        vehicle.mode = m._param2
        return ACCEPTED
      }
      if (m._param2 === 6) {
        if (!streamRunning()) {
          error = error || 'OFFBOARD asked for without a setpoint stream'
          return common.MavResult.TEMPORARILY_REJECTED
        }
        // a DO_SET_MODE sent again (its ACK was later than flightlink's
        // command timeout) finds the vehicle in OFFBOARD: no new entry
        if (vehicle.mode !== PX4_OFFBOARD) state.offboard_entered++
        vehicle.mode = PX4_OFFBOARD
        return ACCEPTED
      }
      vehicle.mode = (m._param2 << 16) | (m._param3 << 24)
      return ACCEPTED
    case 400: // ARM_DISARM
      if (m._param1 === 1) {
        if (!onGround && !vehicle.armed) return FAILED
        vehicle.armed = true
        return ACCEPTED
      }
      if (!onGround) return FAILED
      vehicle.armed = false
      return ACCEPTED
    case 22: { // NAV_TAKEOFF: param7 the height above home (PX4: altitude)
      if (!vehicle.armed || (!PX4 && vehicle.mode !== GUIDED) || !onGround ||
          vehicle.land) return FAILED
      const height = PX4 ? m._param7 - flight['home-altitude'] : m._param7
      if (Math.abs(height - flight.altitude) > 0.01)
        error = error || `TAKEOFF to ${height} m, the flight is at ` +
          `${flight.altitude} m`
      if (TAKEOFF && t > climbEnd - 0.5)
        error = error || `TAKEOFF at ${t.toFixed(3)} s, too late to be up ` +
          `with the camera at ${climbEnd} s: the vehicle would lag it`
      vehicle.tookOff = true
      vehicle.climbFrom = Math.max(t, climbStart)
      if (PX4) vehicle.mode = PX4_TAKEOFF
      state.takeoff = { at: t, climb_start: climbStart,
        climb_end: climbEnd, late: Math.max(0, t - climbStart) }
      return ACCEPTED
    }
    case 21: { // NAV_LAND: here
      if (!vehicle.armed) return FAILED
      const p = truePose(t)
      vehicle.land = { at: t, north: p.north, east: p.east,
        heading: p.heading, altitude: -p.down }
      vehicle.mode = LAND
      state.landing = { at: t, from_altitude: -p.down, landed_at: null,
        disarmed_at: null }
      return ACCEPTED
    }
    default:
      error = error || `unexpected MAV_CMD ${m.command}`
      return UNSUPPORTED
  }
}

// COMMAND_LONG: acknowledged. MAV_CMD: 400 ARM_DISARM, 22 TAKEOFF,
// 176 DO_SET_MODE, 21 LAND.
function onCommandLong (m) {
  if (m.targetSystem !== 1 || (m.targetComponent !== 1 &&
      m.targetComponent !== 0)) {
    error = error || `COMMAND_LONG for ${m.targetSystem}/` +
      `${m.targetComponent}, not 1/1`
    return
  }
  const t = flying ? flightTime() : 0
  const result = obey(m, t)
  state.long_commands.push({
    command: m.command, at: t, result,
    confirmation: m.confirmation, gotos_before: state.commands.length,
  })
  const a = new common.CommandAck()
  a.command = m.command
  a.result = result
  a.progress = 0
  a.resultParam2 = 0
  a.targetSystem = 1 // flightlink's system-id and component-id
  a.targetComponent = 191
  const replies = [serialize(a), ...followLanding(t)]
  if (peer) replies.forEach(r => send(r))
}

// PX4: the stream's repeats count once; before OFFBOARD a new setpoint
// is the hold that primes it.
function streamed (m) {
  const p = [m.x, m.y, m.z]
  const repeat = lastSetpoint && p.every((v, k) => v === lastSetpoint[k])
  // flightlink's own gap (uint32 ms; a GOTO is stamped as it is mapped,
  // a streamed setpoint written before it may be stamped later)
  if (lastSetpointSent !== null) {
    const gap = (m.timeBootMs - lastSetpointSent) | 0
    if (gap > 0) {
      if (vehicle.mode === PX4_OFFBOARD &&
          gap > opts['offboard-loss'] * 1000)
        leaveOffboard(`flightlink sent none for ${(gap / 1000).toFixed(3)} s`)
      lastSetpointSent = m.timeBootMs
    }
  } else {
    lastSetpointSent = m.timeBootMs
  }
  lastSetpoint = p
  lastSetpointAt = performance.now()
  setpointTimes.push(lastSetpointAt)
  while (setpointTimes.length > 50) setpointTimes.shift()
  if (repeat) return true
  if (vehicle.mode !== PX4_OFFBOARD && !vehicle.land) {
    state.holds++
    return true
  }
  return false
}

function onGoto (m) {
  state.setpoints++
  if (PX4 && streamed(m)) return
  const cmd = {
    north: m.x, east: m.y, down: m.z, at: flightTime(), target: -1,
    error: null,
  }
  let best = Infinity
  targets.forEach(([n, e], k) => {
    const d = Math.hypot(m.x - n, m.y - e)
    if (d < best) { best = d; cmd.target = k }
  })
  cmd.error = best
  state.commands.push(cmd)
  if (vehicle.land) error = error || 'a GOTO after LAND'
  else if (vehicle.mode !== GUIDED)
    error = error || `a GOTO in mode ${vehicle.mode}, not ` +
      (PX4 ? 'OFFBOARD: PX4 ignores it' : 'GUIDED: ArduPilot ignores it')
  else if (cmd.at < climbEnd)
    error = error || `a GOTO at ${cmd.at.toFixed(3)} s, during the ` +
      'take-off: ArduPilot would stop climbing'
  if (m.coordinateFrame !== common.MavFrame.LOCAL_NED)
    error = error || `GOTO in frame ${m.coordinateFrame}, not LOCAL_NED`
  else if (best > opts.tolerance)
    error = error || `GOTO to ${m.x.toFixed(2)},${m.y.toFixed(2)}: ` +
      `${best.toFixed(2)} m from the nearest target`
  else if (state.commands.filter(c => c.target === cmd.target).length > 1)
    error = error || `a second GOTO to target ${cmd.target}`
}

const input = new PassThrough()
input
  .pipe(new MavLinkPacketSplitter({}, {
    onCrcError: () => { error = error || 'bad CRC from flightlink' },
  }))
  .pipe(new MavLinkPacketParser())
  .on('data', packet => {
    const clazz = REGISTRY[packet.header.msgid]
    if (!clazz) {
      error = error || `unknown message ${packet.header.msgid}`
      return
    }
    const m = packet.protocol.data(packet.payload, clazz)
    if (clazz === minimal.Heartbeat) state.heartbeats++
    else if (clazz === common.SetPositionTargetLocalNed) onGoto(m)
    else if (clazz === common.CommandLong) onCommandLong(m)
    else error = error || `unexpected ${clazz.MSG_NAME} from flightlink`
  })

function report () {
  const commanded = new Set(state.commands.map(c => c.target))
  const out = {
    ok: error === null,
    heartbeats: state.heartbeats,
    telemetry: state.telemetry,
    flight_seconds: peer ? flightTime() : 0,
    // flight time 0 on CLOCK_MONOTONIC (the clock of GStreamer's system
    // clock): the test finds how late the flight started
    start_monotonic_ns: Number(t0Monotonic),
    commands: state.commands,
    missed: targets.map((t, k) => k).filter(k => !commanded.has(k)),
    long_commands: state.long_commands,
    takeoff: state.takeoff,
    landing: state.landing,
    armed: vehicle.armed,
    mode: vehicle.mode,
    landed: state.landed,
    autopilot: opts.autopilot,
    setpoints: state.setpoints,
    holds: state.holds,
    offboard_entered: state.offboard_entered,
    offboard_lost: state.offboard_lost,
  }
  if (error) out.error = error
  process.stdout.write(JSON.stringify(out) + '\n')
  process.exit(error ? 1 : 0)
}

// ---------------------------------------------------------------------
// the vehicle

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

// PX4 leaves OFFBOARD for HOLD when the setpoints stop: an error
function leaveOffboard (why) {
  const t = flightTime()
  vehicle.mode = PX4_HOLD
  state.offboard_lost++
  error = error || `left OFFBOARD at ${t.toFixed(3)} s: no setpoint ` +
    `for ${opts['offboard-loss']} s (${why})`
}

// The silence as of @lookedAt (a tick's performance.now(), the tick
// @late ms after its time), judged once the datagrams that came before it
// are read: a vehicle the machine did not run sees them late, flightlink
// sent them in time. (The message says how late the tick was: a stall of
// this vehicle, not of flightlink's stream, if that is most of it.)
function checkStream (lookedAt, late) {
  setImmediate(() => {
    const silence = lookedAt - lastSetpointAt
    if (vehicle.mode === PX4_OFFBOARD &&
        silence > opts['offboard-loss'] * 1000)
      leaveOffboard(`none read for ${(silence / 1000).toFixed(3)} s; ` +
        `the tick that looked came ${(late / 1000).toFixed(3)} s late`)
  })
}

// VEHICLE_SURVEY_STALL=S:MS: the vehicle not run for MS ms at S
const stall = (process.env.VEHICLE_SURVEY_STALL || '').split(':').map(Number)
let stalled = !(stall.length === 2 && stall.every(Number.isFinite))

async function fly () {
  const period = 1000 / opts.rate
  // a flight time 0 given on stdin may be a few ms past: no catching up
  let tick = Math.max(0, Math.ceil((performance.now() - t0) / period))
  await send(heartbeat())
  if (PX4) await send(homePosition())
  for (;;) {
    const next = t0 + tick * period
    const wait = next - performance.now()
    if (wait > 0) await sleep(wait)
    const t = flightTime()
    if (PX4 && vehicle.mode === PX4_TAKEOFF && t >= climbEnd)
      vehicle.mode = PX4_HOLD
    if (!stalled && t >= stall[0]) {
      stalled = true
      const until = performance.now() + stall[1]
      while (performance.now() < until);
    }
    // PX4 leaves OFFBOARD when the setpoints stop
    if (PX4 && vehicle.mode === PX4_OFFBOARD) {
      const now = performance.now()
      checkStream(now, now - next)
    }
    if (tick % Math.round(opts.rate) === 0 && tick > 0) {
      await send(heartbeat())
      await send(extendedSysState(landedStateAt(t)))
      if (PX4) await send(homePosition())
    }
    for (const m of followLanding(t)) await send(m)
    await sendTelemetry()
    tick++
  }
}

// Flies once it knows flightlink's address and flight time 0.
function startFlying () {
  if (flying || !peer || (opts['clock-stdin'] && !zeroGiven)) return
  flying = true
  if (!opts['clock-stdin']) {
    // flightlink's first datagram: flight time 0
    t0 = performance.now()
    t0Monotonic = process.hrtime.bigint()
  }
  fly().catch(e => { error = error || String(e) })
}

socket.on('message', (msg, rinfo) => {
  if (!peer) {
    peer = [rinfo.address, rinfo.port]
    startFlying()
  }
  input.write(msg)
})

if (opts['clock-stdin']) {
  let text = ''
  process.stdin.setEncoding('utf8')
  process.stdin.on('data', chunk => {
    if (zeroGiven) return
    text += chunk
    const nl = text.indexOf('\n')
    if (nl < 0) return
    const line = text.slice(0, nl).trim()
    if (!/^[0-9]+$/.test(line)) die(`stdin: '${line}' is not a time in ns`)
    // performance.now() and hrtime both run on CLOCK_MONOTONIC
    t0Monotonic = BigInt(line)
    t0 = performance.now() - Number(process.hrtime.bigint() - t0Monotonic) / 1e6
    zeroGiven = true
    startFlying()
  })
}

socket.bind(opts.port, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({
    port: socket.address().port,
    flight: { ...flight, targets },
    pass_seconds: passLength / flight.speed,
  }) + '\n')
})

process.on('SIGINT', report)
process.on('SIGTERM', report)
setTimeout(() => {
  error = error || 'timeout'
  process.stdout.write(JSON.stringify({ ok: false, error, ...state }) + '\n')
  process.exit(2)
}, opts.timeout * 1000)
