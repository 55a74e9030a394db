import {
  BOOTSTRAP_QUALIFIER_CONTEXT,
  CfnOutput,
  DefaultStackSynthesizer,
  Duration,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
  type CfnElement,
  type StackProps,
} from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  AllowedMethods,
  CacheCookieBehavior,
  CachedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { RestApiOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { API_PATH_PATTERNS, describeRoutes } from '../adapters/http/api-routes.ts';
import { SiteDeploymentRole } from './site-deployment-role.ts';

export interface WebStackProps extends StackProps {
  readonly api: RestApi;
  /** The built dashboard (`npm run build:web` writes web/dist). */
  readonly siteDirectory: string;
  /** Retention of the site deployment's own log group. */
  readonly logRetention: RetentionDays;
}

/** The SHA-256 of each inline script of web/index.html, exactly as written there. */
export const INLINE_SCRIPT_HASHES = ["'sha256-EAc+oCiVe+SUpX/W7NA8JtCIvM7NT/yEopZlDpKGbnA='"] as const;

/**
 * The dashboard's Content-Security-Policy: everything from this origin only. The API is on the same
 * origin (CloudFront routes the API's paths to it), so connect-src needs nothing else.
 * No 'unsafe-eval' (the dashboard uses Alpine's CSP build, which never evaluates strings as code) and no
 * 'unsafe-inline': scripts come from this origin, plus the one inline script of web/index.html (it sends
 * the winners request before app.js has downloaded), allowed by its hash only.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src 'self' ${INLINE_SCRIPT_HASHES.join(' ')}`,
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The dashboard: a private bucket that only CloudFront can read (Origin Access Control), one
 * distribution that also fronts the API on the same origin (no CORS for the site), and the built
 * files deployed with a config.json telling the page its API is right here.
 */
export class WebStack extends Stack {
  readonly distribution: Distribution;
  readonly siteBucket: Bucket;
  readonly logBucket: Bucket;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    this.logBucket = this.createLogBucket();
    this.siteBucket = new Bucket(this, 'SiteBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3-site/',
      // Only the build output lives here; the deployment below empties it on stack deletion.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Stock Winners: HSTS, CSP, nosniff, frame deny, strict referrer',
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365 * 2),
          includeSubdomains: true,
          override: true,
        },
        contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
      },
    });

    // The API says how long an answer stays true (Cache-Control: max-age until the next scheduled sync);
    // with a default TTL of 0 CloudFront keeps exactly that, and nothing the API did not allow.
    // Every query parameter reaches the API and is part of the cache key. Forwarding them all with a key
    // of only days and asOf would not do: a cached answer for `/movers` would then also answer
    // `/movers?day=7` (which the API refuses with a 400), and CloudFront caches a 400 for 10 s whatever
    // its Cache-Control says, so one bad request could hand that 400 to everyone asking for the same key.
    const apiCachePolicy = new CachePolicy(this, 'ApiCachePolicy', {
      comment: 'Stock Winners API: honour the origin Cache-Control; key on every query parameter',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.days(1),
      queryStringBehavior: CacheQueryStringBehavior.all(),
      headerBehavior: CacheHeaderBehavior.none(),
      cookieBehavior: CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const apiBehavior: BehaviorOptions = {
      origin: new RestApiOrigin(props.api),
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      cachedMethods: CachedMethods.CACHE_GET_HEAD,
      cachePolicy: apiCachePolicy,
      responseHeadersPolicy: securityHeaders,
      compress: true,
    };

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Stock Winners dashboard and API',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.siteBucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        compress: true,
      },
      // The API's paths (adapters/http/api-routes.ts), as `stocks-cli serve` routes them too.
      additionalBehaviors: Object.fromEntries(API_PATH_PATTERNS.map((pattern) => [pattern, apiBehavior])),
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
    });
    this.acknowledgeDistributionFindings();

    const deploymentRole = new SiteDeploymentRole(this, 'SiteDeploymentRole', this.distribution);
    const deploymentLogs = new LogGroup(this, 'SiteDeploymentLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    deploymentLogs.grantWrite(deploymentRole);
    new BucketDeployment(this, 'DeploySite', {
      destinationBucket: this.siteBucket,
      sources: [
        // config.json is generated here, for this deployment, not taken from the build.
        Source.asset(props.siteDirectory, { exclude: ['config.json'] }),
        // Same origin: the page calls /movers on the host that served it.
        Source.jsonData('config.json', { apiBaseUrl: '' }),
      ],
      cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.minutes(5))],
      prune: true,
      retainOnDelete: false,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 256,
      role: deploymentRole,
      logGroup: deploymentLogs,
    });
    this.acknowledgeDeploymentFindings(deploymentRole);

    new CfnOutput(this, 'SiteUrl', {
      value: `https://${this.distribution.distributionDomainName}`,
      description: `The dashboard; the API answers on the same origin (${describeRoutes()})`,
    });
    new CfnOutput(this, 'SiteBucketName', { value: this.siteBucket.bucketName });
    new CfnOutput(this, 'LogBucketName', { value: this.logBucket.bucketName });
  }

  /**
   * Access logs of the site bucket and of CloudFront. Retained with the stack's deletion (they are the
   * audit trail), expired after 90 days so they cost next to nothing.
   */
  private createLogBucket(): Bucket {
    const bucket = new Bucket(this, 'AccessLogBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      // CloudFront standard logging still writes with an ACL: the bucket owner must accept them.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    return bucket;
  }

  private acknowledgeDistributionFindings(): void {
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'A public dashboard of public market data, meant to be readable from every country.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF web ACL: its fixed monthly price exceeds the cost of the whole application. Only GET ' +
          'and HEAD reach the origins, the site is static, and the API behind it is throttled.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The distribution serves the default *.cloudfront.net certificate, and CloudFront lets a minimum ' +
          'viewer TLS version (TLSv1.2_2021) be set only with a custom domain and its ACM certificate. ' +
          'Browsers negotiate TLS 1.2/1.3 anyway, and HSTS keeps them on HTTPS.',
      },
    );
  }

  /** The CDK asset bucket's objects as cdk-nag prints them: pseudo parameters where the env is unknown. */
  private renderedAssetObjectsArn(): string {
    const show = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<${pseudo}>` : value);
    const qualifier: unknown =
      this.node.tryGetContext(BOOTSTRAP_QUALIFIER_CONTEXT) ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const account = show(this.account, 'AWS::AccountId');
    const region = show(this.region, 'AWS::Region');
    return `arn:${show(this.partition, 'AWS::Partition')}:s3:::cdk-${String(qualifier)}-assets-${account}-${region}/*`;
  }

  /**
   * BucketDeployment's copy function is CDK's own provider (a Python runtime with the AWS CLI layer),
   * created once per stack: its runtime is CDK's. Its role is ours (no managed policy, writes only its own
   * log group); the S3 grants in it are CDK's, scoped to the CDK asset bucket and this site bucket, and
   * the invalidation grant is confined to this distribution (see SiteDeploymentRole).
   */
  private acknowledgeDeploymentFindings(role: SiteDeploymentRole): void {
    const provider = this.node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (!provider) throw new Error('BucketDeployment provider not found: CDK changed its construct id');
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-L1',
      reason: "CDK's BucketDeployment provider: aws-cdk-lib pins its Python runtime and upgrades it itself.",
    });
    const wildcard = (finding: string, reason: string) => ({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    const siteBucketArn = this.getLogicalId(this.siteBucket.node.defaultChild as CfnElement);
    Validations.of(role).acknowledge(
      wildcard(
        'Action::s3:GetBucket*',
        "CDK's BucketDeployment grant: read the CDK asset bucket's and the site bucket's metadata.",
      ),
      wildcard(
        'Action::s3:GetObject*',
        "CDK's BucketDeployment grant: read the zipped site from the CDK asset bucket.",
      ),
      wildcard(
        'Action::s3:List*',
        "CDK's BucketDeployment grant: list the asset and site buckets to sync and prune.",
      ),
      wildcard(
        'Action::s3:Abort*',
        "CDK's BucketDeployment grant: abort its own multipart uploads to the site bucket.",
      ),
      wildcard(
        'Action::s3:DeleteObject*',
        "CDK's BucketDeployment grant: prune files the new build no longer has.",
      ),
      wildcard(
        `Resource::${this.renderedAssetObjectsArn()}`,
        'Objects of the CDK bootstrap asset bucket, where `cdk deploy` uploaded the zipped site.',
      ),
      wildcard(
        `Resource::<${siteBucketArn}.Arn>/*`,
        "Objects of this stack's site bucket only: the deployment's target, which it syncs and prunes.",
      ),
    );
  }
}
