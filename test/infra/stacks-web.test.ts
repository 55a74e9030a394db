import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { API_PATH_PATTERNS } from '../../adapters/http/api-routes.ts';
import { CONTENT_SECURITY_POLICY } from '../../infra/web-stack.ts';
import type { Statement } from './app-fixture.ts';
import { logicalId, onlyResource, resourcesOfType, statementsOf, synthesizeApp } from './app-fixture.ts';

const synthesized = synthesizeApp();
const { web, templates } = synthesized;

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
    // CloudFront's default quota of cache behaviours per distribution: a route past it fails the deploy.
    expect(behaviors.length).toBeLessThanOrEqual(25);
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
