/**
 * The `function` edge mode's stack (issue 10): a CloudFront Function with its KeyValueStore on the
 * protected behavior and no Lambda@Edge there; and, in both modes, the store and the login
 * function's EDGE_AUTH_KVS_ARN. Facts from src/cloudfront/aws-rules.ts. Code size and runtime of
 * every CloudFront Function are checked by src/deploy/rules/aws.ts (cloudfront-function/code-size,
 * cloudfront-function/runtime).
 */
import { CF_FUNCTION_ONE_KVS, citeRule } from '../../cloudfront/aws-rules';
import {
  defineRule,
  distributionOf,
  getAttOf,
  listOf,
  type Obj,
  ofType,
  type Template,
  type TemplateRule,
} from './template-json';

const DESIGN = 'edge-auth design (DESIGN.md, "The request path": the edge mode of the stage)';

/** The viewer-request FunctionAssociation of the media behavior, through an `Fn::If` when there is one. */
function mediaFunctionArn(media: Obj): unknown {
  let value: unknown = media.FunctionAssociations;
  const ifs = (value as Obj | undefined)?.['Fn::If'];
  if (Array.isArray(ifs)) value = ifs[1];
  return listOf(value).find((a) => a.EventType === 'viewer-request')?.FunctionARN;
}

function mediaFunction(
  template: Template,
  pattern: string,
): { where: string; id?: string; fn?: Obj } | undefined {
  const d = distributionOf(template);
  const media = d?.behavior(pattern);
  if (!d || !media) return undefined;
  const id = getAttOf(mediaFunctionArn(media))?.[0];
  const resource = id ? template.Resources[id] : undefined;
  return {
    where: d.where(`CacheBehaviors[${pattern}]`),
    id,
    fn: resource?.Type === 'AWS::CloudFront::Function' ? (resource.Properties ?? {}) : undefined,
  };
}

export const FUNCTION_MODE_RULES: TemplateRule[] = [
  defineRule('function-mode/association', DESIGN, (template, options, fail) => {
    if (options.edgeMode !== 'function') return;
    const found = mediaFunction(template, options.mediaPathPattern);
    if (!found) return;
    if (!found.fn)
      fail(
        found.where,
        `${options.mediaPathPattern} must run a CloudFront Function (AWS::CloudFront::Function) on viewer-request`,
      );
  }),
  defineRule('function-mode/no-lambda-edge', DESIGN, (template, options, fail) => {
    if (options.edgeMode !== 'function') return;
    const d = distributionOf(template);
    const media = d?.behavior(options.mediaPathPattern);
    if (d && media && listOf(media.LambdaFunctionAssociations).length > 0)
      fail(
        d.where(`CacheBehaviors[${options.mediaPathPattern}]`),
        `${options.mediaPathPattern} must not keep a Lambda@Edge association in function mode`,
      );
  }),
  defineRule('function-mode/key-value-store', citeRule(CF_FUNCTION_ONE_KVS), (template, options, fail) => {
    if (options.edgeMode !== 'function') return;
    const found = mediaFunction(template, options.mediaPathPattern);
    if (!found?.fn) return;
    const config = (found.fn.FunctionConfig ?? {}) as Obj;
    const stores = listOf(config.KeyValueStoreAssociations);
    const storeId = getAttOf(stores[0]?.KeyValueStoreARN)?.[0];
    if (
      stores.length !== CF_FUNCTION_ONE_KVS.value ||
      template.Resources[storeId ?? '']?.Type !== 'AWS::CloudFront::KeyValueStore'
    )
      fail(
        found.id!,
        `${found.id} must be associated with exactly one KeyValueStore of this stack (its HMAC keys and revocations)`,
      );
  }),
  defineRule('kvs/login-environment', DESIGN, (template, _options, fail) => {
    const stores = ofType(template, 'AWS::CloudFront::KeyValueStore');
    const login = ofType(template, 'AWS::Lambda::Function').find(
      ([, r]) =>
        ((r.Properties?.Environment as Obj | undefined)?.Variables as Obj | undefined)?.EDGE_AUTH_USERS !==
        undefined,
    );
    if (!login) return;
    const env = (login[1].Properties?.Environment as Obj | undefined)?.Variables as Obj | undefined;
    const arn = env?.EDGE_AUTH_KVS_ARN;
    const target = getAttOf(arn);
    if (stores.length !== 1 || !target || target[0] !== stores[0]![0] || target[1] !== 'Arn')
      fail(
        login[0],
        `${login[0]} needs EDGE_AUTH_KVS_ARN = the Arn of the stack's one KeyValueStore (revocations)`,
      );
  }),
];
