/** Lambda@Edge limits for every Lambda function the distribution associates with a behavior. */
import {
  citeRule,
  LAMBDA_EDGE_RUNTIMES,
  LAMBDA_EDGE_UNSUPPORTED_FEATURES,
  LAMBDA_EDGE_VIEWER_LIMITS,
} from '../../cloudfront/aws-rules';
import {
  defineRule,
  distributionOf,
  edgeLambdas,
  type Obj,
  type Template,
  type TemplateRule,
} from './template-json';

/** Runtimes Lambda@Edge accepts (aws-rules: lambda-edge/supported-runtimes). */
export const EDGE_RUNTIMES: ReadonlySet<string> = new Set(LAMBDA_EDGE_RUNTIMES.value);

const LIMITS = LAMBDA_EDGE_VIEWER_LIMITS.value;
const FEATURES = LAMBDA_EDGE_UNSUPPORTED_FEATURES.value;

const eachEdgeFunction = (template: Template): [string, Obj][] => {
  const d = distributionOf(template);
  return d ? edgeLambdas(template, d) : [];
};

const edgeRule = (name: string, source: string, check: (p: Obj) => string | undefined): TemplateRule =>
  defineRule(name, source, (template, _options, fail) => {
    for (const [id, p] of eachEdgeFunction(template)) {
      const problem = check(p);
      if (problem) fail(id, `${id}: ${problem}`);
    }
  });

export const LAMBDA_EDGE_RULES: TemplateRule[] = [
  edgeRule('edge/no-environment', citeRule(LAMBDA_EDGE_UNSUPPORTED_FEATURES), (p) =>
    p.Environment !== undefined ? 'Lambda@Edge functions cannot have environment variables' : undefined,
  ),
  edgeRule('edge/no-layers', citeRule(LAMBDA_EDGE_UNSUPPORTED_FEATURES), (p) =>
    p.Layers !== undefined ? 'Lambda@Edge functions cannot use layers' : undefined,
  ),
  edgeRule('edge/no-vpc', citeRule(LAMBDA_EDGE_UNSUPPORTED_FEATURES), (p) =>
    p.VpcConfig !== undefined ? 'Lambda@Edge functions cannot run in a VPC' : undefined,
  ),
  edgeRule('edge/memory', citeRule(LAMBDA_EDGE_VIEWER_LIMITS), (p) => {
    const memory = Number(p.MemorySize ?? 128);
    return memory <= LIMITS.memoryMb
      ? undefined
      : `viewer-request functions get at most ${LIMITS.memoryMb} MB (has ${memory})`;
  }),
  edgeRule('edge/timeout', citeRule(LAMBDA_EDGE_VIEWER_LIMITS), (p) => {
    const timeout = Number(p.Timeout ?? 3);
    return timeout <= LIMITS.timeoutSeconds
      ? undefined
      : `viewer-request functions time out after at most ${LIMITS.timeoutSeconds} s (has ${timeout})`;
  }),
  edgeRule('edge/architecture', citeRule(LAMBDA_EDGE_UNSUPPORTED_FEATURES), (p) =>
    p.Architectures !== undefined &&
    JSON.stringify(p.Architectures) !== JSON.stringify(FEATURES.architectures)
      ? 'Lambda@Edge runs x86_64 only'
      : undefined,
  ),
  edgeRule('edge/runtime', citeRule(LAMBDA_EDGE_RUNTIMES), (p) => {
    if (p.PackageType !== undefined && p.PackageType !== FEATURES.packageType)
      return 'Lambda@Edge does not run container images';
    return typeof p.Runtime === 'string' && EDGE_RUNTIMES.has(p.Runtime)
      ? undefined
      : `runtime ${String(p.Runtime)} is not supported by Lambda@Edge`;
  }),
];
