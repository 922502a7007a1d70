// gst-workers: a vehicle simulator written with node-mavlink, the
// independent MAVLink implementation flightlink is checked against.
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// usage: node vehicle-sim.mjs FLIGHTLINK_PORT [ROUNDS]
//
// Plays an ArduPilot-like quadrotor, system 1 component 1, over UDP on
// loopback: sends HEARTBEATs every 100 ms, then ROUNDS rounds of telemetry
// (GLOBAL_POSITION_INT in MAVLink 2, ATTITUDE in MAVLink 1,
// LOCAL_POSITION_NED in MAVLink 2, signed every 4th round) with the values
// below, which tests/check/flightlinkinterop.c expects back as odometry
// items. Some datagrams carry garbage before the frames, two frames, or a
// copy of a frame with a flipped bit (counted: flightlink must count them
// as bad frames).
//
// It reads what flightlink sends with node-mavlink's parser and checks
// flightlink's HEARTBEAT and the five commands of pipelines/b1-commands.bin,
// field by field, answering each COMMAND_LONG / COMMAND_INT with an
// accepting COMMAND_ACK. A command flightlink sends again (its ACK came
// later than command-timeout: a loaded machine, valgrind) is checked and
// answered again, as an autopilot does, and counted in `retransmits`,
// not taken for the next command. On success it prints one JSON line
// {"ok":true,...} and exits 0; on a mismatch it prints {"ok":false,
// "error":...} and exits 1; after 30 s (times
// GST_WORKERS_TEST_TIMEOUT_SCALE, as the tests' hang guards) it gives up
// (exit 2).

import dgram from 'node:dgram'
import { PassThrough } from 'node:stream'
import {
  minimal, common,
  MavLinkProtocolV1, MavLinkProtocolV2, MavLinkPacketSignature,
  MavLinkPacketSplitter, MavLinkPacketParser,
} from 'node-mavlink'

const port = Number(process.argv[2])
const rounds = Number(process.argv[3] || 20)
const REGISTRY = { ...minimal.REGISTRY, ...common.REGISTRY }

const v1 = new MavLinkProtocolV1(1, 1)
const v2 = new MavLinkProtocolV2(1, 1)
const v2signed = new MavLinkProtocolV2(1, 1, MavLinkProtocolV2.IFLAG_SIGNED)
const key = MavLinkPacketSignature.key('gst-workers')
let seq = 0

const socket = dgram.createSocket('udp4')
const state = {
  heartbeats: 0, commands: [], telemetry: 0, corrupt: 0, acks: 0,
  retransmits: 0,
}
let lastCommand = null // [msgid, MAV_CMD, confirmation] of the latest one

function finish (ok, error) {
  const out = { ok, ...state, commands: state.commands.length }
  if (error) out.error = error
  process.stdout.write(JSON.stringify(out) + '\n')
  socket.close()
  process.exit(ok ? 0 : 1)
}

function fail (error) { finish(false, error) }

function expect (cond, what) { if (!cond) fail(what) }

function send (buffers) {
  return new Promise(resolve =>
    socket.send(Buffer.concat(buffers), port, '127.0.0.1', resolve))
}

function sleep (ms) { return new Promise(resolve => setTimeout(resolve, ms)) }

function heartbeat () {
  const hb = new minimal.Heartbeat()
  hb.type = minimal.MavType.QUADROTOR
  hb.autopilot = minimal.MavAutopilot.ARDUPILOTMEGA
  hb.baseMode = 81
  hb.customMode = 4
  hb.systemStatus = minimal.MavState.ACTIVE
  hb.mavlinkVersion = 3
  return v2.serialize(hb, seq++ & 0xff)
}

// the values of round k (tests/check/flightlinkinterop.c has the same)
function globalPosition (k) {
  const m = new common.GlobalPositionInt()
  m.timeBootMs = 1000 + 100 * k
  m.lat = 434700000 + 1000 * k
  m.lon = -805400000 - 500 * k
  m.alt = 350000 + 10 * k
  m.relativeAlt = 30000
  m.vx = 100 + k
  m.vy = -50
  m.vz = 5
  m.hdg = 9000
  return m
}

function attitude (k) {
  const m = new common.Attitude()
  m.timeBootMs = 1000 + 100 * k + 10
  m.roll = 0.01 * k
  m.pitch = -0.02
  m.yaw = 1.0 + 0.01 * k
  m.rollspeed = 0
  m.pitchspeed = 0
  m.yawspeed = 0
  return m
}

function localPosition (k) {
  const m = new common.LocalPositionNed()
  m.timeBootMs = 1000 + 100 * k + 20
  m.x = 0.5 * k
  m.y = -0.25 * k
  m.z = -10
  m.vx = 0.5
  m.vy = -0.25
  m.vz = 0
  return m
}

function corrupted (frame) {
  const bad = Buffer.from(frame)
  bad[12] ^= 0x04 // a payload bit
  return bad
}

const garbage = Buffer.from([0x00, 0x55, 0xaa, 0x13, 0x37])

// ---------------------------------------------------------------------
// what flightlink sends

const near = (a, b) => Math.abs(a - b) < 1e-6
const f32 = Math.fround

const expected = [
  { msgid: common.SetPositionTargetGlobalInt.MSG_ID, check: m =>
    m.targetSystem === 1 && m.targetComponent === 1 &&
      m.coordinateFrame === common.MavFrame.GLOBAL_INT &&
      m.typeMask === 2552 && m.latInt === 434712345 &&
      m.lonInt === -805412345 && m.alt === f32(350.25) &&
      m.yaw === f32(Math.PI / 2) },
  { msgid: common.SetPositionTargetLocalNed.MSG_ID, check: m =>
    m.targetSystem === 1 && m.coordinateFrame === common.MavFrame.LOCAL_NED &&
      m.typeMask === 3576 && m.x === 10.5 && m.y === -20.25 && m.z === -30 },
  { msgid: common.CommandInt.MSG_ID, check: m =>
    m.targetSystem === 1 && m.targetComponent === 1 &&
      m.command === common.MavCmd.NAV_LOITER_UNLIM &&
      m.frame === common.MavFrame.GLOBAL && m._param5 === 434712345 &&
      m._param6 === -805412345 && m._param7 === f32(350.25) &&
      Number.isNaN(m._param4) },
  { msgid: common.CommandLong.MSG_ID, check: m =>
    m.targetSystem === 1 && m.command === common.MavCmd.NAV_LAND &&
      near(m._param4, 90) && Number.isNaN(m._param5) &&
      Number.isNaN(m._param6) && Number.isNaN(m._param7) },
  { msgid: common.CommandLong.MSG_ID, check: m =>
    m.targetSystem === 1 && m.command === common.MavCmd.NAV_RETURN_TO_LAUNCH &&
      m._param1 === 0 && m._param7 === 0 },
]

const input = new PassThrough()
const packets = input
  .pipe(new MavLinkPacketSplitter({}, { onCrcError: () => fail('bad CRC from flightlink') }))
  .pipe(new MavLinkPacketParser())

packets.on('data', async packet => {
  const h = packet.header
  const clazz = REGISTRY[h.msgid]
  expect(clazz, `unknown message ${h.msgid} from flightlink`)
  expect(h.sysid === 1 && h.compid === 191,
    `message from ${h.sysid}/${h.compid}, not 1/191`)
  const m = packet.protocol.data(packet.payload, clazz)
  if (h.msgid === minimal.Heartbeat.MSG_ID) {
    expect(m.type === minimal.MavType.ONBOARD_CONTROLLER &&
      m.autopilot === minimal.MavAutopilot.INVALID && m.mavlinkVersion === 3,
    `flightlink's heartbeat: ${JSON.stringify(m)}`)
    state.heartbeats++
    return
  }
  const isCommand = h.msgid === common.CommandLong.MSG_ID ||
    h.msgid === common.CommandInt.MSG_ID
  // the latest command again (a COMMAND_LONG's confirmation counts up)
  const again = isCommand && lastCommand && lastCommand[0] === h.msgid &&
    lastCommand[1] === m.command &&
    (h.msgid === common.CommandInt.MSG_ID || m.confirmation > lastCommand[2])
  const n = state.commands.length - (again ? 1 : 0)
  expect(n < expected.length, `unexpected command ${clazz.MSG_NAME}`)
  expect(h.msgid === expected[n].msgid,
    `command ${n}: ${clazz.MSG_NAME}, expected ${REGISTRY[expected[n].msgid].MSG_NAME}`)
  expect(expected[n].check(m), `command ${n} (${clazz.MSG_NAME}): ${JSON.stringify(m, (k, v) => Number.isNaN(v) ? 'NaN' : v)}`)
  if (again) state.retransmits++
  else state.commands.push(clazz.MSG_NAME)
  if (isCommand) {
    lastCommand = [h.msgid, m.command, m.confirmation]
    const ack = new common.CommandAck()
    ack.command = m.command
    ack.result = common.MavResult.ACCEPTED
    ack.progress = 0
    ack.resultParam2 = 0
    ack.targetSystem = 1
    ack.targetComponent = 191
    await send([v2.serialize(ack, seq++ & 0xff)])
    state.acks++
  }
})

socket.on('message', msg => input.write(msg))

// ---------------------------------------------------------------------
// the vehicle

async function main () {
  await new Promise(resolve => socket.bind(0, '127.0.0.1', resolve))
  const scale = Math.min(Math.max(Number(process.env.GST_WORKERS_TEST_TIMEOUT_SCALE) || 1, 1), 100)
  setTimeout(() => { process.stdout.write(JSON.stringify({ ok: false, error: 'timeout', ...state, commands: state.commands.length }) + '\n'); process.exit(2) }, 30000 * scale)
  const beat = setInterval(() => send([heartbeat()]), 100)
  await send([heartbeat()])
  await sleep(100)

  for (let k = 0; k < rounds; k++) {
    const gp = v2.serialize(globalPosition(k), seq++ & 0xff)
    const at = v1.serialize(attitude(k), seq++ & 0xff)
    let lp = (k % 4 === 3 ? v2signed : v2).serialize(localPosition(k), seq++ & 0xff)
    if (k % 4 === 3) lp = v2signed.sign(lp, 7, key)
    if (k % 5 === 1) {
      // garbage, a corrupted copy, then the frame
      await send([garbage, corrupted(gp), gp])
      state.corrupt++
    } else {
      await send([gp])
    }
    if (k % 3 === 2) {
      await send([at, lp]) // two frames in one datagram
    } else {
      await send([at])
      await send([lp])
    }
    state.telemetry += 3
    await sleep(5)
  }

  // wait for flightlink's heartbeat and the commands
  while (state.heartbeats < 1 || state.commands.length < expected.length)
    await sleep(20)
  await sleep(200) // nothing more should come
  clearInterval(beat)
  finish(true)
}

main().catch(e => fail(String(e)))
