import * as z from 'zod';
import { MAX_LIST_DAYS } from '../../core/index.ts';
import { DEFAULT_DAYS } from './api-contract.ts';

/**
 * The API's routes, once: MoversApi answers them, the local server hands them to it, API Gateway
 * declares them (infra/services-stack.ts) and CloudFront sends them to it (infra/web-stack.ts).
 * A route is added here and nowhere else but in MoversApi's switch, which the compiler keeps complete.
 */
export interface ApiRoute {
  /** API Gateway's path template: `{name}` is one path segment. */
  readonly path: `/${string}`;
  readonly methods: readonly ('GET' | 'HEAD' | 'OPTIONS')[];
  /** The query parameters the route accepts, each optional; any other parameter is refused. */
  readonly query: z.ZodObject;
}

/** A whole number of sessions from 1 to MAX_LIST_DAYS; absent means DEFAULT_DAYS. */
const days = z
  .string()
  .optional()
  .transform((raw, context) => {
    if (raw === undefined) return DEFAULT_DAYS;
    const value = /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
    if (value >= 1 && value <= MAX_LIST_DAYS) return value;
    context.addIssue({
      code: 'custom',
      message: `days must be a whole number from 1 to ${MAX_LIST_DAYS}, got "${truncate(raw)}".`,
    });
    return z.NEVER;
  });

/** Browsers call these routes from other origins (CORS_ORIGIN), so they answer a preflight too. */
const READ_WITH_PREFLIGHT = ['GET', 'HEAD', 'OPTIONS'] as const;

export const API_ROUTES = {
  movers: {
    path: '/movers',
    methods: READ_WITH_PREFLIGHT,
    // asOf is a session date: the use case validates it, as it does for every caller.
    query: z.object({ days, asOf: z.string().optional() }),
  },
  session: { path: '/movers/{date}', methods: READ_WITH_PREFLIGHT, query: z.object({}) },
  // The market board (issue 14): the same window rules as /movers.
  marketMovers: {
    path: '/market/movers',
    methods: READ_WITH_PREFLIGHT,
    query: z.object({ days, asOf: z.string().optional() }),
  },
  marketSession: { path: '/market/movers/{date}', methods: READ_WITH_PREFLIGHT, query: z.object({}) },
  // Watchlists (issue 14): the routes above are the default list's; these name any configured list.
  watchlists: { path: '/watchlists', methods: READ_WITH_PREFLIGHT, query: z.object({}) },
  watchlistMovers: {
    path: '/watchlists/{name}/movers',
    methods: READ_WITH_PREFLIGHT,
    query: z.object({ days, asOf: z.string().optional() }),
  },
  watchlistSession: {
    path: '/watchlists/{name}/movers/{date}',
    methods: READ_WITH_PREFLIGHT,
    query: z.object({}),
  },
  // For monitors, not browsers: no preflight.
  health: { path: '/health', methods: ['GET', 'HEAD'], query: z.object({}) },
} as const satisfies Record<string, ApiRoute>;

export type RouteName = keyof typeof API_ROUTES;
export type RouteQuery<Name extends RouteName> = z.output<(typeof API_ROUTES)[Name]['query']>;

export interface RouteMatch {
  readonly name: RouteName;
  /** The path's `{name}` segments, still URL-encoded as they arrived. */
  readonly parameters: Readonly<Record<string, string>>;
}

const PARAMETER = /^\{(\w+)\}$/;

const MATCHERS = Object.entries(API_ROUTES).map(([name, route]) => {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const parameter = PARAMETER.exec(segment)?.[1];
      if (parameter === undefined) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(parameter);
      return '([^/]+)';
    })
    .join('/');
  return { name: name as RouteName, pattern: new RegExp(`^${source}$`), names };
});

/** The route a path names (a trailing slash ignored), or undefined. */
export function matchRoute(rawPath: string): RouteMatch | undefined {
  const path = rawPath.length > 1 ? rawPath.replace(/\/+$/, '') : rawPath;
  for (const { name, pattern, names } of MATCHERS) {
    const match = pattern.exec(path);
    if (match) {
      return {
        name,
        parameters: Object.fromEntries(names.map((key, index) => [key, match[index + 1] as string])),
      };
    }
  }
  return undefined;
}

/** The path parameters of a route, as API Gateway names them (`date` for `/movers/{date}`). */
export function pathParameters(route: ApiRoute): string[] {
  return route.path.split('/').flatMap((segment) => PARAMETER.exec(segment)?.[1] ?? []);
}

export function queryParameters(route: ApiRoute): string[] {
  return Object.keys(route.query.shape);
}

/**
 * CloudFront's path patterns for the API: a route's path with `*` for each parameter. A pattern's
 * `*` matches across slashes too, so `/movers/*` also sends `/movers/a/b` to the API, which answers 404.
 */
export const API_PATH_PATTERNS: readonly string[] = Object.values(API_ROUTES).map((route) =>
  route.path.replace(/\{\w+\}/g, '*'),
);

const PATTERN_MATCHERS = API_PATH_PATTERNS.map(
  (pattern) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    ),
);

/** True for the paths CloudFront sends to the API; the local server serves every other path from disk. */
export function isApiPath(pathname: string): boolean {
  return PATTERN_MATCHERS.some((pattern) => pattern.test(pathname));
}

/** "GET /movers, /movers/{date} or /health": for messages that list the routes. */
export function describeRoutes(): string {
  const paths = Object.values(API_ROUTES).map((route) => route.path);
  return `GET ${paths.slice(0, -1).join(', ')} or ${paths.at(-1) ?? ''}`;
}

export type QueryOutcome<T> = { readonly query: T } | { readonly problem: string };

/**
 * Validates a query against its route: an unknown parameter or a bad value is a problem for the edge to
 * report its way (400 INVALID_PARAMETER from the API, a usage error from the CLI).
 */
export function parseQuery<Name extends RouteName>(
  name: Name,
  raw: Readonly<Record<string, string | undefined>>,
): QueryOutcome<RouteQuery<Name>> {
  const route: ApiRoute = API_ROUTES[name];
  const allowed = queryParameters(route);
  const unknown = Object.keys(raw).find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    const accepted = allowed.length > 0 ? `accepted: ${allowed.join(', ')}` : 'this route takes none';
    return { problem: `Unknown query parameter "${truncate(unknown)}" (${accepted}).` };
  }
  const parsed = route.query.safeParse(raw);
  if (!parsed.success) return { problem: parsed.error.issues[0]?.message ?? 'The query is not valid.' };
  return { query: parsed.data as RouteQuery<Name> };
}

export function truncate(text: string, max = 64): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
