import type { Json, Template } from '../template-rules';

/**
 * Small readers for the rules in this folder: the distribution, its origins and behaviors, without
 * repeating the casts in every rule.
 */
export type Obj = { [key: string]: Json };

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const list = (v: unknown): Json[] => (Array.isArray(v) ? v : v === undefined ? [] : [v as Json]);

export const refName = (v: unknown): string | undefined =>
  isObj(v) && typeof v.Ref === 'string' ? v.Ref : undefined;

export function getAttOf(v: unknown): [string, string] | undefined {
  if (!isObj(v)) return undefined;
  const g = v['Fn::GetAtt'];
  return Array.isArray(g) && typeof g[0] === 'string' && typeof g[1] === 'string' ? [g[0], g[1]] : undefined;
}

/** The branches an `Fn::If` may produce (AWS::NoValue dropped), or the value itself. */
export function branchesOf(v: Json | undefined): Json[] {
  if (v === undefined) return [];
  if (isObj(v) && Array.isArray(v['Fn::If']) && v['Fn::If'].length === 3)
    return v['Fn::If']
      .slice(1)
      .flatMap((b) => branchesOf(b as Json))
      .filter((b) => !(isObj(b) && b.Ref === 'AWS::NoValue'));
  return [v];
}

export interface DistributionView {
  id: string;
  config: Obj;
  origins: Obj[];
  behaviors: Obj[];
  defaultBehavior: Obj | undefined;
  behavior(pattern: string): Obj | undefined;
  origin(id: unknown): Obj | undefined;
}

/** The one distribution of the stack, or undefined (rule distribution/one reports that). */
export function distributionOf(template: Template): DistributionView | undefined {
  const found = Object.entries(template.Resources).filter(
    ([, r]) => r.Type === 'AWS::CloudFront::Distribution',
  );
  if (found.length !== 1) return undefined;
  const [id, dist] = found[0]!;
  const config = (
    isObj(dist.Properties?.DistributionConfig) ? dist.Properties!.DistributionConfig : {}
  ) as Obj;
  const origins = list(config.Origins).filter(isObj);
  const behaviors = list(config.CacheBehaviors).filter(isObj);
  return {
    id,
    config,
    origins,
    behaviors,
    defaultBehavior: isObj(config.DefaultCacheBehavior) ? config.DefaultCacheBehavior : undefined,
    behavior: (pattern) => behaviors.find((b) => b.PathPattern === pattern),
    origin: (originId) => origins.find((o) => o.Id === originId),
  };
}

export function resourcesOfType(template: Template, type: string): [string, Template['Resources'][string]][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}
