import { type KeyboardEvent, type ReactNode, type Ref, useId } from 'react';
import { LengthCounter, type LengthLimit } from '../messages/LengthLimit.js';
import './composer.css';

/**
 * The composer's bordered box, shared by the conversation's composer (Composer.tsx) and the
 * thread panel's (threads.tsx): an optional toolbar above the field, the field, and a row below
 * it of tools then the send group; the length counter follows the box. The field is labelled by
 * the form's own `<label htmlFor={id}>`.
 */
export function ComposerBox({
  id,
  field,
  value,
  placeholder,
  measured,
  onChange,
  onKeyDown,
  toolbar,
  tools,
  send,
}: {
  id: string;
  field?: Ref<HTMLTextAreaElement>;
  value: string;
  placeholder: string;
  /** The instance's length limit (issue 35 item 5): counted near it, the field invalid past it. */
  measured: LengthLimit;
  onChange(value: string): void;
  onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void;
  toolbar?: ReactNode;
  tools?: ReactNode;
  send: ReactNode;
}) {
  const counterId = useId();
  return (
    <>
      <div className="composer-box">
        {toolbar}
        <textarea
          ref={field}
          id={id}
          dir="auto"
          rows={1}
          value={value}
          placeholder={placeholder}
          aria-invalid={measured.over || undefined}
          aria-describedby={measured.near ? counterId : undefined}
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <div className="composer-row">
          {tools}
          <span className="composer-send-group">{send}</span>
        </div>
      </div>
      <LengthCounter measured={measured} id={counterId} />
    </>
  );
}
