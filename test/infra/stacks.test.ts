import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { WINNERS_TABLE } from '../../adapters/dynamodb/winners-table.ts';
import { API_PATH_PATTERNS, CONTENT_SECURITY_POLICY } from '../../infra/web-stack.ts';
import { synthesizeApp } from './app-fixture.ts';

const synthesized = synthesizeApp();
const { data, services, web, templates } = synthesized;

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

function logicalId(stack: Stack, element: unknown): string {
  return stack.getLogicalId(element as CfnElement);
}

function resourcesOfType(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

function onlyResource(template: Template, type: string): { id: string; properties: Record<string, unknown> } {
  const entries = Object.entries(resourcesOfType(template, type));
  expect(entries).toHaveLength(1);
  const [id, resource] = entries[0] as [string, Resources[string]];
  return { id, properties: resource.Properties };
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Every statement of every policy attached to the role, actions sorted: the role's whole permission set. */
function statementsOf(template: Template, stack: Stack, role: IRole): Statement[] {
  const roleId = logicalId(stack, role.node.defaultChild);
  const policies = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as unknown[]).some(
      (ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId }),
    ),
  );
  return policies
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .map((statement) => ({
      ...statement,
      Action: [statement.Action].flat().sort(),
    }));
}

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

describe('data stack', () => {
  it('builds the table from the storage adapter’s single key definition', () => {
    templates.data.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: WINNERS_TABLE.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: WINNERS_TABLE.sortKey.name, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
    });
  });

  it('has the winner-rows index lists read: the table’s keys, projecting only the winner attributes', () => {
    templates.data.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'winner-rows',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['winner', 'basis', 'source'] },
        },
      ],
    });
  });

  it('is on-demand, point-in-time recoverable, deletion protected and retained', () => {
    templates.data.resourceCountIs('AWS::DynamoDB::Table', 1);
    templates.data.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });

  it('outputs the table name for the CLI', () => {
    templates.data.hasOutput('TableName', { Value: { Ref: logicalId(data, data.table.node.defaultChild) } });
  });
});

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
  it('is a regional REST API with GET (and HEAD) /movers, /movers/{date}, /health, and CORS preflight', () => {
    templates.services.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    const resources = Object.values(resourcesOfType(templates.services, 'AWS::ApiGateway::Resource'));
    expect(resources.map((resource) => resource.Properties.PathPart).sort()).toEqual([
      'health',
      'movers',
      '{date}',
    ]);
    const methods = Object.values(resourcesOfType(templates.services, 'AWS::ApiGateway::Method'));
    const routes = methods.map((method) => {
      const resource = Object.entries(resourcesOfType(templates.services, 'AWS::ApiGateway::Resource')).find(
        ([id]) => JSON.stringify(method.Properties.ResourceId) === JSON.stringify({ Ref: id }),
      );
      return `${method.Properties.HttpMethod} ${resource?.[1].Properties.PathPart}`;
    });
    expect(routes.sort()).toEqual([
      'GET health',
      'GET movers',
      'GET {date}',
      'HEAD health',
      'HEAD movers',
      'HEAD {date}',
      'OPTIONS movers',
      'OPTIONS {date}',
    ]);
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

describe('web stack', () => {
  const siteBucketId = logicalId(web, web.siteBucket.node.defaultChild);
  const distributionId = logicalId(web, web.distribution.node.defaultChild);
  const distribution = onlyResource(templates.web, 'AWS::CloudFront::Distribution').properties
    .DistributionConfig as Record<string, unknown>;

  it('keeps the site bucket private: public access blocked, TLS only, no website hosting', () => {
    const bucket = resourcesOfType(templates.web, 'AWS::S3::Bucket')[siteBucketId]?.Properties;
    expect(bucket).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: expect.anything(),
    });
    expect(bucket?.WebsiteConfiguration).toBeUndefined();
    templates.web.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: siteBucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    for (const bucketResource of Object.values(resourcesOfType(templates.web, 'AWS::S3::Bucket'))) {
      expect(bucketResource.Properties.WebsiteConfiguration).toBeUndefined();
      expect(bucketResource.Properties.PublicAccessBlockConfiguration).toMatchObject({
        BlockPublicPolicy: true,
      });
    }
  });

  it('reads the bucket through CloudFront Origin Access Control (no OAI, no public endpoint)', () => {
    templates.web.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always' },
    });
    templates.web.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    const origins = distribution.Origins as Array<Record<string, unknown>>;
    const s3Origin = origins.find((origin) => origin.S3OriginConfig);
    expect(s3Origin).toMatchObject({
      DomainName: { 'Fn::GetAtt': [siteBucketId, 'RegionalDomainName'] },
      OriginAccessControlId: expect.anything(),
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
  });

  it('sends HSTS, CSP, nosniff and frame deny on every response', () => {
    templates.web.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: {
          StrictTransportSecurity: {
            AccessControlMaxAgeSec: 63_072_000,
            IncludeSubdomains: true,
            Override: true,
          },
          ContentSecurityPolicy: { ContentSecurityPolicy: CONTENT_SECURITY_POLICY, Override: true },
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
        },
      },
    });
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'self'");
  });

  it('routes the API paths through the same distribution, caching as long as the API allows', () => {
    const apiOrigin = (distribution.Origins as Array<Record<string, unknown>>).find(
      (origin) => origin.CustomOriginConfig,
    );
    expect(apiOrigin).toMatchObject({
      CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
    });
    expect(JSON.stringify(apiOrigin?.DomainName)).toContain('execute-api');
    const behaviors = distribution.CacheBehaviors as Array<Record<string, unknown>>;
    expect(behaviors.map((behavior) => behavior.PathPattern)).toEqual([...API_PATH_PATTERNS]);
    for (const behavior of behaviors) {
      expect(behavior).toMatchObject({
        TargetOriginId: apiOrigin?.Id,
        AllowedMethods: ['GET', 'HEAD'],
        ViewerProtocolPolicy: 'redirect-to-https',
      });
    }
    const cachePolicyId = behaviors[0]?.CachePolicyId;
    for (const behavior of behaviors) expect(behavior.CachePolicyId).toEqual(cachePolicyId);
    const cachePolicy = resourcesOfType(templates.web, 'AWS::CloudFront::CachePolicy')[
      (cachePolicyId as { Ref: string }).Ref
    ];
    expect(cachePolicy?.Properties.CachePolicyConfig).toMatchObject({
      DefaultTTL: 0,
      MinTTL: 0,
      MaxTTL: 86_400,
      ParametersInCacheKeyAndForwardedToOrigin: {
        HeadersConfig: { HeaderBehavior: 'none' },
        CookiesConfig: { CookieBehavior: 'none' },
      },
    });
    expect(distribution).toMatchObject({
      DefaultRootObject: 'index.html',
      Logging: { Prefix: 'cloudfront/' },
      DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https' },
    });
  });

  it('sends every query parameter to the API and keys the cache on all of them, so ?day=7 gets the API’s 400', () => {
    const behaviors = distribution.CacheBehaviors as Array<Record<string, unknown>>;
    for (const behavior of behaviors) {
      const cachePolicy = resourcesOfType(templates.web, 'AWS::CloudFront::CachePolicy')[
        (behavior.CachePolicyId as { Ref: string }).Ref
      ];
      // "all" both forwards every parameter and makes each one part of the key: a cached /movers answer
      // can never stand in for /movers?day=7, and a 400 for a bad parameter is never served for a good URL.
      expect(
        (cachePolicy?.Properties.CachePolicyConfig as Record<string, Record<string, unknown>>)
          .ParametersInCacheKeyAndForwardedToOrigin?.QueryStringsConfig,
        String(behavior.PathPattern),
      ).toEqual({ QueryStringBehavior: 'all' });
      // An origin request policy could only forward more; none is needed, and none narrows what reaches the API.
      expect(behavior.OriginRequestPolicyId).toBeUndefined();
    }
  });

  it('deploys the site and a generated config.json, then invalidates the distribution', () => {
    templates.web.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: siteBucketId },
      DistributionId: { Ref: distributionId },
      DistributionPaths: ['/*'],
      Prune: true,
    });
    const deployment = Object.values(resourcesOfType(templates.web, 'Custom::CDKBucketDeployment'))[0];
    const stagedSources = (deployment?.Properties.SourceObjectKeys as string[]).map((key) =>
      path.join(synthesized.app.outdir, `asset.${key.replace(/\.zip$/, '')}`),
    );
    expect(stagedSources).toHaveLength(2);
    const [site, config] = stagedSources as [string, string];
    expect(readdirSync(site)).toEqual(['index.html']);
    expect(readdirSync(config)).toEqual(['config.json']);
    expect(JSON.parse(readFileSync(path.join(config, 'config.json'), 'utf8'))).toEqual({ apiBaseUrl: '' });
    templates.web.hasOutput('SiteUrl', {
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] },
    });
  });
});

describe('site deployment permissions', () => {
  const distributionId = logicalId(web, web.distribution.node.defaultChild);
  const deploymentRole = web.node.findChild('SiteDeploymentRole') as unknown as IRole;
  const deploymentRoleId = logicalId(web, deploymentRole.node.defaultChild);
  const statements = statementsOf(templates.web, web, deploymentRole);

  it('runs CDK’s deployment provider under our role, with no managed policy', () => {
    const provider = Object.values(resourcesOfType(templates.web, 'AWS::Lambda::Function'));
    expect(provider).toHaveLength(1);
    expect(provider[0]?.Properties.Role).toEqual({ 'Fn::GetAtt': [deploymentRoleId, 'Arn'] });
    for (const role of Object.values(resourcesOfType(templates.web, 'AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('may invalidate this distribution only, not every distribution of the account', () => {
    const invalidation = statements.filter((statement) =>
      (statement.Action as string[]).some((action) => action.startsWith('cloudfront:')),
    );
    expect(invalidation).toEqual([
      {
        Effect: 'Allow',
        Action: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':cloudfront::',
              { Ref: 'AWS::AccountId' },
              ':distribution/',
              { Ref: distributionId },
            ],
          ],
        },
      },
    ]);
  });

  it('grants nothing on "*" anywhere in the web stack', () => {
    const everyResource = Object.values(resourcesOfType(templates.web, 'AWS::IAM::Policy')).flatMap(
      (policy) =>
        (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.flatMap((statement) => [
          statement.Resource,
        ]),
    );
    expect(everyResource.flat()).not.toContain('*');
  });

  it('writes its logs to its own log group, kept as long as the functions’ logs', () => {
    expect(statements[0]).toEqual({
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^SiteDeploymentLogs/), 'Arn'] },
    });
    const [logGroupId] = (statements[0]?.Resource as { 'Fn::GetAtt': [string] })['Fn::GetAtt'];
    expect(resourcesOfType(templates.web, 'AWS::Logs::LogGroup')[logGroupId]?.Properties).toMatchObject({
      RetentionInDays: 30,
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
