import { Link } from 'wouter';

export function NotFoundPage() {
  return (
    <section className="page empty-state" aria-labelledby="not-found-title">
      <h2 id="not-found-title">Nothing here</h2>
      <p>
        This address does not lead anywhere. <Link href="/">Back to your conversations</Link>
      </p>
    </section>
  );
}
