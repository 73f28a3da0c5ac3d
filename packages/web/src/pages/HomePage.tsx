export function HomePage() {
  return (
    <section className="page empty-state" aria-labelledby="home-title">
      <h2 id="home-title">Welcome to Confab</h2>
      <p>Pick a conversation, or start a new one.</p>
    </section>
  );
}
