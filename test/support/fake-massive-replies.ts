/**
 * The answers of the fake Massive server (fake-massive-server.ts) and its faults (fake-massive-faults.ts)
 * share: a reply value, JSON bodies, and the error and refusal bodies with Massive's exact messages
 * (massive-api.md).
 */

export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

const PRICING = 'Please upgrade your plan at https://massive.com/pricing';
export const MESSAGES = {
  noKey: 'API Key was not provided',
  badKey: 'Unknown API Key',
  notEntitled: `You are not entitled to this data. ${PRICING}`,
  notYetAvailable: `Attempted to request today's data before end of day. ${PRICING}`,
  outsideHistory: `Your plan doesn't include this data timeframe. ${PRICING}`,
  toBeforeFrom: "The parameter 'to' cannot be a time that occurs before 'from'",
  rateLimited:
    "You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue.",
  notFound: 'Data not found.',
} as const;

export const GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, body: JSON.stringify(body), headers };
}

export function rewritten(
  reply: Reply,
  change: (body: Record<string, unknown>) => Record<string, unknown>,
): Reply {
  return { ...reply, body: JSON.stringify(change(JSON.parse(reply.body) as Record<string, unknown>)) };
}

/** Error bodies of one server: each carries a request id, counted per server like the real ones differ. */
export class MassiveReplies {
  private counter = 0;

  requestId(): string {
    return (++this.counter).toString(16).padStart(32, '0');
  }

  error(status: number, error: string, headers?: Record<string, string>): Reply {
    return json(status, { status: 'ERROR', request_id: this.requestId(), error }, headers);
  }

  forbidden(message: string, status = 403): Reply {
    return json(status, { status: 'NOT_AUTHORIZED', request_id: this.requestId(), message });
  }
}
