import { describe, expect, it } from 'vitest';
import { barHeights, formatDuration, waveformOf } from './waveform.js';

describe('waveformOf', () => {
  it('takes each slice’s loudest sample, scaled so the loudest slice is 255', () => {
    const samples = [0.1, -0.2, 0.05, 0.05, -0.5, 0.25, 0, 0];
    expect(waveformOf(samples, 4)).toEqual([102, 26, 255, 0]);
  });

  it('keeps the shape of a quiet recording, and gives zeros for silence', () => {
    expect(waveformOf([0.001, 0.002], 2)).toEqual([128, 255]);
    expect(waveformOf(new Float32Array(1000), 8)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('has at most one point per sample and never more than the protocol allows', () => {
    expect(waveformOf([1, 0.5], 64)).toEqual([255, 128]);
    expect(waveformOf([], 64)).toEqual([]);
    expect(waveformOf(new Float32Array(10_000).fill(0.3), 500)).toHaveLength(128);
  });

  it('puts every sample in a slice when the count does not divide evenly', () => {
    const samples = Array.from({ length: 10 }, (_, i) => (i === 9 ? 1 : 0.1));
    const waveform = waveformOf(samples, 3);
    expect(waveform).toHaveLength(3);
    expect(waveform[2]).toBe(255);
  });
});

describe('barHeights and formatDuration', () => {
  it('draws silence as a thin line and full level as full height', () => {
    expect(barHeights([0, 255, 300])).toEqual([0.06, 1, 1]);
  });

  it('writes m:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(4_400)).toBe('0:04');
    expect(formatDuration(61_600)).toBe('1:02');
  });
});
