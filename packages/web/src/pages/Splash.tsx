export function Splash({ message, retry }: { message: string; retry?: () => void }) {
  return (
    <main className="splash">
      <h1 className="brand">Confab</h1>
      <p role="status">{message}</p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </main>
  );
}
