import { Match } from 'aws-cdk-lib/assertions';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../adapters/config/app-config.ts';
import { SETTING_KEYS, SETTINGS, type Setting } from '../../adapters/config/settings.ts';
import { API_ROUTES, pathParameters, queryParameters } from '../../adapters/http/api-routes.ts';
import {
  gatewayRoutes,
  isTableStatement,
  logicalId,
  onlyResource,
  resourcesOfType,
  statementsOf,
  synthesizeApp,
} from './app-fixture.ts';
import { ONE_FUNCTION_SETTINGS } from '../../infra/deployment-config.ts';

const { config, data, services, templates } = synthesizeApp();
/** A deployment of two lists, as `-c watchlists=...` gives it. */
const twoLists = synthesizeApp({ watchlists: 'default=AAPL,MSFT;ev=TSLA,RIVN' });

function functionProperties(fnLogicalId: string): Record<string, unknown> {
  const fn = resourcesOfType(templates.services, 'AWS::Lambda::Function')[fnLogicalId];
  if (!fn) throw new Error(`no function ${fnLogicalId}`);
  return fn.Properties;
}

const apiFnId = logicalId(services, services.apiFunction.node.defaultChild);
const syncFnId = logicalId(services, services.syncFunction.node.defaultChild);
const dlqId = logicalId(services, services.deadLetterQueue.node.defaultChild);
const tableArn = services.resolve(data.table.tableArn);
const winnerRowsIndexArn = services.resolve(`${data.table.tableArn}/index/winner-rows`);

describe('functions', () => {
  it('share the house defaults: Node.js 24 on ARM64, ESM bundle, tracing, own log group with retention', () => {
    for (const id of [apiFnId, syncFnId]) {
      const fn = functionProperties(id);
      expect(fn).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        MemorySize: 512,
      });
      expect((fn.Environment as { Variables: Record<string, unknown> }).Variables.NODE_OPTIONS).toBe(
        '--enable-source-maps',
      );
      const logGroupId = (fn.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      templates.services.hasResource('AWS::Logs::LogGroup', {
        Properties: { RetentionInDays: 30 },
        DeletionPolicy: 'Delete',
      });
      expect(resourcesOfType(templates.services, 'AWS::Logs::LogGroup')[logGroupId]?.Properties).toEqual({
        RetentionInDays: 30,
        Tags: expect.any(Array),
      });
    }
    expect(functionProperties(apiFnId).Timeout).toBe(10);
    expect(functionProperties(syncFnId).Timeout).toBe(600);
  });

  it('run one sync at a time (its Massive rate limiter is per process) and leave the API unreserved', () => {
    expect(functionProperties(syncFnId).ReservedConcurrentExecutions).toBe(1);
    expect(functionProperties(apiFnId).ReservedConcurrentExecutions).toBeUndefined();

    const unreserved = synthesizeApp({ reserveSyncConcurrency: false });
    const functions = Object.values(resourcesOfType(unreserved.templates.services, 'AWS::Lambda::Function'));
    expect(functions).toHaveLength(2);
    for (const fn of functions) expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('configure the application through the environment, with no secret in it', () => {
    const variables = (id: string) =>
      (functionProperties(id).Environment as { Variables: Record<string, unknown> }).Variables;
    // The settings both functions read (every deployed one: see "deployed settings"), then the stack's own.
    expect(config.sharedEnvironment).toMatchObject({
      WATCHLISTS: 'default=AAPL,MSFT,GOOGL,AMZN,TSLA,NVDA,META',
      BASIS: 'open-to-close',
      SYNC_TIMES_ET: '16:30,00:30',
      PUBLISH_DELAY_MINUTES: '0',
    });
    const shared = {
      ...config.sharedEnvironment,
      TABLE_NAME: services.resolve(data.table.tableName),
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    };
    expect(variables(apiFnId)).toEqual({
      ...shared,
      POWERTOOLS_SERVICE_NAME: 'stock-winners-api',
      CORS_ORIGIN: '*',
    });
    expect(variables(syncFnId)).toEqual({
      ...shared,
      POWERTOOLS_SERVICE_NAME: 'stock-winners-sync',
      SYNC_SESSIONS: '10',
      MASSIVE_API_KEY_PARAMETER: '/stock-winners/massive-api-key',
      MASSIVE_BASE_URL: 'https://api.massive.com',
      MASSIVE_RATE_LIMIT_PER_MINUTE: '5',
    });
    const everything = JSON.stringify(templates.services.toJSON());
    expect(everything).not.toContain('MASSIVE_API_KEY"');
    expect(everything).not.toMatch(/SecureString|resolve:ssm-secure/);
  });
});

describe('deployed settings', () => {
  const custom = synthesizeApp({
    watchlists: 'default=AAPL,MSFT;ev=TSLA,RIVN',
    basis: 'close-to-close',
    publishDelayMinutes: '15',
    syncSessions: '20',
    corsOrigin: 'https://winners.example.com',
    syncTimesEt: '17:05,01:15',
    massiveBaseUrl: 'https://massive.example.com',
    massiveRateLimitPerMinute: '100',
  });
  const environmentOf = (fn: IFunction) => {
    const resource = resourcesOfType(custom.templates.services, 'AWS::Lambda::Function')[
      logicalId(custom.services, fn.node.defaultChild)
    ];
    const variables = (resource?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    // TABLE_NAME is a reference to the table, resolved at deploy time.
    return Object.fromEntries(
      Object.entries(variables).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  };

  it('reach the functions: each environment loads to the configuration the synth validated', () => {
    const loaded = {
      api: loadConfig(environmentOf(custom.services.apiFunction)),
      sync: loadConfig(environmentOf(custom.services.syncFunction)),
    };
    for (const key of SETTING_KEYS) {
      if ((SETTINGS[key] as Setting).context === undefined) continue;
      const only: string | undefined = (ONE_FUNCTION_SETTINGS as Partial<Record<string, string>>)[key];
      for (const fn of ['api', 'sync'] as const) {
        if (only === undefined || only === fn)
          expect(loaded[fn][key], `${fn}: ${key}`).toEqual(custom.config.app[key]);
      }
    }
    expect(loaded.sync.watchlists.map((list) => list.name)).toEqual(['default', 'ev']);
  });
});

describe('least privilege', () => {
  const logWrite = (fnId: string) => ({
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: {
      'Fn::GetAtt': [
        (functionProperties(fnId).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref,
        'Arn',
      ],
    },
  });
  const xray = {
    Effect: 'Allow',
    Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
    Resource: '*',
  };
  const inPartitions = (...partitions: string[]) => ({
    'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': partitions },
  });
  const lists = ['WATCHLIST#default', 'WATCHLIST#ev'];
  const twoListsTableArn = twoLists.services.resolve(twoLists.data.table.tableArn);
  const twoListsStatements = (role: IRole) =>
    statementsOf(twoLists.templates.services, twoLists.services, role).filter((statement) =>
      isTableStatement(statement),
    );

  it('lets the API function only read: every list, the market boards and the ticker reference, and each list on the winner-rows index', () => {
    expect(twoListsStatements(twoLists.services.apiFunction.role as IRole)).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Resource: twoListsTableArn,
        Condition: inPartitions(...lists, 'MARKET', 'TICKER_REFERENCE'),
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: twoLists.services.resolve(`${twoLists.data.table.tableArn}/index/winner-rows`),
        Condition: inPartitions(...lists),
      },
    ]);
  });

  it('lets the sync function write each kind of partition only with the actions its adapter sends there', () => {
    expect(twoListsStatements(twoLists.services.syncFunction.role as IRole)).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:Query'],
        Resource: twoListsTableArn,
        Condition: inPartitions(...lists),
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:DeleteItem', 'dynamodb:PutItem'],
        Resource: twoListsTableArn,
        Condition: inPartitions('WRITE_LEASE#WATCHLIST#default', 'WRITE_LEASE#WATCHLIST#ev'),
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:BatchWriteItem', 'dynamodb:Query'],
        Resource: twoListsTableArn,
        Condition: inPartitions('BARS#massive'),
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:Query'],
        Resource: twoListsTableArn,
        Condition: inPartitions('MARKET'),
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
        Resource: twoListsTableArn,
        Condition: inPartitions('TICKER_REFERENCE'),
      },
    ]);
  });

  it('gives the API function nothing beyond its logs, traces and reads', () => {
    const statements = statementsOf(templates.services, services, services.apiFunction.role as IRole);
    expect(statements.slice(0, 2)).toEqual([logWrite(apiFnId), xray]);
    expect(statements.slice(2).flatMap((statement) => statement.Action)).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:Query',
    ]);
    expect(statements.slice(2).map((statement) => statement.Resource)).toEqual([
      tableArn,
      winnerRowsIndexArn,
    ]);
  });

  it('gives the sync function, beyond the table, only its one parameter and the dead-letter queue', () => {
    const statements = statementsOf(templates.services, services, services.syncFunction.role as IRole);
    expect(statements.filter((statement) => !isTableStatement(statement))).toEqual([
      logWrite(syncFnId),
      xray,
      {
        Effect: 'Allow',
        Action: ['ssm:GetParameter'],
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':ssm:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':parameter/stock-winners/massive-api-key',
            ],
          ],
        },
      },
      {
        Effect: 'Allow',
        Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        Resource: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      },
    ]);
    for (const statement of statements.filter((candidate) => isTableStatement(candidate))) {
      expect(statement.Resource).toEqual(tableArn);
    }
  });

  it('attaches no managed policy to any role of ours', () => {
    const roles = resourcesOfType(templates.services, 'AWS::IAM::Role');
    expect(Object.keys(roles)).toHaveLength(3);
    for (const role of Object.values(roles)) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('lets API Gateway, and nothing else, invoke the API function', () => {
    const permissions = Object.values(resourcesOfType(templates.services, 'AWS::Lambda::Permission'));
    expect(permissions.length).toBeGreaterThan(0);
    for (const permission of permissions) {
      expect(permission.Properties).toMatchObject({
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [apiFnId, 'Arn'] },
        Principal: 'apigateway.amazonaws.com',
        SourceArn: expect.anything(),
      });
    }
  });
});

describe('scheduled sync', () => {
  const schedulerRoleConstruct = services.node.findChild('SyncSchedulerRole') as unknown as IRole;
  const schedulerRole = resourcesOfType(templates.services, 'AWS::IAM::Role')[
    logicalId(services, schedulerRoleConstruct.node.defaultChild)
  ];

  it('runs after the close on weekdays and after midnight Tuesday to Saturday, in New York time', () => {
    const schedules = Object.values(resourcesOfType(templates.services, 'AWS::Scheduler::Schedule'));
    expect(schedules.map((schedule) => schedule.Properties.ScheduleExpression).sort()).toEqual([
      'cron(30 0 ? * TUE-SAT *)',
      'cron(30 16 ? * MON-FRI *)',
    ]);
    for (const schedule of schedules) {
      expect(schedule.Properties).toMatchObject({
        ScheduleExpressionTimezone: 'America/New_York',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: { 'Fn::GetAtt': [syncFnId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7200 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
        },
      });
    }
  });

  it('invokes one sync per run that names no list and no window: the handler then syncs every list and the market', () => {
    const schedules = Object.values(resourcesOfType(twoLists.templates.services, 'AWS::Scheduler::Schedule'));
    const twoListsSyncFnId = logicalId(twoLists.services, twoLists.services.syncFunction.node.defaultChild);
    // One schedule a sync time, however many lists: each run is one invocation covering all of them.
    expect(schedules).toHaveLength(2);
    for (const schedule of schedules) {
      const target = schedule.Properties.Target as { Arn: unknown; Input: string };
      expect(target.Arn).toEqual({ 'Fn::GetAtt': [twoListsSyncFnId, 'Arn'] });
      expect(JSON.parse(target.Input)).toEqual({
        trigger: 'schedule',
        scheduleArn: '<aws.scheduler.schedule-arn>',
        scheduledTime: '<aws.scheduler.scheduled-time>',
        executionId: '<aws.scheduler.execution-id>',
        attemptNumber: '<aws.scheduler.attempt-number>',
      });
    }
  });

  it('retries a sync that threw, then hands it to the dead-letter queue', () => {
    templates.services.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: syncFnId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId, 'Arn'] } } },
    });
  });

  it('keeps the dead-letter queue encrypted and reachable over TLS only', () => {
    templates.services.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    templates.services.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('gives the scheduler only the invocation of the sync function and the dead-letter queue', () => {
    expect(schedulerRole?.Properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    expect(statementsOf(templates.services, services, schedulerRoleConstruct)).toEqual([
      {
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: [
          { 'Fn::GetAtt': [syncFnId, 'Arn'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [syncFnId, 'Arn'] }, ':*']] },
        ],
      },
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
    ]);
  });
});

describe('API Gateway', () => {
  it('is a regional REST API declaring every route of api-routes.ts with its methods, each to the API function', () => {
    templates.services.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    const declared = gatewayRoutes(templates.services)
      .filter((route) => route.methods.length > 0)
      .map((route) => `${route.methods.join(',')} ${route.path}`);
    const expected = Object.values(API_ROUTES).map(
      (route) => `${[...route.methods].sort().join(',')} ${route.path}`,
    );
    expect(declared.sort()).toEqual(expected.sort());
    expect(expected).toContain('GET,HEAD,OPTIONS /movers/{date}');
    const methods = Object.values(resourcesOfType(templates.services, 'AWS::ApiGateway::Method'));
    for (const method of methods) {
      expect(method.Properties).toMatchObject({
        AuthorizationType: 'NONE',
        Integration: {
          Type: 'AWS_PROXY',
          IntegrationHttpMethod: 'POST',
          Uri: expect.anything(),
        },
      });
      expect(JSON.stringify(method.Properties.Integration)).toContain(apiFnId);
    }
  });

  it('requires every path parameter of a route and declares its query parameters, all optional', () => {
    const routes = gatewayRoutes(templates.services);
    for (const route of Object.values(API_ROUTES)) {
      const path = Object.fromEntries(
        pathParameters(route).map((name) => [`method.request.path.${name}`, true]),
      );
      const query = Object.fromEntries(
        queryParameters(route).map((name) => [`method.request.querystring.${name}`, false]),
      );
      const declared = routes.find((candidate) => candidate.path === route.path)?.parameters;
      expect(declared, route.path).toEqual(
        Object.fromEntries(
          route.methods.map((method) => [method, method === 'OPTIONS' ? path : { ...query, ...path }]),
        ),
      );
    }
  });

  it('throttles the stage, logs every request as JSON, and traces', () => {
    const stage = onlyResource(templates.services, 'AWS::ApiGateway::Stage').properties;
    expect(stage).toMatchObject({
      StageName: 'v1',
      TracingEnabled: true,
      MethodSettings: [
        { HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      ],
      AccessLogSetting: { DestinationArn: expect.anything() },
    });
    const format = JSON.parse((stage.AccessLogSetting as { Format: string }).Format) as Record<
      string,
      string
    >;
    expect(format).toMatchObject({
      status: '$context.status',
      integrationError: '$context.integration.error',
      responseLatencyMs: '$context.responseLatency',
    });
  });

  it('answers unknown routes with the handler’s JSON 404 shape', () => {
    templates.services.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
      StatusCode: '404',
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"code":"NOT_FOUND"') },
    });
  });
});

describe('alarms', () => {
  const alarms = Object.values(resourcesOfType(templates.services, 'AWS::CloudWatch::Alarm'));
  const topicId = logicalId(services, services.alarmTopic.node.defaultChild);

  it('watch sync errors, a non-empty dead-letter queue and API 5xx, and notify the topic', () => {
    expect(
      alarms.map((alarm) => `${alarm.Properties.Namespace}/${alarm.Properties.MetricName}`).sort(),
    ).toEqual(['AWS/ApiGateway/5XXError', 'AWS/Lambda/Errors', 'AWS/SQS/ApproximateNumberOfMessagesVisible']);
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: topicId }],
      });
    }
    const lambdaErrors = alarms.find((alarm) => alarm.Properties.MetricName === 'Errors');
    expect(lambdaErrors?.Properties.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: syncFnId } }]);
  });

  it('e-mails nobody unless an address is configured', () => {
    templates.services.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = synthesizeApp({ alarmEmail: 'ops@example.com' });
    withEmail.templates.services.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});

describe('configuration by context', () => {
  it('carries the one-list shorthand of older deployments, basis, schedules and throttling into the stacks', () => {
    const custom = synthesizeApp({
      watchlist: ['NFLX', 'AMD'],
      watchlistName: 'chips',
      basis: 'close-to-close',
      syncTimesEt: '17:05,01:15,06:00',
      apiThrottleRateLimit: '5',
      apiThrottleBurstLimit: '10',
      corsOrigin: 'https://winners.example.com',
    });
    const apiFn = custom.templates.services.findResources('AWS::Lambda::Function');
    const envs = Object.values(apiFn).map(
      (fn) => (fn.Properties as { Environment: { Variables: Record<string, string> } }).Environment.Variables,
    );
    for (const env of envs) {
      expect(env).toMatchObject({
        WATCHLISTS: 'chips=NFLX,AMD',
        BASIS: 'close-to-close',
        SYNC_TIMES_ET: '17:05,01:15,06:00',
      });
    }
    expect(envs.some((env) => env.CORS_ORIGIN === 'https://winners.example.com')).toBe(true);
    const expressions = Object.values(
      custom.templates.services.findResources('AWS::Scheduler::Schedule'),
    ).map((schedule) => (schedule.Properties as { ScheduleExpression: string }).ScheduleExpression);
    expect(expressions.sort()).toEqual([
      'cron(0 6 ? * TUE-SAT *)',
      'cron(15 1 ? * TUE-SAT *)',
      'cron(5 17 ? * MON-FRI *)',
    ]);
    custom.templates.services.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 })],
    });
    custom.templates.services.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['WATCHLIST#chips'] } },
          }),
        ]),
      },
    });
  });
});
