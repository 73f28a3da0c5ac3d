import { MAX_WAVEFORM_POINTS } from '@confab/protocol';

/** How many bars a voice note's waveform has (the protocol allows up to MAX_WAVEFORM_POINTS). */
export const WAVEFORM_POINTS = 64;

/**
 * A recording's waveform as the protocol carries it: `points` amplitudes 0–255, each the loudest
 * sample of its slice of the recording, scaled so the loudest slice is 255 (a quiet note still
 * shows its shape). Silence is all zeros; fewer samples than points give one point per sample.
 */
export function waveformOf(samples: ArrayLike<number>, points = WAVEFORM_POINTS): number[] {
  const count = Math.min(points, MAX_WAVEFORM_POINTS, samples.length);
  if (count === 0) return [];
  const peaks = new Array<number>(count).fill(0);
  for (let i = 0; i < samples.length; i++) {
    const slice = Math.min(count - 1, Math.floor((i * count) / samples.length));
    const level = Math.abs(samples[i]!);
    if (level > peaks[slice]!) peaks[slice] = level;
  }
  const loudest = Math.max(...peaks);
  if (loudest === 0) return peaks;
  return peaks.map((peak) => Math.round((peak / loudest) * 255));
}

/** The bar heights to draw, as fractions 0–1 of the full height, with a floor so silence still shows a line. */
export function barHeights(waveform: readonly number[], floor = 0.06): number[] {
  return waveform.map((level) => floor + (1 - floor) * (Math.min(255, Math.max(0, level)) / 255));
}

/** `m:ss` of a duration in milliseconds. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
