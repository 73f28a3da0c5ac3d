/** What an account form says after it ran: a failure as an alert (read out at once), a success as a status. */
export function FormOutcome({ error, done }: { error: string | null; done: string | null }) {
  if (error)
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  return done ? (
    <p role="status" className="success">
      {done}
    </p>
  ) : null;
}
