import { Html, html } from './html';

/** The HTML shell every portal and landing page shares: one stylesheet, one script, no external asset. */
export function layout(title: string, body: Html, options: { script?: boolean } = {}): string {
  return `<!doctype html>${html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>${title}</title>
      <link rel="stylesheet" href="/portal/assets/portal.css" />
      ${options.script ? html`<script src="/portal/assets/portal.js" defer></script>` : ''}
    </head>
    <body>
      <a class="skip" href="#main">Skip to content</a>
      ${body}
    </body>
  </html>`}`;
}

/** A page that says what went wrong in words, for a 4xx answer. */
export function messagePage(title: string, message: string): string {
  return layout(
    title,
    html`<main id="main" class="wrap">
      <div class="card">
        <h1>${title}</h1>
        <p>${message}</p>
      </div>
    </main>`,
  );
}
