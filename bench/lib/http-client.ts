import { Agent, request, type OutgoingHttpHeaders } from 'node:http';

const REQUEST_TIMEOUT_MS = 30_000;
const ERROR_BODY_CHARS = 200;

/**
 * A minimal keep-alive HTTP/1.1 client on node:http. The load generator shares the machine with the
 * API and its database, so it must cost as little CPU per request as possible: no response parsing,
 * no WHATWG streams (fetch), one pooled connection per concurrent request.
 */
export class KeepAliveClient {
  private readonly agent: Agent;
  private readonly origin: URL;

  constructor(baseUrl: string, maxSockets: number) {
    this.origin = new URL(baseUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /**
   * Resolves `true` on 2xx, otherwise "<status> <start of body>"; rejects on network errors. With
   * `expect`, a 2xx counts only when its body contains that text (the body is then read).
   */
  post(path: string, headers: OutgoingHttpHeaders, body: string, expect?: string): Promise<true | string> {
    return this.send('POST', path, { ...headers, 'content-length': Buffer.byteLength(body) }, body, expect);
  }

  /** A GET, answered as {@link post} answers. */
  get(path: string, headers: OutgoingHttpHeaders, expect?: string): Promise<true | string> {
    return this.send('GET', path, headers, undefined, expect);
  }

  private send(
    method: 'GET' | 'POST',
    path: string,
    headers: OutgoingHttpHeaders,
    body: string | undefined,
    expect: string | undefined,
  ): Promise<true | string> {
    return new Promise((resolve, reject) => {
      const req = request(
        { agent: this.agent, host: this.origin.hostname, port: this.origin.port, method, path, headers },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300 && expect === undefined) {
            // Drain without decoding: the socket only returns to the pool once the body is read.
            res.resume();
            res.once('end', () => {
              resolve(true);
            });
            return;
          }
          const ok = status >= 200 && status < 300;
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (ok || text.length < ERROR_BODY_CHARS) text += chunk;
          });
          res.once('end', () => {
            if (ok && expect !== undefined && text.includes(expect)) resolve(true);
            else resolve(`${status} ${ok ? 'unexpected answer: ' : ''}${text.slice(0, ERROR_BODY_CHARS)}`);
          });
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () =>
        req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)),
      );
      req.once('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
