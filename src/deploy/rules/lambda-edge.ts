/** Lambda@Edge limits for every Lambda function the distribution associates with a behavior. */
import {
  defineRule,
  distributionOf,
  edgeLambdas,
  type Obj,
  type Template,
  type TemplateRule,
} from './template-json';

/** Runtimes Lambda@Edge accepts (CloudFront Developer Guide, "Restrictions on Lambda@Edge"). */
export const EDGE_RUNTIMES = new Set([
  'nodejs22.x',
  'nodejs20.x',
  'nodejs18.x',
  'python3.13',
  'python3.12',
  'python3.11',
]);

const SOURCE = 'CloudFront Developer Guide, "Restrictions on Lambda@Edge"';

const eachEdgeFunction = (template: Template): [string, Obj][] => {
  const d = distributionOf(template);
  return d ? edgeLambdas(template, d) : [];
};

const edgeRule = (name: string, check: (p: Obj) => string | undefined): TemplateRule =>
  defineRule(name, SOURCE, (template, _options, fail) => {
    for (const [id, p] of eachEdgeFunction(template)) {
      const problem = check(p);
      if (problem) fail(id, `${id}: ${problem}`);
    }
  });

export const LAMBDA_EDGE_RULES: TemplateRule[] = [
  edgeRule('edge/no-environment', (p) =>
    p.Environment !== undefined ? 'Lambda@Edge functions cannot have environment variables' : undefined,
  ),
  edgeRule('edge/no-layers', (p) =>
    p.Layers !== undefined ? 'Lambda@Edge functions cannot use layers' : undefined,
  ),
  edgeRule('edge/no-vpc', (p) =>
    p.VpcConfig !== undefined ? 'Lambda@Edge functions cannot run in a VPC' : undefined,
  ),
  edgeRule('edge/memory', (p) => {
    const memory = Number(p.MemorySize ?? 128);
    return memory <= 128 ? undefined : `viewer-request functions get at most 128 MB (has ${memory})`;
  }),
  edgeRule('edge/timeout', (p) => {
    const timeout = Number(p.Timeout ?? 3);
    return timeout <= 5 ? undefined : `viewer-request functions time out after at most 5 s (has ${timeout})`;
  }),
  edgeRule('edge/architecture', (p) =>
    p.Architectures !== undefined && JSON.stringify(p.Architectures) !== '["x86_64"]'
      ? 'Lambda@Edge runs x86_64 only'
      : undefined,
  ),
  edgeRule('edge/runtime', (p) => {
    if (p.PackageType === 'Image') return 'Lambda@Edge does not run container images';
    return typeof p.Runtime === 'string' && EDGE_RUNTIMES.has(p.Runtime)
      ? undefined
      : `runtime ${String(p.Runtime)} is not supported by Lambda@Edge`;
  }),
];
