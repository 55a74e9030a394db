import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { expect } from 'vitest';
import { PROJECT_ROOT } from '../../infra/house-function.ts';
import { buildStockWinnersApp, type StockWinnersStacks } from '../../infra/stock-winners-app.ts';

/** cdk.json's context: the feature flags and defaults `cdk synth` runs with. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/** A stand-in for a dashboard build: a page, and the build's own config.json the deployment must replace. */
function fakeSiteDirectory(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'stock-winners-site-'));
  writeFileSync(path.join(directory, 'index.html'), '<!doctype html><title>Stock Winners</title>\n');
  writeFileSync(path.join(directory, 'config.json'), '{"apiBaseUrl":"http://localhost:3000"}\n');
  return directory;
}

export interface SynthesizedApp extends StockWinnersStacks {
  readonly app: App;
  readonly templates: { readonly data: Template; readonly services: Template; readonly web: Template };
}

/**
 * The app as `cdk synth` builds it (cdk.json context plus overrides), without esbuild bundling:
 * assertions are about the templates; the bundles have their own smoke tests.
 */
export function synthesizeApp(context: Record<string, unknown> = {}): SynthesizedApp {
  const app = new App({
    outdir: mkdtempSync(path.join(tmpdir(), 'stock-winners-cdk-')),
    context: { ...cdkJsonContext(), ...context, 'aws:cdk:bundling-stacks': [] },
  });
  const stacks = buildStockWinnersApp(app, { siteDirectory: fakeSiteDirectory() });
  return {
    app,
    ...stacks,
    templates: {
      data: Template.fromStack(stacks.data),
      services: Template.fromStack(stacks.services),
      web: Template.fromStack(stacks.web),
    },
  };
}

export type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

export function logicalId(stack: Stack, element: unknown): string {
  return stack.getLogicalId(element as CfnElement);
}

export function resourcesOfType(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

export function onlyResource(
  template: Template,
  type: string,
): { id: string; properties: Record<string, unknown> } {
  const entries = Object.entries(resourcesOfType(template, type));
  expect(entries).toHaveLength(1);
  const [id, resource] = entries[0] as [string, Resources[string]];
  return { id, properties: resource.Properties };
}

export interface Statement {
  Effect: string;
  /** Sorted. */
  Action: string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Every statement of every policy attached to the role, actions sorted: the role's whole permission set. */
export function statementsOf(template: Template, stack: Stack, role: IRole): Statement[] {
  const roleId = logicalId(stack, role.node.defaultChild);
  const policies = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as unknown[]).some(
      (ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleId }),
    ),
  );
  return policies
    .flatMap(
      (policy) =>
        (
          policy.Properties.PolicyDocument as {
            Statement: (Omit<Statement, 'Action'> & { Action: string | string[] })[];
          }
        ).Statement,
    )
    .map((statement) => ({
      ...statement,
      Action: [statement.Action].flat().sort(),
    }));
}

export interface GatewayRoute {
  /** The resource path, `{name}` for a path parameter. */
  readonly path: string;
  readonly methods: string[];
  /** Each method's declared request parameters (`method.request.path.date`: required). */
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** The REST API's resources with their methods, each resource's path rebuilt from its parents. */
export function gatewayRoutes(services: Template): GatewayRoute[] {
  const resources = resourcesOfType(services, 'AWS::ApiGateway::Resource');
  const pathOf = (id: string): string => {
    const resource = resources[id];
    if (!resource) return '';
    const parent = resource.Properties.ParentId as { Ref?: string };
    return `${parent.Ref ? pathOf(parent.Ref) : ''}/${String(resource.Properties.PathPart)}`;
  };
  const methods = Object.values(resourcesOfType(services, 'AWS::ApiGateway::Method'));
  return Object.keys(resources).map((id) => {
    const own = methods.filter((method) => (method.Properties.ResourceId as { Ref?: string }).Ref === id);
    return {
      path: pathOf(id),
      methods: own.map((method) => String(method.Properties.HttpMethod)).sort(),
      parameters: Object.fromEntries(
        own.map((method) => [
          String(method.Properties.HttpMethod),
          method.Properties.RequestParameters ?? {},
        ]),
      ),
    };
  });
}

/** The path patterns the distribution sends to its API origin, in its order. */
export function cloudFrontApiPatterns(web: Template): string[] {
  const distribution = onlyResource(web, 'AWS::CloudFront::Distribution').properties
    .DistributionConfig as Record<string, unknown>;
  const apiOrigin = (distribution.Origins as Record<string, unknown>[]).find(
    (origin) => origin.CustomOriginConfig,
  );
  return (distribution.CacheBehaviors as Record<string, unknown>[])
    .filter((behavior) => behavior.TargetOriginId === apiOrigin?.Id)
    .map((behavior) => String(behavior.PathPattern));
}

/** A statement on the table or its indexes. */
export function isTableStatement(statement: Statement): boolean {
  return statement.Action.some((action) => action.startsWith('dynamodb:'));
}
