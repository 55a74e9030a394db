import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AppLogger } from '../observability/app-logger.ts';
import type { ApiRequest, MoversApi } from './movers-api.ts';

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
}

/** True for the paths the API owns; everything else is the dashboard's static files. */
function isApiPath(pathname: string): boolean {
  return pathname === '/health' || pathname === '/movers' || pathname.startsWith('/movers/');
}

/**
 * `stocks-cli serve`: API paths become API Gateway-shaped requests for the same MoversApi that runs
 * in Lambda; other paths serve the dashboard from disk (gzip when the browser accepts it).
 */
export function createLocalServer(options: LocalServerOptions): Server {
  const staticFiles = new StaticFiles(options.staticDir);
  return createServer((request, response) => {
    handle(request, response, options, staticFiles).catch((error: unknown) => {
      options.logger.error('local server error', {
        error: error instanceof Error ? error.message : String(error),
      });
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end('Internal error');
    });
  });
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: LocalServerOptions,
  staticFiles: StaticFiles,
): Promise<void> {
  let url: URL;
  try {
    url = new URL(request.url ?? '/', 'http://localhost');
  } catch {
    response.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8' });
    response.end(
      JSON.stringify({ error: { code: 'BAD_REQUEST', message: 'The request URL is malformed.' } }),
    );
    return;
  }
  if (isApiPath(url.pathname) || request.method === 'OPTIONS') {
    const result = await options.api.handle(toApiRequest(request, url));
    const body = result.body ?? '';
    const gzip = body.length >= MIN_GZIP_BYTES && acceptsGzip(request);
    const payload = gzip ? gzipSync(body) : Buffer.from(body);
    response.writeHead(result.statusCode, {
      ...(result.headers as Record<string, string>),
      ...(gzip && { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' }),
      'Content-Length': String(payload.length),
    });
    response.end(payload);
    return;
  }
  await staticFiles.serve(url.pathname, request, response);
}

/** The API Gateway REST proxy shape: the last value wins in the single-value map, as in API Gateway. */
function toApiRequest(request: IncomingMessage, url: URL): ApiRequest {
  const queryStringParameters: Record<string, string> = {};
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) {
    queryStringParameters[key] = value;
    (multiValueQueryStringParameters[key] ??= []).push(value);
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
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
