import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { makeTempDir, removeTempDir } from './child-processes.js';
import type { ConfabProcess } from './server-process.js';
import { type DeliveryWindow, openDeliveryProbe, p99IncreaseMs } from './delivery-probe.js';
import type { BenchUser } from './setup.js';
import { type Summary, summarize } from './stats.js';
import type { Options } from './options.js';

/**
 * The upload phase (issue 11): does a 25 MiB upload hurt live delivery? One group of
 * `--fanout-members` sockets gets `--upload-rate` messages/s, open loop, for `--upload-duration`
 * seconds twice: once alone, once while a 25 MiB PNG (noise, uncompressed: sharp decodes all of
 * it for its size and thumbnail) is uploaded again and again, back to back. The bar: delivery
 * p99 rises by at most 20 ms.
 */
export interface UploadPhaseResult {
  sockets: number;
  ratePerSec: number;
  durationSec: number;
  fileBytes: number;
  baseline: Window;
  withUploads: Window;
  /** With-upload p99 minus baseline p99. */
  p99IncreaseMs: number | null;
}

interface Window extends DeliveryWindow {
  /** Uploads completed during the window, and how long each took. */
  uploads: number;
  uploadSec: Summary | null;
  uploadStatuses: Record<string, number>;
}

export const UPLOAD_BAR_MS = 20;

export async function runUploadPhase(
  confab: ConfabProcess,
  users: readonly BenchUser[],
  options: Options,
  log: (line: string) => void,
): Promise<UploadPhaseResult> {
  const members = users.slice(0, options.fanoutMembers);
  log(`upload: making a ${options.uploadBytes}-byte PNG of noise`);
  const file = await noisePng(options.uploadBytes);
  log(`upload: a ${members.length}-member group, one socket per member`);
  const probe = await openDeliveryProbe(confab, members, options.uploadRate, 'up', options);
  try {
    log(`upload: warm-up, then ${options.uploadDurationSec} s at ${options.uploadRate} messages/s without uploads`);
    await probe.window(2);
    const baseline = { ...(await probe.window(options.uploadDurationSec)), uploads: 0, uploadSec: null, uploadStatuses: {} };
    log(`  p99 ${baseline.latencyMs?.p99} ms; now with 25 MiB uploads back to back`);
    // Uploaded by a process of its own (as another client would), so the uploading itself does
    // not slow this process's sockets down: what is measured is the server's share.
    const times: number[] = [];
    const statuses: Record<string, number> = {};
    const measured = await probe.window(options.uploadDurationSec, async () => {
      for (const { status, sec } of await uploadFor(confab.baseUrl, members[1]!.accessToken, file, options.uploadDurationSec)) {
        statuses[status] = (statuses[status] ?? 0) + 1;
        times.push(sec);
      }
    });
    const withUploads = { ...measured, uploads: times.length, uploadSec: summarize(times), uploadStatuses: statuses };
    log(`  p99 ${withUploads.latencyMs?.p99} ms; ${times.length} uploads`);
    return {
      sockets: probe.sockets,
      ratePerSec: options.uploadRate,
      durationSec: options.uploadDurationSec,
      fileBytes: file.length,
      baseline,
      withUploads,
      p99IncreaseMs: p99IncreaseMs(baseline, withUploads),
    };
  } finally {
    await probe.close();
  }
}

/** Uploads `file` again and again for `seconds` from a child process; each upload's status and duration. */
async function uploadFor(baseUrl: string, token: string, file: Buffer, seconds: number): Promise<{ status: number; sec: number }[]> {
  const dir = makeTempDir('confab-bench-upload-');
  const path = join(dir, 'noise.png');
  writeFileSync(path, file);
  const script = `
    import { openAsBlob } from 'node:fs';
    const blob = await openAsBlob(process.env.FILE);
    const until = Date.now() + Number(process.env.SECONDS) * 1000;
    while (Date.now() < until) {
      const started = performance.now();
      const form = new FormData();
      form.append('file', blob, 'noise.png');
      const response = await fetch(process.env.URL, { method: 'POST', headers: { authorization: 'Bearer ' + process.env.TOKEN }, body: form });
      await response.arrayBuffer();
      console.log(JSON.stringify({ status: response.status, sec: (performance.now() - started) / 1000 }));
    }`;
  try {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, FILE: path, SECONDS: String(seconds), URL: `${baseUrl}/api/v1/uploads`, TOKEN: token },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await new Promise((resolve) => child.on('exit', resolve));
    return out
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { status: number; sec: number });
  } finally {
    removeTempDir(dir);
  }
}

/** A PNG of random pixels, uncompressed, of just under `bytes` (3 bytes a pixel). */
async function noisePng(bytes: number): Promise<Buffer> {
  const width = 2900;
  const height = Math.floor((bytes - 70_000) / (width * 3 + 1));
  return sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

export function uploadBar(result: UploadPhaseResult) {
  const increase = result.p99IncreaseMs;
  return {
    name: `delivery p99 to ${result.sockets} sockets, with vs without a concurrent 25 MiB upload`,
    target: `+≤ ${UPLOAD_BAR_MS} ms`,
    measured: increase,
    unit: 'ms',
    pass: increase === null ? null : increase <= UPLOAD_BAR_MS && result.withUploads.lost === 0 && result.baseline.lost === 0,
  };
}

export function formatUpload(
  u: UploadPhaseResult,
  bar: { target: string; pass: boolean | null } | undefined,
  add: (label: string, value: string) => void,
  detail: (text: string) => void,
): void {
  const p = (w: Window) => (w.latencyMs ? `p50 ${w.latencyMs.p50} / p99 ${w.latencyMs.p99} / max ${w.latencyMs.max} ms` : '–');
  add(
    `delivery to ${u.sockets} sockets at ${u.ratePerSec} msgs/s, ${u.durationSec} s each`,
    `p99 +${u.p99IncreaseMs ?? '–'} ms with uploads   bar ${bar?.target}: ${bar?.pass === null ? 'n/a' : bar?.pass ? 'PASS' : 'FAIL'}`,
  );
  detail(`without uploads: ${p(u.baseline)}; lost ${u.baseline.lost}`);
  detail(`with ${u.withUploads.uploads} uploads of ${u.fileBytes} bytes back to back: ${p(u.withUploads)}; lost ${u.withUploads.lost}`);
  detail(
    `each upload (stream, store, sharp size + thumbnail): ${u.withUploads.uploadSec ? `p50 ${u.withUploads.uploadSec.p50} s, max ${u.withUploads.uploadSec.max} s` : '–'}; statuses ${JSON.stringify(u.withUploads.uploadStatuses)}`,
  );
}
