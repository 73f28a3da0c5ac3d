import { waveformOf } from './waveform.js';

/** A finished recording: the audio, how long it is, and its waveform for the protocol. */
export interface Recording {
  blob: Blob;
  durationMs: number;
  waveform: number[];
}

/** Whether this browser can record voice notes (secure context, a microphone API, MediaRecorder). */
export function canRecord(): boolean {
  return typeof MediaRecorder !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

/** Opus in WebM where the browser has it (Chromium, Firefox), else whatever it records by default. */
function mimeType(): string | undefined {
  return ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4'].find((type) => MediaRecorder.isTypeSupported(type));
}

/**
 * One recording from the microphone. `stop()` resolves with the recording; `cancel()` throws it
 * away. The microphone is released either way.
 */
export class VoiceRecorder {
  private readonly chunks: Blob[] = [];
  private startedAt = 0;

  private constructor(
    private readonly stream: MediaStream,
    private readonly recorder: MediaRecorder,
  ) {
    recorder.ondataavailable = (event) => {
      if (event.data.size > 0) this.chunks.push(event.data);
    };
  }

  static async start(): Promise<VoiceRecorder> {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const type = mimeType();
    const recorder = new VoiceRecorder(stream, new MediaRecorder(stream, type ? { mimeType: type } : {}));
    recorder.startedAt = performance.now();
    recorder.recorder.start(250);
    return recorder;
  }

  get elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  async stop(): Promise<Recording> {
    const stopped = new Promise<void>((resolve) => (this.recorder.onstop = () => resolve()));
    const elapsed = this.elapsedMs;
    this.recorder.stop();
    await stopped;
    this.release();
    const blob = new Blob(this.chunks, { type: this.recorder.mimeType || 'audio/webm' });
    const decoded = await decode(blob);
    return {
      blob,
      durationMs: Math.round(decoded ? decoded.duration * 1000 : elapsed),
      waveform: decoded ? waveformOf(decoded.getChannelData(0)) : [],
    };
  }

  cancel(): void {
    this.recorder.onstop = null;
    if (this.recorder.state !== 'inactive') this.recorder.stop();
    this.release();
  }

  private release(): void {
    for (const track of this.stream.getTracks()) track.stop();
  }
}

/** The recording's samples, for its waveform; null where the browser cannot decode what it recorded. */
async function decode(blob: Blob): Promise<AudioBuffer | null> {
  const context = new AudioContext();
  try {
    const buffer = await context.decodeAudioData(await blob.arrayBuffer());
    return Number.isFinite(buffer.duration) && buffer.duration > 0 ? buffer : null;
  } catch {
    return null;
  } finally {
    void context.close();
  }
}
