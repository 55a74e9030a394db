import { Match } from 'aws-cdk-lib/assertions';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { logicalId, onlyResource, resourcesOfType, statementsOf, synthesizeApp } from './app-fixture.ts';

const { data, services, templates } = synthesizeApp();

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
    const shared = {
      WATCHLIST: 'AAPL,MSFT,GOOGL,AMZN,TSLA,NVDA,META',
      WATCHLIST_NAME: 'default',
      BASIS: 'open-to-close',
      SYNC_TIMES_ET: '16:30,00:30',
      PUBLISH_DELAY_MINUTES: '0',
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
  const ownPartition = {
    'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['WATCHLIST#default'] },
  };

  const queryWinnerRows = {
    Effect: 'Allow',
    Action: ['dynamodb:Query'],
    Resource: winnerRowsIndexArn,
    Condition: ownPartition,
  };

  it('lets the API function only query and get, on the table and its index, in its own watchlist partition', () => {
    expect(statementsOf(templates.services, services, services.apiFunction.role as IRole)).toEqual([
      logWrite(apiFnId),
      xray,
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Resource: tableArn,
        Condition: ownPartition,
      },
      queryWinnerRows,
    ]);
  });

  it('lets the sync function only query and put on the table, read its one parameter, and dead-letter', () => {
    expect(statementsOf(templates.services, services, services.syncFunction.role as IRole)).toEqual([
      logWrite(syncFnId),
      xray,
      {
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:Query'],
        Resource: tableArn,
        Condition: ownPartition,
      },
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
      expect(JSON.parse((schedule.Properties.Target as { Input: string }).Input)).toMatchObject({
        trigger: 'schedule',
        scheduledTime: '<aws.scheduler.scheduled-time>',
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
  it('is a regional REST API with GET (and HEAD) /movers, /movers/{date}, the watchlist and market routes, /health, and CORS preflight', () => {
    templates.services.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    const resources = Object.values(resourcesOfType(templates.services, 'AWS::ApiGateway::Resource'));
    // /watchlists/{name} has no method of its own: it is only the parent of /watchlists/{name}/movers.
    // /market has no method of its own either: it is the parent of /market/movers.
    expect(resources.map((resource) => resource.Properties.PathPart).sort()).toEqual([
      'health',
      'market',
      'movers',
      'movers',
      'movers',
      'watchlists',
      '{date}',
      '{date}',
      '{date}',
      '{name}',
    ]);
    const methods = Object.values(resourcesOfType(templates.services, 'AWS::ApiGateway::Method'));
    const routes = methods.map((method) => {
      const resource = Object.entries(resourcesOfType(templates.services, 'AWS::ApiGateway::Resource')).find(
        ([id]) => JSON.stringify(method.Properties.ResourceId) === JSON.stringify({ Ref: id }),
      );
      return `${method.Properties.HttpMethod} ${resource?.[1].Properties.PathPart}`;
    });
    expect(routes.sort()).toEqual(
      [
        ...['GET', 'HEAD'].map((method) => `${method} health`),
        ...['GET', 'HEAD', 'OPTIONS'].flatMap((method) =>
          ['movers', 'movers', 'movers', 'watchlists', '{date}', '{date}', '{date}'].map(
            (part) => `${method} ${part}`,
          ),
        ),
      ].sort(),
    );
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
  it('carries the watchlist, basis, schedules and throttling into the stacks', () => {
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
        WATCHLIST: 'NFLX,AMD',
        WATCHLIST_NAME: 'chips',
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
