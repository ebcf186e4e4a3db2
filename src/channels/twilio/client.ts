import http from 'node:http';
import type https from 'node:https';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
// A CommonJS declaration with `export default`: under NodeNext its class is the `default` member.
import type * as SdkResponse from 'twilio/lib/http/response.js';
import { parseRetryAfter, TwilioRateLimitException } from './errors.js';

/**
 * How the adapters' `findSent` looks back: from `since` less this slack (Twilio's dates are whole
 * seconds, and clocks drift), over this many of the newest messages or calls to the number.
 */
export const FIND_SENT = { slackMs: 60_000, limit: 20 } as const;

/** The real SDK client: the adapters call `messages` and `calls` on it. */
export type TwilioClient = twilio.Twilio;

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /**
   * A Twilio-compatible endpoint (our test fake, a proxy or gateway) that receives every request
   * the SDK builds for `https://*.twilio.com`, same path and query. Omit it to talk to Twilio.
   */
  apiUrl?: string;
  /** Per-request timeout (the SDK's default is 30 s). */
  timeoutMs?: number;
}

/**
 * The SDK's own request client with two changes: requests for `*.twilio.com` may go to `apiUrl`,
 * and a 429 keeps its Retry-After (the SDK's RestException drops the headers). Everything else —
 * auth header, form encoding, paths, paging — stays the SDK's, so the fake sees real requests.
 */
class HubRequestClient extends twilio.RequestClient {
  readonly #apiUrl: URL | undefined;
  // The SDK only builds an https agent; a plain-http apiUrl (the loopback fake) needs its own to
  // keep connections alive, and an owner that closes it.
  readonly #httpAgent = new http.Agent({ keepAlive: true });

  constructor(apiUrl: string | undefined, timeoutMs: number | undefined) {
    super({ keepAlive: true, timeout: timeoutMs });
    this.#apiUrl = apiUrl === undefined ? undefined : new URL(apiUrl);
    this.axios.defaults.httpAgent = this.#httpAgent;
  }

  override async request<TData>(
    opts: RequestClient.RequestOptions<TData>,
  ): Promise<SdkResponse.default<TData>> {
    const response = await super.request({ ...opts, uri: this.#target(opts.uri) });
    if (response.statusCode === 429) {
      const headers = response.headers as Record<string, unknown> | undefined;
      throw new TwilioRateLimitException(response, parseRetryAfter(headers?.['retry-after']));
    }
    return response;
  }

  #target(uri: string): string {
    if (this.#apiUrl === undefined) return uri;
    const url = new URL(uri);
    if (
      url.protocol !== 'https:' ||
      !(url.hostname === 'twilio.com' || url.hostname.endsWith('.twilio.com'))
    ) {
      return uri;
    }
    const base = this.#apiUrl.href.replace(/\/+$/, '');
    return base + url.pathname + url.search;
  }

  /** Closes idle keep-alive sockets; in-flight requests finish. */
  close(): void {
    this.#httpAgent.destroy();
    (this.axios.defaults.httpsAgent as https.Agent | undefined)?.destroy();
  }
}

/** The Twilio SDK client, optionally pointed at a Twilio-compatible `apiUrl`. Close with {@link closeTwilioClient}. */
export function createTwilioClient(options: TwilioClientOptions): TwilioClient {
  const httpClient = new HubRequestClient(options.apiUrl, options.timeoutMs);
  return twilio(options.accountSid, options.authToken, { httpClient });
}

/** Releases the client's keep-alive sockets (owner's job: adapters share one client). */
export function closeTwilioClient(client: TwilioClient): void {
  const httpClient = client.httpClient;
  if (httpClient instanceof HubRequestClient) httpClient.close();
}
