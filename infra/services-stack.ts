import { CfnOutput, Duration, Stack, TimeZone, Validations, type StackProps } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
  ContextAttribute,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { tablePartitions, type TablePartitions } from '../adapters/dynamodb/table-partitions.ts';
import { WINNERS_TABLE } from '../adapters/dynamodb/winners-table.ts';
import { API_ROUTES, describeRoutes, pathParameters, queryParameters } from '../adapters/http/api-routes.ts';
import { syncSchedule, type DataSource } from '../core/index.ts';
import type { DeploymentConfig } from './deployment-config.ts';
import { createHouseFunction, FUNCTION_TIMEOUTS } from './house-function.ts';

export interface ServicesStackProps extends StackProps {
  readonly table: ITable;
  readonly config: DeploymentConfig;
}

const READ = ['dynamodb:GetItem', 'dynamodb:Query'];

/**
 * The sync function's bars come from Massive: on AWS its key is always read from SSM and it never falls
 * back to simulated data, so `BARS#simulated` is no partition of a deployment.
 */
const DEPLOYED_SOURCE: DataSource = 'massive';

interface PartitionAccess {
  /** The partitions of the table these actions are confined to. */
  readonly partitions: (table: TablePartitions) => readonly string[];
  readonly actions: readonly string[];
  /** An index of the table these actions are on, instead of the table itself. */
  readonly index?: string;
}

/**
 * Exactly what each function's adapters send to which partitions (asserted by test/infra).
 * - API: a list's winners (a Query on the winner-rows index) and one session (GetItem), the market's
 *   boards (Query, GetItem) and the ticker reference's names (GetItem of its header, Query of its chunks).
 * - sync: per list, the stored sessions (Query), the stored closes of a previous session (GetItem) and the
 *   new sessions (BatchWriteItem), under the list's write lease (PutItem to take it, DeleteItem to release
 *   it); the bar archive (Query, BatchWriteItem); the market's boards
 *   (Query, PutItem); the ticker reference's refresh (GetItem, Query, PutItem, and DeleteItem of old chunks).
 */
export const TABLE_ACCESS: Record<'api' | 'sync', readonly PartitionAccess[]> = {
  api: [
    {
      partitions: (table) => [...table.watchlists, table.market, table.tickerReference],
      actions: READ,
    },
    {
      partitions: (table) => table.watchlists,
      actions: ['dynamodb:Query'],
      index: WINNERS_TABLE.winnerRowsIndex.name,
    },
  ],
  sync: [
    { partitions: (table) => table.watchlists, actions: [...READ, 'dynamodb:BatchWriteItem'] },
    { partitions: (table) => table.writeLeases, actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'] },
    { partitions: (table) => [table.barArchive], actions: ['dynamodb:BatchWriteItem', 'dynamodb:Query'] },
    { partitions: (table) => [table.market], actions: ['dynamodb:PutItem', 'dynamodb:Query'] },
    {
      partitions: (table) => [table.tickerReference],
      actions: [...READ, 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
    },
  ],
};

/**
 * One JSON line per request: who asked what, the answer, how long it took, and what went wrong at the
 * gateway or in the integration (API Gateway's `$context.error` and `$context.integration.error`).
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: AccessLogField.contextRequestId(),
    requestTime: AccessLogField.contextRequestTime(),
    ip: AccessLogField.contextIdentitySourceIp(),
    userAgent: AccessLogField.contextIdentityUserAgent(),
    httpMethod: AccessLogField.contextHttpMethod(),
    path: AccessLogField.contextPath(),
    resourcePath: AccessLogField.contextResourcePath(),
    status: AccessLogField.contextStatus(),
    responseLength: AccessLogField.contextResponseLength(),
    responseLatencyMs: AccessLogField.contextResponseLatency(),
    integrationStatus: AccessLogField.contextIntegrationStatus(),
    integrationLatencyMs: AccessLogField.contextIntegrationLatency(),
    errorType: AccessLogField.contextErrorResponseType(),
    error: AccessLogField.contextErrorMessage(),
    integrationError: '$context.integration.error',
    xrayTraceId: AccessLogField.contextXrayTraceId(),
  }),
);

/** Cron's day-of-week names, indexed like the core's weekdays (0 = Sunday). */
const CRON_WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

/**
 * The stateless services: the API function behind API Gateway, the sync function on an EventBridge
 * Scheduler timetable in New York time, the dead-letter queue both failure paths end in, and alarms.
 */
export class ServicesStack extends Stack {
  readonly api: RestApi;
  readonly apiFunction: NodejsFunction;
  readonly syncFunction: NodejsFunction;
  readonly deadLetterQueue: Queue;
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: ServicesStackProps) {
    super(scope, id, props);
    const { config, table } = props;
    const logRetention = config.logRetentionDays as RetentionDays;
    const common = {
      ...config.sharedEnvironment,
      TABLE_NAME: table.tableName,
      POWERTOOLS_LOG_LEVEL: config.logLevel,
    };

    this.apiFunction = createHouseFunction(this, 'ApiFunction', {
      entry: 'adapters/lambda/api-handler.ts',
      description: `Stock Winners HTTP API (${describeRoutes()})`,
      timeout: FUNCTION_TIMEOUTS.api,
      logRetention,
      environment: {
        ...common,
        POWERTOOLS_SERVICE_NAME: 'stock-winners-api',
        CORS_ORIGIN: config.app.corsOrigin,
      },
    });
    this.syncFunction = createHouseFunction(this, 'SyncFunction', {
      entry: 'adapters/lambda/sync-handler.ts',
      description: 'Stock Winners scheduled sync of the latest sessions from Massive',
      timeout: FUNCTION_TIMEOUTS.sync,
      logRetention,
      // The Massive rate limiter lives in the process: two syncs at once would each spend the whole budget.
      reservedConcurrentExecutions: config.reserveSyncConcurrency ? 1 : undefined,
      environment: {
        ...common,
        POWERTOOLS_SERVICE_NAME: 'stock-winners-sync',
        SYNC_SESSIONS: String(config.app.syncSessions),
        // The parameter's name only: the key itself is read from SSM by the function and never leaves memory.
        MASSIVE_API_KEY_PARAMETER: config.apiKeyParameterName,
        MASSIVE_BASE_URL: config.massiveBaseUrl,
        MASSIVE_RATE_LIMIT_PER_MINUTE: String(config.massiveRateLimitPerMinute),
      },
    });

    const partitions = tablePartitions(
      config.app.watchlists.map((list) => list.name),
      DEPLOYED_SOURCE,
    );
    this.grantTableAccess(this.apiFunction, table, TABLE_ACCESS.api, partitions);
    this.grantTableAccess(this.syncFunction, table, TABLE_ACCESS.sync, partitions);
    // SecureStrings under the AWS managed key aws/ssm need no kms:Decrypt in the role: that key's
    // policy already lets SSM decrypt for any principal of the account allowed to read the parameter.
    this.syncFunction.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['ssm:GetParameter'],
        resources: [
          this.formatArn({
            service: 'ssm',
            resource: 'parameter',
            resourceName: config.apiKeyParameterName.slice(1),
          }),
        ],
      }),
    );

    this.deadLetterQueue = this.createDeadLetterQueue();
    this.scheduleSync(config);
    this.api = this.createApi(config, logRetention);
    this.alarmTopic = this.createAlarms(config);

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.url,
      description: 'The API Gateway stage URL (direct access)',
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }

  /**
   * Per function: its exact actions (TABLE_ACCESS), each confined to the partitions it is for. Conditional
   * writes are the repositories' job: IAM cannot require a ConditionExpression, but it can keep every call
   * inside the partitions named, `ForAllValues` so that a request naming any other key is refused.
   */
  private grantTableAccess(
    fn: NodejsFunction,
    table: ITable,
    access: readonly PartitionAccess[],
    partitions: TablePartitions,
  ) {
    for (const { actions, index, partitions: of } of access) {
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [...actions],
          resources: [index === undefined ? table.tableArn : `${table.tableArn}/index/${index}`],
          conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [...of(partitions)] } },
        }),
      );
    }
  }

  private createDeadLetterQueue(): Queue {
    const queue = new Queue(this, 'SyncDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the sync (failed invocations and undeliverable ' +
        'schedules); a DLQ of a DLQ would only move the messages an alarm already reports.',
    });
    return queue;
  }

  /**
   * Scheduler invokes Lambda asynchronously, so two retry paths exist and both end in the DLQ: the
   * schedule's retry policy covers failing to deliver the invocation (throttling, permissions), and the
   * function's asynchronous-invocation settings retry a sync that threw, then hand it to the DLQ.
   */
  private scheduleSync(config: DeploymentConfig): void {
    this.syncFunction.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    const role = new Role(this, 'SyncSchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'Lets EventBridge Scheduler invoke the sync function and dead-letter undeliverable runs',
    });
    for (const run of syncSchedule(config.app.syncTimesEt)) {
      const days = `${CRON_WEEKDAYS[run.firstWeekday]}-${CRON_WEEKDAYS[run.lastWeekday]}`;
      new Schedule(this, `SyncAt${run.time.replace(':', '')}Et`, {
        description: `Sync at ${run.time} New York time, ${days} (core/sync-schedule.ts says why)`,
        schedule: ScheduleExpression.cron({
          minute: String(run.minute),
          hour: String(run.hour),
          weekDay: days,
          timeZone: TimeZone.AMERICA_NEW_YORK,
        }),
        target: new LambdaInvoke(this.syncFunction, {
          role,
          input: ScheduleTargetInput.fromObject({
            trigger: 'schedule',
            scheduleArn: ContextAttribute.scheduleArn,
            scheduledTime: ContextAttribute.scheduledTime,
            executionId: ContextAttribute.executionId,
            attemptNumber: ContextAttribute.attemptNumber,
          }),
          retryAttempts: 3,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: this.deadLetterQueue,
        }),
      });
    }
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.syncFunction.node.defaultChild as never)}.Arn>:*]`,
      reason:
        'lambda:InvokeFunction on the sync function and its versions/aliases (the ":*" qualifier), as the ' +
        'Scheduler target grants it: still exactly one function, and no other action.',
    });
  }

  private createApi(config: DeploymentConfig, logRetention: RetentionDays): RestApi {
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: logRetention });
    const api = new RestApi(this, 'Api', {
      restApiName: `${config.stackPrefix}-api`,
      description: 'Stock Winners: daily top movers of a watchlist',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'v1',
        throttlingRateLimit: config.apiThrottleRateLimit,
        throttlingBurstLimit: config.apiThrottleBurstLimit,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: ACCESS_LOG_FORMAT,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.OFF,
      },
    });
    // Our ApiUrl output replaces the construct's generated one (same value, stable name).
    api.node.tryRemoveChild('Endpoint');
    const integration = new LambdaIntegration(this.apiFunction, { proxy: true, allowTestInvoke: false });
    const validator = api.addRequestValidator('RequestValidator', {
      validateRequestParameters: true,
      // No method takes a body or declares a model, so this checks nothing today; it keeps validation on
      // for any method that ever does.
      validateRequestBody: true,
    });
    // Every route of api-routes.ts, every method to the same handler: HEAD answers like GET without a
    // body (CloudFront forwards HEAD), and OPTIONS is the one CORS implementation, set by CORS_ORIGIN.
    // API Gateway checks the path parameters; the handler checks the query, so its one error code holds.
    for (const route of Object.values(API_ROUTES)) {
      const resource = api.root.resourceForPath(route.path);
      const path = Object.fromEntries(
        pathParameters(route).map((name) => [`method.request.path.${name}`, true]),
      );
      const query = Object.fromEntries(
        queryParameters(route).map((name) => [`method.request.querystring.${name}`, false]),
      );
      for (const method of route.methods) {
        resource.addMethod(method, integration, {
          requestValidator: validator,
          requestParameters: method === 'OPTIONS' ? path : { ...query, ...path },
        });
      }
    }

    this.addJsonGatewayResponses(api, config.app.corsOrigin);
    this.acknowledgeApiFindings(api);
    return api;
  }

  /** Answers API Gateway itself gives (no route, throttled) in the handler's JSON error shape. */
  private addJsonGatewayResponses(api: RestApi, corsOrigin: string): void {
    const headers = { 'Access-Control-Allow-Origin': `'${corsOrigin}'`, 'Cache-Control': "'no-store'" };
    const body = (code: string, message: string) => ({
      'application/json': JSON.stringify({ error: { code, message } }),
    });
    api.addGatewayResponse('NoRoute', {
      type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
      statusCode: '404',
      responseHeaders: headers,
      templates: body('NOT_FOUND', `No such route. Try ${describeRoutes()}.`),
    });
    api.addGatewayResponse('Throttled', {
      type: ResponseType.THROTTLED,
      statusCode: '429',
      responseHeaders: headers,
      templates: body('THROTTLED', 'Too many requests; retry in a moment.'),
    });
    api.addGatewayResponse('BadRequestParameters', {
      type: ResponseType.BAD_REQUEST_PARAMETERS,
      statusCode: '400',
      responseHeaders: headers,
      templates: body('INVALID_PARAMETER', 'A required parameter is missing.'),
    });
  }

  private acknowledgeApiFindings(api: RestApi): void {
    Validations.of(api).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'A public, read-only API of public market data, by design: no caller identity to check. Abuse is ' +
          'bounded by stage throttling, and the dashboard reaches it through CloudFront, which caches it.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'No Cognito user pool: the API serves public, read-only market data to anonymous readers ' +
          '(see AwsSolutions-APIG4).',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'No WAF web ACL: its fixed monthly price exceeds the cost of the whole application. The API is ' +
          'read-only, throttled per stage, validates every parameter, and sits behind CloudFront.',
      },
      {
        id: 'AwsSolutions-APIG6',
        reason:
          'Execution logging needs the account-wide API Gateway CloudWatch role, which this app must not ' +
          'overwrite for other APIs. Every request is in the access log (status, latency, integration ' +
          'error), and the function logs every failure as structured JSON.',
      },
    );
  }

  private createAlarms(config: DeploymentConfig): Topic {
    const topic = new Topic(this, 'AlarmTopic', { displayName: 'Stock Winners alarms', enforceSSL: true });
    if (config.alarmEmail) topic.addSubscription(new EmailSubscription(config.alarmEmail));
    const action = new SnsAction(topic);
    const alarm = (id: string, description: string, metric: IMetric) => {
      const created = new Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
    };
    const period = Duration.minutes(5);
    alarm(
      'SyncErrorsAlarm',
      'The scheduled sync threw (provider or storage failure); it is retried, then dead-lettered.',
      this.syncFunction.metricErrors({ period, statistic: 'Sum' }),
    );
    alarm(
      'DeadLetterQueueNotEmptyAlarm',
      'A sync run was given up and is waiting in the dead-letter queue: inspect it, then run `stocks-cli sync`.',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
    );
    alarm(
      'Api5xxAlarm',
      'The API answered with a server error: nothing a client sends should cause one.',
      this.api.metricServerError({ period, statistic: 'Sum' }),
    );
    return topic;
  }
}
