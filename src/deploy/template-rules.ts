/**
 * Offline checks of a packaged CloudFormation template: every property against the CloudFormation
 * specification (via a small lookup the caller builds from @aws-cdk/aws-service-spec), and the
 * structural rules that make edge-auth safe. Each violation names its rule, so a broken template
 * fails with a message that says which promise it broke.
 */

import { AUTH_RULES } from './rules/auth';
import { AWS_TEMPLATE_RULES } from './rules/aws';
import { BUCKET_RULES } from './rules/bucket';
import { DISTRIBUTION_RULES } from './rules/distribution';
import { FUNCTION_MODE_RULES } from './rules/function-mode';
import { KVS_RULES } from './rules/kvs';
import { LAMBDA_EDGE_RULES } from './rules/lambda-edge';
import { LOGIN_RULES } from './rules/login';
import { MEDIA_RULES } from './rules/media';
import { originAccessRules } from './rules/origin-access';
import { originSecretRule } from './rules/origin-secret';
import { responseHeadersRules } from './rules/response-headers';
import {
  branches,
  isIntrinsic,
  isObj,
  type Json,
  type Obj,
  type RuleOptions,
  type Template,
  type TemplateRule,
  type Violation,
  walkIntrinsics,
} from './rules/template-json';
import { WAF_RULES } from './rules/waf';

export { EDGE_RUNTIMES } from './rules/lambda-edge';
export {
  isIntrinsic,
  type Json,
  MANAGED,
  type RuleOptions,
  type Template,
  type TemplateRule,
  type Violation,
} from './rules/template-json';

/** The spec's type language (a subset of @aws-cdk/service-spec-types' `PropertyType`). */
export type SpecType =
  | { type: 'string' | 'number' | 'integer' | 'boolean' | 'json' | 'date-time' | 'null' | 'tag' }
  | { type: 'array' | 'map'; element: SpecType }
  | { type: 'ref'; reference: { $ref: string } }
  | { type: 'union'; types: SpecType[] };

export interface SpecProperty {
  type: SpecType;
  required?: boolean;
  previousTypes?: SpecType[];
}

export interface SpecLookup {
  resource(
    cfnType: string,
  ): { properties: Record<string, SpecProperty>; attributes: Record<string, unknown> } | undefined;
  typeDefinition(id: string): { name: string; properties: Record<string, SpecProperty> } | undefined;
}

// ---------------------------------------------------------------------------------------------
// Specification checks
// ---------------------------------------------------------------------------------------------

function checkValue(spec: SpecLookup, type: SpecType, value: Json, where: string, out: Violation[]): void {
  for (const v of branches(value)) {
    if (isIntrinsic(v)) continue;
    switch (type.type) {
      case 'ref': {
        const def = spec.typeDefinition(type.reference.$ref);
        if (!def) return;
        if (!isObj(v)) {
          out.push({
            rule: 'spec/property-type',
            where,
            message: `${where} must be an object (${def.name})`,
          });
          return;
        }
        checkProperties(spec, def.properties, v, where, out);
        break;
      }
      case 'array':
        if (!Array.isArray(v)) {
          out.push({ rule: 'spec/property-type', where, message: `${where} must be a list` });
          return;
        }
        v.forEach((item, i) => {
          checkValue(spec, type.element, item, `${where}[${i}]`, out);
        });
        break;
      case 'map':
        if (!isObj(v)) {
          out.push({ rule: 'spec/property-type', where, message: `${where} must be a map` });
          return;
        }
        for (const [k, item] of Object.entries(v)) checkValue(spec, type.element, item, `${where}.${k}`, out);
        break;
      case 'union': {
        const ok = type.types.some((t) => {
          const trial: Violation[] = [];
          checkValue(spec, t, v, where, trial);
          return trial.length === 0;
        });
        if (!ok)
          out.push({
            rule: 'spec/property-type',
            where,
            message: `${where} matches none of its allowed types`,
          });
        break;
      }
      case 'string':
      case 'date-time':
        if (typeof v !== 'string' && typeof v !== 'number')
          out.push({ rule: 'spec/property-type', where, message: `${where} must be a string` });
        break;
      case 'number':
      case 'integer':
        // CloudFormation accepts numbers written as strings.
        if (typeof v !== 'number' && !(typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))))
          out.push({ rule: 'spec/property-type', where, message: `${where} must be a number` });
        break;
      case 'boolean':
        if (typeof v !== 'boolean' && v !== 'true' && v !== 'false')
          out.push({ rule: 'spec/property-type', where, message: `${where} must be a boolean` });
        break;
      case 'tag':
        if (!isObj(v) || !('Key' in v) || !('Value' in v))
          out.push({ rule: 'spec/property-type', where, message: `${where} must be a tag {Key, Value}` });
        break;
      default:
        break;
    }
  }
}

function checkProperties(
  spec: SpecLookup,
  props: Record<string, SpecProperty>,
  value: Obj,
  where: string,
  out: Violation[],
): void {
  for (const [name, v] of Object.entries(value)) {
    const prop = props[name];
    if (!prop) {
      out.push({
        rule: 'spec/unknown-property',
        where: `${where}.${name}`,
        message: `${where}.${name} is not in the CloudFormation specification`,
      });
      continue;
    }
    const types = [prop.type, ...(prop.previousTypes ?? [])];
    const trials = types.map((t) => {
      const trial: Violation[] = [];
      checkValue(spec, t, v, `${where}.${name}`, trial);
      return trial;
    });
    if (!trials.some((t) => t.length === 0)) out.push(...trials[0]!);
  }
  for (const [name, prop] of Object.entries(props)) {
    if (prop.required && !(name in value))
      out.push({
        rule: 'spec/required-property',
        where: `${where}.${name}`,
        message: `${where} lacks required property ${name}`,
      });
  }
}

const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
  'AWS::NotificationARNs',
]);

/** Every resource, property, Ref and GetAtt of the template against the specification. */
export function checkAgainstSpec(template: Template, spec: SpecLookup): Violation[] {
  const out: Violation[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const def = spec.resource(resource.Type);
    if (!def) {
      out.push({
        rule: 'spec/resource-type',
        where: id,
        message: `${id}: ${resource.Type} is not a CloudFormation resource type`,
      });
      continue;
    }
    checkProperties(spec, def.properties, resource.Properties ?? {}, id, out);
  }
  const sections = { Resources: template.Resources, Outputs: template.Outputs ?? {} };
  walkIntrinsics(sections, (v) => {
    if (typeof v.Ref === 'string' && !PSEUDO.has(v.Ref) && !template.Resources[v.Ref])
      out.push({ rule: 'template/ref-target', where: v.Ref, message: `Ref ${v.Ref} names no resource` });
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && typeof getAtt[1] === 'string') {
      const target = template.Resources[getAtt[0]];
      const def = target && spec.resource(target.Type);
      if (!target)
        out.push({
          rule: 'template/ref-target',
          where: getAtt[0],
          message: `GetAtt ${getAtt[0]} names no resource`,
        });
      else if (def && !(getAtt[1] in def.attributes))
        out.push({
          rule: 'spec/getatt',
          where: getAtt.join('.'),
          message: `${target.Type} has no attribute ${getAtt[1]}`,
        });
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Structural rules: each a small named rule in src/deploy/rules/, with its source
// ---------------------------------------------------------------------------------------------

/** Every structural rule, in the order failures are reported. Add a rule with one line here. */
export const STRUCTURE_RULES: TemplateRule[] = [
  ...DISTRIBUTION_RULES,
  ...BUCKET_RULES,
  ...MEDIA_RULES,
  ...LAMBDA_EDGE_RULES,
  ...AUTH_RULES,
  ...LOGIN_RULES,
  ...KVS_RULES,
  ...AWS_TEMPLATE_RULES,
  ...WAF_RULES,
  // issue 8 part B: the origin secret from SSM, OAI/OAC per stage, security headers, viewer TLS
  originSecretRule,
  ...originAccessRules,
  ...responseHeadersRules,
  ...FUNCTION_MODE_RULES,
];

/** Runs every structural rule; each violation carries the rule's name and source. */
export function checkStructure(template: Template, options: RuleOptions): Violation[] {
  return STRUCTURE_RULES.flatMap((rule) =>
    rule.check(template, options).map((v) => ({ ...v, rule: rule.name, source: rule.source })),
  );
}
