import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { messageOf } from '../../core/index.ts';
import type { AppLogger } from '../observability/app-logger.ts';
import { API_ROUTES, isApiPath } from './api-routes.ts';
import { errorBody, errorHeaders, HttpError } from './http-errors.ts';
import type { ApiRequest, MoversApi, RespondOptions } from './movers-api.ts';
import { WorkQueue } from './work-queue.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg']);
const MIN_GZIP_BYTES = 1024;

export interface LocalServerOptions {
  readonly api: MoversApi;
  /** The built dashboard (web/dist). */
  readonly staticDir: string;
  readonly logger: AppLogger;
  /** Requests held at once, /health aside (SERVE_MAX_IN_FLIGHT); beyond it the answer is 503. */
  readonly maxInFlight: number;
}

/**
 * Store reads of cache misses run this many at a time. The embedded store shares this process's one
 * thread: more reads in parallel would only interleave and slow each other, and /health with them.
 */
const STORE_WORK_CONCURRENCY = 2;
const RETRY_AFTER_SECONDS = 1;

/**
 * `stocks-cli serve`: API paths become API Gateway-shaped requests for the same MoversApi that runs
 * in Lambda; other paths serve the dashboard from disk (gzip when the browser accepts it).
 * Under load it sheds instead of queueing without end: at most `maxInFlight` requests are held,
 * cache misses take turns at the store, a client that leaves loses its turn, and /health skips the
 * line so it answers while the rest wait.
 */
export function createLocalServer(options: LocalServerOptions): Server {
  const staticFiles = new StaticFiles(options.staticDir);
  const storeWork = new WorkQueue(STORE_WORK_CONCURRENCY);
  let inFlight = 0;
  return createServer((request, response) => {
    const url = parseUrl(request.url);
    if (!url) {
      sendError(response, new HttpError(400, 'BAD_REQUEST', 'The request URL is malformed.'));
      return;
    }
    if (url.pathname === API_ROUTES.health.path) {
      void settle(answerApi(request, response, url, options.api), response, options.logger);
      return;
    }
    if (inFlight >= options.maxInFlight) {
      sendError(
        response,
        new HttpError(503, 'OVERLOADED', 'The server is busy; try again in a moment.', {
          'Retry-After': String(RETRY_AFTER_SECONDS),
        }),
      );
      return;
    }
    inFlight += 1;
    // Only a cache miss waits for the store, so only a miss watches for the client leaving.
    const schedule: RespondOptions['schedule'] = (job) => storeWork.run(job, hangUpSignal(request, response));
    const work =
      isApiPath(url.pathname) || request.method === 'OPTIONS'
        ? answerApi(request, response, url, options.api, schedule)
        : staticFiles.serve(url.pathname, request, response);
    void settle(work, response, options.logger).finally(() => (inFlight -= 1));
  });
}

/**
 * Aborts when the client leaves before its answer. A client that hangs up half-closes its socket:
 * the server sees 'end' at once, while the socket's own 'close' waits until the answer is written.
 */
function hangUpSignal(request: IncomingMessage, response: ServerResponse): AbortSignal {
  const gone = new AbortController();
  const socket = request.socket;
  const hangUp = () => gone.abort();
  socket.once('end', hangUp);
  response.once('close', () => {
    socket.off('end', hangUp);
    if (!response.writableFinished) gone.abort();
  });
  return gone.signal;
}

function parseUrl(raw: string | undefined): URL | undefined {
  try {
    return new URL(raw ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

/** The last resort: whatever escaped is logged, and the client (if still there) gets a plain 500. */
async function settle(work: Promise<void>, response: ServerResponse, logger: AppLogger): Promise<void> {
  try {
    await work;
  } catch (error) {
    logger.error('local server error', { error: messageOf(error) });
    if (response.destroyed) return;
    if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' });
    response.end('Internal error');
  }
}

async function answerApi(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  api: MoversApi,
  schedule?: RespondOptions['schedule'],
): Promise<void> {
  const result = await api.respond(toApiRequest(request, url), schedule && { schedule });
  if (response.destroyed) return;
  const hasBody = result.statusCode !== 204 && result.statusCode !== 304;
  const gzip = hasBody && result.body.length >= MIN_GZIP_BYTES && acceptsGzip(request);
  const payload = gzip ? (result.answer?.gzipped() ?? gzipSync(result.body)) : Buffer.from(result.body);
  const headers: Record<string, string> = { ...result.headers };
  if (result.statusCode === 200) headers.Vary = [headers.Vary, 'Accept-Encoding'].filter(Boolean).join(', ');
  if (gzip) headers['Content-Encoding'] = 'gzip';
  // A HEAD is told the length its GET would get, and gets no body.
  if (hasBody) headers['Content-Length'] = String(payload.length);
  response.writeHead(result.statusCode, headers);
  response.end(request.method === 'HEAD' || !hasBody ? undefined : payload);
}

function sendError(response: ServerResponse, error: HttpError): void {
  const body = errorBody(error);
  response.writeHead(error.status, {
    ...errorHeaders(error),
    'Content-Length': String(Buffer.byteLength(body)),
  });
  response.end(body);
}

/**
 * The API Gateway REST proxy shape: the last value wins in the single-value map, as in API Gateway.
 * The maps have no prototype, so a parameter named `constructor` or `__proto__` is just a name.
 */
function toApiRequest(request: IncomingMessage, url: URL): ApiRequest {
  const queryStringParameters: Record<string, string> = Object.create(null) as Record<string, string>;
  const multiValueQueryStringParameters: Record<string, string[]> = Object.create(null) as Record<
    string,
    string[]
  >;
  for (const [key, value] of url.searchParams) {
    queryStringParameters[key] = value;
    (multiValueQueryStringParameters[key] ??= []).push(value);
  }
  // The one request header the API reads.
  const ifNoneMatch = request.headers['if-none-match'];
  const headers: Record<string, string> = ifNoneMatch === undefined ? {} : { 'if-none-match': ifNoneMatch };
  const hasQuery = url.searchParams.size > 0;
  return {
    httpMethod: request.method ?? 'GET',
    // API Gateway hands the handler the raw path; MoversApi decodes the {date} segment itself.
    path: url.pathname,
    headers,
    queryStringParameters: hasQuery ? queryStringParameters : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQueryStringParameters : null,
  };
}

function acceptsGzip(request: IncomingMessage): boolean {
  return /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
}

class StaticFiles {
  private readonly gzipped = new Map<string, Buffer>();

  constructor(private readonly root: string) {}

  async serve(pathname: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
      response.end('Method not allowed');
      return;
    }
    const file = this.resolve(pathname);
    const info = file === undefined ? undefined : await stat(file).catch(() => undefined);
    if (!file || !info?.isFile()) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(
        pathname === '/'
          ? 'The dashboard is not built: run `npm run build:web`.'
          : `Not found: ${pathname.slice(0, 64)}`,
      );
      return;
    }
    const extension = extname(file);
    const etag = `"${info.size.toString(36)}-${info.mtimeMs.toString(36)}"`;
    const headers: Record<string, string> = {
      'Content-Type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
      ETag: etag,
      'X-Content-Type-Options': 'nosniff',
    };
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, headers);
      response.end();
      return;
    }
    if (COMPRESSIBLE.has(extension) && acceptsGzip(request)) {
      const body = await this.gzip(file, etag);
      response.writeHead(200, {
        ...headers,
        'Content-Encoding': 'gzip',
        Vary: 'Accept-Encoding',
        'Content-Length': String(body.length),
      });
      response.end(request.method === 'HEAD' ? undefined : body);
      return;
    }
    response.writeHead(200, { ...headers, 'Content-Length': String(info.size) });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  }

  private resolve(pathname: string): string | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return undefined;
    }
    const relative = normalize(decoded === '/' ? '/index.html' : decoded);
    const file = join(this.root, relative);
    return file.startsWith(this.root + sep) ? file : undefined;
  }

  private async gzip(file: string, etag: string): Promise<Buffer> {
    const key = `${file}:${etag}`;
    const cached = this.gzipped.get(key);
    if (cached) return cached;
    const body = gzipSync(await readFile(file), { level: 9 });
    this.gzipped.set(key, body);
    return body;
  }
}
