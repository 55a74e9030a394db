import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type FunctionName = 'api' | 'sync';

/** One function's bundle exactly as the cloud assembly holds it: what `cdk deploy` would upload. */
export interface FunctionBundle {
  readonly logicalId: string;
  readonly directory: string;
  /** index.mjs: the ESM entry the runtime loads for handler `index.handler`. */
  readonly entryFile: string;
  /** The function's environment from the template (unresolved references left as they are). */
  readonly environment: Readonly<Record<string, unknown>>;
}

const LOGICAL_ID_PREFIX: Record<FunctionName, string> = { api: 'ApiFunction', sync: 'SyncFunction' };

interface LambdaResource {
  readonly Type: string;
  readonly Properties: {
    readonly Code: { readonly S3Key: string };
    readonly Handler: string;
    readonly Environment?: { readonly Variables: Record<string, unknown> };
  };
}

/**
 * Finds the two functions' bundles in a synthesized cloud assembly (`cdk synth -o <dir>`): the
 * template names each function's code by its asset hash, and the assembly stages that asset as
 * `asset.<hash>/`.
 */
export function findFunctionBundles(
  assemblyDirectory: string,
  servicesStackName = 'StockWinnersServices',
): Record<FunctionName, FunctionBundle> {
  const templateFile = path.join(assemblyDirectory, `${servicesStackName}.template.json`);
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as {
    Resources: Record<string, LambdaResource>;
  };
  const find = (name: FunctionName): FunctionBundle => {
    const matches = Object.entries(template.Resources).filter(
      ([id, resource]) => resource.Type === 'AWS::Lambda::Function' && id.startsWith(LOGICAL_ID_PREFIX[name]),
    );
    if (matches.length !== 1) throw new Error(`Expected one ${LOGICAL_ID_PREFIX[name]} in ${templateFile}`);
    const [logicalId, resource] = matches[0] as [string, LambdaResource];
    const hash = resource.Properties.Code.S3Key.replace(/\.zip$/, '');
    const directory = path.join(assemblyDirectory, `asset.${hash}`);
    const entryFile = path.join(directory, `${resource.Properties.Handler.split('.')[0]}.mjs`);
    if (!existsSync(entryFile)) throw new Error(`The bundle of ${logicalId} is missing: ${entryFile}`);
    return { logicalId, directory, entryFile, environment: resource.Properties.Environment?.Variables ?? {} };
  };
  return { api: find('api'), sync: find('sync') };
}
