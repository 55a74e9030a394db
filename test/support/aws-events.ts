import type { APIGatewayProxyEvent } from 'aws-lambda';

/** A REST API (v1) proxy event shaped like the ones API Gateway sends, with multi-value maps filled in. */
export function apiGatewayEvent(
  method: string,
  pathWithQuery: string,
  headers: Record<string, string> = {},
): APIGatewayProxyEvent {
  const url = new URL(pathWithQuery, 'https://example.execute-api.us-east-1.amazonaws.com');
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) {
    single[key] = value;
    (multi[key] ??= []).push(value);
  }
  const hasQuery = url.searchParams.size > 0;
  const dateMatch = /^\/movers\/([^/]+)$/.exec(url.pathname);
  return {
    resource: dateMatch ? '/movers/{date}' : url.pathname,
    path: url.pathname,
    httpMethod: method,
    headers: { Host: url.host, 'User-Agent': 'test', Accept: 'application/json', ...headers },
    multiValueHeaders: Object.fromEntries(
      Object.entries({ Host: url.host, ...headers }).map(([key, value]) => [key, [value]]),
    ),
    queryStringParameters: hasQuery ? single : null,
    multiValueQueryStringParameters: hasQuery ? multi : null,
    pathParameters: dateMatch ? { date: dateMatch[1] as string } : null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'example',
      authorizer: null,
      domainName: url.host,
      domainPrefix: 'example',
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        user: null,
        userAgent: 'test',
        userArn: null,
      },
      path: `/prod${url.pathname}`,
      protocol: 'HTTP/1.1',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1_763_900_000_000,
      resourceId: 'abc123',
      resourcePath: dateMatch ? '/movers/{date}' : url.pathname,
      stage: 'prod',
    },
  };
}

/** What EventBridge Scheduler's universal Lambda target delivers: the schedule's Input JSON. */
export function schedulerEvent(input: Record<string, unknown> = {}): Record<string, unknown> {
  return { source: 'stock-winners.schedule', ...input };
}
