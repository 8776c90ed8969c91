import { html, type SafeHtml } from '../html.js';

/** What every page needs besides its data. */
export interface PageContext {
  /** Mount path without trailing slash, e.g. `/karafka`. */
  base: string;
  /** CSRF token for the forms of this response. */
  csrf: string;
  /** No state changes: forms are not shown. */
  readOnly: boolean;
  /** Pause/resume/seek forms are shown (and accepted). */
  commands: boolean;
  now: number;
  /** Result of the POST that redirected here. */
  flash?: string;
}

const NAV: Array<[string, string]> = [
  ['', 'Dashboard'],
  ['processes', 'Processes'],
  ['routing', 'Routing'],
  ['health', 'Consumer groups'],
  ['errors', 'Errors'],
  ['dead-letters', 'Dead letters'],
  ['explorer', 'Explorer'],
];

/**
 * The dashboard's URL: the mount path itself, without a trailing slash (Fastify answers 404
 * for `/karafka/` unless the app sets `ignoreTrailingSlash`), or `/` at the root.
 */
export function dashboardHref(base: string): string {
  return base || '/';
}

export function layout(ctx: PageContext, active: string, title: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title} · Karafka Web</title>
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="${ctx.base}/assets/app.css" />
      </head>
      <body>
        <header>
          <b>Karafka Web</b>${NAV.map(
            ([href, label]) =>
              html`<a
                href="${href ? `${ctx.base}/${href}` : dashboardHref(ctx.base)}"
                ${active === href ? html` class="on"` : ''}
                >${label}</a
              >`,
          )}
        </header>
        <main>
          ${ctx.flash ? html`<div class="flash" id="flash">${ctx.flash}</div>` : ''}
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`.value;
}

/** A POST form with the CSRF token; hidden fields from `fields`. */
export function postForm(
  ctx: PageContext,
  action: string,
  fields: Record<string, string | number>,
  label: string,
  extra?: SafeHtml,
): SafeHtml {
  return html`<form class="inline" method="post" action="${ctx.base}/${action}">
    <input type="hidden" name="_csrf" value="${ctx.csrf}" />${Object.entries(fields).map(
      ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
    )}${extra ?? ''}<button type="submit">${label}</button>
  </form>`;
}

/** A small line chart as inline SVG (no chart library, no script). */
export function sparkline(values: number[], label: string, total: string): SafeHtml {
  const width = 300;
  const height = 80;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values
    .map((v, i) => `${(i * step).toFixed(1)},${(height - (v / max) * (height - 4) - 2).toFixed(1)}`)
    .join(' ');
  return html`<div class="chart">
    <div class="l">${label} — ${total} (max ${max.toLocaleString('en-US')})</div>
    <svg
      viewBox="0 0 ${width} ${height}"
      preserveAspectRatio="none"
      role="img"
      aria-label="${label}"
    >
      <polyline fill="none" stroke="#3867d6" stroke-width="1.5" points="${points}" />
    </svg>
  </div>`;
}
