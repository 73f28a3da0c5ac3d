/**
 * The encryption phase's result (encryption.ts): what is saved in `results/encryption-<time>.json`
 * and the tables printed, one per figure issue 39 asks for.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EncryptionSizes } from './encryption-plan.js';
import type { AddResult, AloneResult, StateRow } from './encryption-join.js';
import type { KindLatency, LatencyResult, WireRow } from './encryption-pair.js';
import { RESULTS_DIR } from './report.js';
import { type Summary, round } from './stats.js';

export interface EncryptionResult {
  date: string;
  store: 'sqlite' | 'postgres';
  quick: boolean;
  /** Load averages (1, 5, 15 min) before and after: the machine is shared, and every figure includes waiting for a core. */
  machine: { cores: number; cpuModel: string; loadBefore: number[]; loadAfter: number[] };
  sizes: EncryptionSizes;
  setup: { devices: number; enableMs: Summary | null; sec: number };
  add: AddResult;
  /** The same add with only one of the devices connected (run after the state's groups). */
  alone: AloneResult;
  state: StateRow[];
  latency: LatencyResult;
  wire: WireRow[];
  /** The encrypted DM of the latency pairs after all its messages: its MLS state on each side. */
  dmState: { messages: number; senderBytes: number; receiverBytes: number };
}

export const loadAverage = () => os.loadavg().map((l) => round(l, 2));

export function machineOf(loadBefore: number[]): EncryptionResult['machine'] {
  return { cores: os.cpus().length, cpuModel: os.cpus()[0]?.model.trim() ?? '?', loadBefore, loadAfter: loadAverage() };
}

/** A figure as the tables print it: whole from 100, one decimal from 10, two below. */
export const figure = (n: number) => (n >= 100 ? Math.round(n) : n >= 10 ? round(n, 1) : round(n, 2)).toLocaleString('en-US');
const ms = (s: Summary | null, key: 'p50' | 'p99' | 'max') => (s ? figure(s[key]) : '–');
const kib = (bytes: number) => `${round(bytes / 1024, 1)} KiB`;
const cpu = (r: AddResult['resources']) =>
  `server ${r.cpu.serverPct ?? '–'} %, generator ${r.cpu.loadGeneratorPct} % of a core; machine idle ${r.machine?.idlePct ?? '–'} %`;

function latencyRows(name: string, k: KindLatency): string {
  return `| ${name} | ${ms(k.sendToReceiveMs, 'p50')} | ${ms(k.sendToReceiveMs, 'p99')} | ${ms(k.sendToReceiveMs, 'max')} | ${ms(k.sendToAckMs, 'p50')} / ${ms(k.sendToAckMs, 'p99')} | ${ms(k.senderMs, 'p50')} · ${ms(k.relayMs, 'p50')} · ${ms(k.receiverMs, 'p50')} | ${k.senderCallsPerMessage} / ${k.receiverCallsPerMessage} (p50 ${ms(k.senderHttpMs, 'p50')} / ${ms(k.receiverHttpMs, 'p50')} ms) | ${k.unreadable} |`;
}

export function formatEncryption(r: EncryptionResult): string {
  const { add, latency } = r;
  const lines = [
    '',
    `End-to-end encryption (issue 39) on ${r.store}${r.quick ? ', quick sizes' : ''}: ${r.setup.devices} devices enabled in ${r.setup.sec} s (enableEncryption p50 ${ms(r.setup.enableMs, 'p50')} ms, max ${ms(r.setup.enableMs, 'max')} ms); load average ${r.machine.loadBefore.join(' ')} → ${r.machine.loadAfter.join(' ')} on ${r.machine.cores} cores`,
    '',
    `1. ${add.members} members added in one commit (createGroup with ${add.members} members: the conversation, ${add.members} KeyPackage claims, one commit, one Welcome)`,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| the commit (createGroup → stored commit and Welcome) | ${figure(add.commitMs)} ms, of which ${figure(add.commitHttpMs)} ms with an HTTP call in flight |`,
    `| commit / Welcome posted | ${kib(add.commitRequestBytes)} / ${kib(add.welcomeRequestBytes)} |`,
    `| the message just after, send → ack | ${figure(add.sendAckMs)} ms |`,
    `| add start → each device reads it, p50 / max | ${ms(add.readableFromStartMs, 'p50')} / ${ms(add.readableFromStartMs, 'max')} ms |`,
    `| the send → each device reads it, p50 / max | ${ms(add.readableFromSendMs, 'p50')} / ${ms(add.readableFromSendMs, 'max')} ms |`,
    `| devices that could not read it | ${add.unreadable} |`,
    `| the same add with one device connected: add start / the send → it reads | ${r.alone.fromStartMs === null ? '–' : figure(r.alone.fromStartMs)} / ${r.alone.fromSendMs === null ? '–' : figure(r.alone.fromSendMs)} ms (commit ${figure(r.alone.commitMs)} ms, ${r.alone.calls} HTTP calls) |`,
    `| HTTP per added device until it reads (calls, KiB) p50 | ${ms(add.memberCallsPerDevice, 'p50')} calls, ${ms(add.memberKiBPerDevice, 'p50')} KiB |`,
    `| this process's CPU over the add, per added device (every device and the creator share it) | ${figure(add.generatorCpuMsPerDevice)} ms |`,
    `| CPU over the add | ${cpu(add.resources)} |`,
    '',
    `  the creator's calls: ${add.commitHttp.map((c) => `${c.route} ×${c.calls} ${round(c.ms, 0)} ms`).join('; ')}`,
    `  an added device's calls: ${add.memberHttp.map((c) => `${c.route} ×${c.calls} ${round(c.ms, 0)} ms`).join('; ')}`,
    '',
    `2. Send → receive, one message at a time, ${latency.messagesPerKind} of each kind alternating, ${latency.textLength} characters, the same two devices`,
    '',
    '| kind | p50 ms | p99 ms | max ms | send → ack p50 / p99 ms | p50 sender · server · receiver ms | HTTP calls per message, sender / receiver (their time) | unreadable |',
    '| --- | ---: | ---: | ---: | --- | --- | --- | ---: |',
    latencyRows('plain', latency.plain),
    latencyRows('encrypted', latency.encrypted),
    '',
    `  encrypted / plain: p50 ${latency.p50Ratio ?? '–'}×, p99 ${latency.p99Ratio ?? '–'}×; ${cpu(latency.resources)}`,
    '',
    '3. Bytes per message (payload / on the wire with the WebSocket header; TCP/IP not counted)',
    '',
    '| text | kind | send frame | ack frame | delivered frame | MLS ciphertext |',
    '| ---: | --- | ---: | ---: | ---: | ---: |',
    ...r.wire.map(
      (w) =>
        `| ${w.textLength} chars | ${w.kind} | ${w.send.payload} / ${w.send.wire} | ${w.ack.payload} / ${w.ack.wire} | ${w.delivered.payload} / ${w.delivered.wire} | ${w.ciphertextBytes ?? '–'} |`,
    ),
    '',
    '4. MLS state per device per conversation (bytes its crypto store keeps)',
    '',
    '| devices in the group | the creator | a member p50 (min–max) | everything a member keeps for it, p50 |',
    '| ---: | ---: | --- | ---: |',
    ...r.state.map(
      (s) =>
        `| ${s.devices} | ${s.creatorBytes} | ${s.memberBytes?.p50 ?? '–'} (${s.memberBytes?.min ?? '–'}–${s.memberBytes?.max ?? '–'}) | ${s.memberConversationBytes?.p50 ?? '–'} |`,
    ),
    `| 2, the DM above after its ${r.dmState.messages} messages | ${r.dmState.senderBytes} (sender) | ${r.dmState.receiverBytes} (receiver) | |`,
    '',
  ];
  return lines.join('\n');
}

/** `results/encryption-<time>[-postgres][-quick].json`. */
export function saveEncryption(r: EncryptionResult): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const time = r.date.slice(0, 16).replace(':', '-');
  const file = path.join(RESULTS_DIR, `encryption-${time}${r.store === 'sqlite' ? '' : `-${r.store}`}${r.quick ? '-quick' : ''}.json`);
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}
