// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { WaveformSlider } from './WaveformSlider.js';

afterEach(cleanup);

/** The slider as the voice note uses it: the position is state the seek sets. */
function Player({ start = 0 }: { start?: number }) {
  const [position, setPosition] = useState(start);
  return <WaveformSlider waveform={[0, 64, 128, 255]} durationMs={20_000} positionMs={position} onSeek={setPosition} />;
}

const played = () => screen.getByRole('slider').querySelectorAll('[data-played="true"]').length;

describe('WaveformSlider', () => {
  it('draws one bar per point, as tall as its level, with a line for silence', () => {
    render(<Player />);
    const heights = [...screen.getByRole('slider').querySelectorAll<HTMLElement>('.waveform-bar')].map((bar) => bar.style.height);
    expect(heights).toEqual(['6%', '30%', '53%', '100%']);
  });

  it('tells assistive technology where it is, in seconds and in words', () => {
    render(<Player start={7_400} />);
    const slider = screen.getByRole('slider', { name: 'Voice note position' });
    expect(slider.getAttribute('aria-valuenow')).toBe('7');
    expect(slider.getAttribute('aria-valuemax')).toBe('20');
    expect(slider.getAttribute('aria-valuetext')).toBe('0:07 of 0:20');
  });

  it('seeks by keyboard within the note, and marks the bars before the position as played', () => {
    render(<Player />);
    const slider = screen.getByRole('slider');
    expect(played()).toBe(0);
    fireEvent.keyDown(slider, { key: 'PageUp' });
    expect(slider.getAttribute('aria-valuenow')).toBe('10');
    expect(played()).toBe(2);
    fireEvent.keyDown(slider, { key: 'ArrowRight' });
    expect(slider.getAttribute('aria-valuenow')).toBe('11');
    fireEvent.keyDown(slider, { key: 'End' });
    expect(slider.getAttribute('aria-valuenow')).toBe('20');
    expect(played()).toBe(4);
    fireEvent.keyDown(slider, { key: 'PageUp' });
    expect(slider.getAttribute('aria-valuenow')).toBe('20');
    fireEvent.keyDown(slider, { key: 'Home' });
    fireEvent.keyDown(slider, { key: 'ArrowLeft' });
    expect(slider.getAttribute('aria-valuenow')).toBe('0');
    expect(played()).toBe(0);
  });

  it('shows a flat line for a note sent without a waveform', () => {
    render(<WaveformSlider waveform={[]} durationMs={1000} positionMs={0} onSeek={() => undefined} />);
    expect(screen.getByRole('slider').querySelectorAll('.waveform-bar')).toHaveLength(1);
  });
});
