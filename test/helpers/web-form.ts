import type { LightMyRequestResponse } from 'fastify';
import type { TestHub } from './hub.js';

/**
 * A browser without a browser, for the citizen pages through `app.inject`: keeps cookies (the CSRF
 * secret, the language, the subsidy challenge), reads the form's `_csrf` hidden value from the last
 * page and posts forms with it — as a no-JavaScript phone does. `ip` is the visitor's address
 * (look-up limits count per address).
 */
export class WebVisitor {
  private readonly jar = new Map<string, string>();
  private token: string | undefined;
  last: LightMyRequestResponse | undefined;

  constructor(
    private readonly hub: TestHub,
    readonly ip = '203.0.113.10',
  ) {}

  async get(url: string): Promise<LightMyRequestResponse> {
    const response = await this.hub.app.inject({
      method: 'GET',
      url,
      remoteAddress: this.ip,
      headers: this.cookieHeader(),
    });
    return this.keep(response);
  }

  /** Posts `fields` with the `_csrf` of the last page (unless `csrf: null`, or another token given). */
  async post(
    url: string,
    fields: Record<string, string>,
    options: { csrf?: string | null } = {},
  ): Promise<LightMyRequestResponse> {
    const csrf = options.csrf === undefined ? this.csrf() : options.csrf;
    const body = new URLSearchParams({ ...(csrf === null ? {} : { _csrf: csrf }), ...fields });
    const response = await this.hub.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.ip,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.cookieHeader() },
      payload: body.toString(),
    });
    return this.keep(response);
  }

  /** The `_csrf` hidden value of the last page that had a form. */
  csrf(): string {
    if (!this.token) throw new Error('no page with a _csrf field seen yet');
    return this.token;
  }

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  forget(name: string): void {
    this.jar.delete(name);
  }

  /** Puts a cookie back (a replay with a cookie the site has cleared). */
  setCookie(name: string, value: string): void {
    this.jar.set(name, value);
  }

  private keep(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of response.cookies as {
      name: string;
      value: string;
      maxAge?: number;
      expires?: Date;
    }[]) {
      const gone =
        cookie.maxAge === 0 || (cookie.expires !== undefined && cookie.expires.getTime() < Date.now());
      if (gone || cookie.value === '') this.jar.delete(cookie.name);
      else this.jar.set(cookie.name, cookie.value);
    }
    this.last = response;
    this.token = hiddenValue(response.body, '_csrf') ?? this.token;
    return response;
  }

  private cookieHeader(): Record<string, string> {
    if (this.jar.size === 0) return {};
    return { cookie: [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ') };
  }
}

/** The value of a hidden (or any) input by name in a page. */
export function hiddenValue(html: string, name: string): string | undefined {
  const input = new RegExp(`<input[^>]*name=['"]${name}['"][^>]*>`).exec(html)?.[0];
  return input ? /value=['"]([^'"]*)['"]/.exec(input)?.[1] : undefined;
}

/** The attributes of the input with this id, as one string (to look for aria-invalid). */
export function inputTag(html: string, id: string): string | undefined {
  return new RegExp(`<input[^>]*id=['"]${id}['"][^>]*>`).exec(html)?.[0];
}

/** The text of the element with this id (field errors: `<span id='NAME-error'>`). */
export function elementText(html: string, id: string): string | undefined {
  return new RegExp(`id=['"]${id}['"][^>]*>([^<]*)<`).exec(html)?.[1];
}

/** Handlebars escapes `'`, `=`, `` ` ``; the tests compare the page's text with plain words. */
export function unescapeHtml(text: string): string {
  return text
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
