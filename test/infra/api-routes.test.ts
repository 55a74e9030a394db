import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import { createContainer } from '../../adapters/composition/container.ts';
import { TOKENS } from '../../adapters/composition/tokens.ts';
import { loadConfig } from '../../adapters/config/app-config.ts';
import { createLocalServer } from '../../adapters/http/local-server.ts';
import { InMemoryWinnerRepository } from '../../adapters/memory/in-memory-winner-repository.ts';
import { silentLogger } from '../../adapters/observability/app-logger.ts';
import { aSessionResult } from '../support/session-result-builder.ts';
import { cloudFrontApiPatterns, gatewayRoutes, synthesizeApp, type GatewayRoute } from './app-fixture.ts';

/**
 * What a deployment routes, read from the synthesized templates (not from the module they are built
 * from), against what `stocks-cli serve` does with the same requests.
 */

// Monday 2026-11-23 09:00 ET: the latest completed session, Friday 2026-11-20, is stored.
const NOW = '2026-11-23T14:00:00.000Z';
const STORED_SESSION = '2026-11-20';
/** A value each path parameter takes in a request that finds something: a stored session, a configured list. */
const PARAMETER_VALUES: Readonly<Record<string, string>> = { date: STORED_SESSION, name: 'default' };

/** A route's path with every parameter filled in; a parameter with no value here fails the test that needs it. */
function requestPath(template: string): string {
  return template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = PARAMETER_VALUES[name];
    if (value === undefined) throw new Error(`no value for the path parameter {${name}}: add one above`);
    return value;
  });
}

/** Paths on and around the routes: each is sent to the API by both, or by neither. */
const PROBES = [
  '/',
  '/index.html',
  '/movers',
  '/movers/',
  `/movers/${STORED_SESSION}`,
  `/movers/${STORED_SESSION}/`,
  '/movers/a/b',
  '/moversx',
  '/movers.json',
  '/health',
  '/health/',
  '/healthz',
  '/watchlists',
  '/watchlists/',
  '/watchlists/default',
  '/watchlists/default/movers',
  `/watchlists/default/movers/${STORED_SESSION}`,
  '/watchlists/default/movers/a/b',
  '/watchlistsx',
  '/market/movers',
];

/** API Gateway's matching: a `{name}` resource takes any one segment. */
function gatewayRouteFor(routes: readonly GatewayRoute[], path: string): GatewayRoute | undefined {
  const segments = path.split('/');
  return routes.find((route) => {
    const template = route.path.split('/');
    return (
      route.methods.length > 0 &&
      template.length === segments.length &&
      template.every((part, index) => /^\{\w+\}$/.test(part) || part === segments[index])
    );
  });
}

/** CloudFront's matching: `*` is any run of characters (slashes too), `?` exactly one. */
function cloudFrontSendsToApi(patterns: readonly string[], path: string): boolean {
  return patterns.some((pattern) => {
    const source = [...pattern]
      .map((character) =>
        character === '*' ? '.*' : character === '?' ? '.' : character.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
      )
      .join('');
    return new RegExp(`^${source}$`).test(path);
  });
}

let synthesized: ReturnType<typeof synthesizeApp>;
let routes: GatewayRoute[];
let apiPatterns: string[];
let server: Server;
let staticDir: string;
let base: string;

beforeAll(async () => {
  synthesized = synthesizeApp();
  routes = gatewayRoutes(synthesized.templates.services);
  apiPatterns = cloudFrontApiPatterns(synthesized.templates.web);

  const repository = new InMemoryWinnerRepository();
  await repository.save(aSessionResult().on(STORED_SESSION).build());
  const container = createContainer(loadConfig({}), {
    clock: new FixedClock(NOW),
    winnerRepository: repository,
  });
  staticDir = mkdtempSync(join(tmpdir(), 'api-routes-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>board</title>');
  server = createLocalServer({
    api: container.get(TOKENS.moversApi),
    staticDir,
    logger: silentLogger,
    maxInFlight: 8,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(staticDir, { recursive: true, force: true });
});

/** How the local server answered: by the API (its CORS header on every answer) or from disk, and whether the API knew the route. */
async function serve(path: string, method = 'GET') {
  const response = await fetch(`${base}${path}`, { method });
  const body = method === 'GET' ? await response.text() : '';
  return {
    status: response.status,
    byApi: response.headers.has('access-control-allow-origin'),
    noRoute: response.status === 404 && body.includes('"NOT_FOUND"') && body.includes('No route'),
  };
}

describe('infra and stocks-cli serve route the same paths', () => {
  it('reads a route for every API path from the templates', () => {
    expect(routes.filter((route) => route.methods.length > 0).length).toBeGreaterThanOrEqual(3);
    expect(apiPatterns.length).toBeGreaterThanOrEqual(3);
  });

  it('answers every method of every API Gateway route locally, and CloudFront sends each route to the API', async () => {
    for (const route of routes.filter((candidate) => candidate.methods.length > 0)) {
      const path = requestPath(route.path);
      expect(cloudFrontSendsToApi(apiPatterns, path), path).toBe(true);
      for (const method of route.methods) {
        const answer = await serve(path, method);
        expect(answer.byApi, `${method} ${path}`).toBe(true);
        expect(answer.noRoute, `${method} ${path}`).toBe(false);
        // Routing is what is compared: a route with nothing stored for the probe (no market board is) may
        // answer its own 404, never the "no route" one.
        if (method === 'OPTIONS') expect(answer.status, `${method} ${path}`).toBe(204);
        else expect([200, 404], `${method} ${path}`).toContain(answer.status);
      }
    }
  });

  it.each(PROBES)('%s: CloudFront and the local server agree on whether the API answers it', async (path) => {
    const answer = await serve(path);

    expect(answer.byApi).toBe(cloudFrontSendsToApi(apiPatterns, path));
  });

  it.each(PROBES.filter((path) => path === '/' || !path.endsWith('/')))(
    '%s: API Gateway and the local API agree on whether it is a route',
    async (path) => {
      const answer = await serve(path);
      if (!answer.byApi) return expect(cloudFrontSendsToApi(apiPatterns, path)).toBe(false);

      expect(!answer.noRoute).toBe(gatewayRouteFor(routes, path) !== undefined);
    },
  );
});
