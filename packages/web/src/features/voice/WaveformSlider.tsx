import type { KeyboardEvent, MouseEvent } from 'react';
import { barHeights, formatDuration } from './waveform.js';

/**
 * A voice note's waveform as its seek bar: the bars up to the position are drawn as played.
 * A slider to assistive technology and the keyboard (arrows: 1 s; Page keys: 10 s; Home, End);
 * a click seeks to that point.
 */
export function WaveformSlider({
  waveform,
  durationMs,
  positionMs,
  onSeek,
  label = 'Voice note position',
}: {
  waveform: readonly number[];
  durationMs: number;
  positionMs: number;
  onSeek(ms: number): void;
  label?: string;
}) {
  const played = durationMs > 0 ? Math.min(1, positionMs / durationMs) : 0;
  const heights = barHeights(waveform.length > 0 ? waveform : [0]);
  const seek = (ms: number) => onSeek(Math.max(0, Math.min(durationMs, ms)));
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = { ArrowRight: 1000, ArrowUp: 1000, ArrowLeft: -1000, ArrowDown: -1000, PageUp: 10_000, PageDown: -10_000 }[event.key];
    if (step !== undefined) seek(positionMs + step);
    else if (event.key === 'Home') seek(0);
    else if (event.key === 'End') seek(durationMs);
    else return;
    event.preventDefault();
  };
  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    if (box.width > 0) seek(((event.clientX - box.left) / box.width) * durationMs);
  };
  return (
    <div
      className="waveform"
      role="slider"
      tabIndex={0}
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={Math.round(durationMs / 1000)}
      aria-valuenow={Math.round(positionMs / 1000)}
      aria-valuetext={`${formatDuration(positionMs)} of ${formatDuration(durationMs)}`}
      onKeyDown={onKeyDown}
      onClick={onClick}
    >
      {heights.map((height, i) => (
        <span
          key={i}
          className="waveform-bar"
          data-played={(i + 0.5) / heights.length <= played ? 'true' : 'false'}
          style={{ height: `${Math.round(height * 100)}%` }}
        />
      ))}
    </div>
  );
}
