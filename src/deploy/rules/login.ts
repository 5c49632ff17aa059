/** Structural rules for the login function: its key pair id and the SSM parameters it may read. */
import {
  defineRule,
  getAttOf,
  isObj,
  type Json,
  type Obj,
  refName,
  type Template,
  type TemplateRule,
} from './template-json';

const DESIGN = 'edge-auth design: least privilege for the login function';

/** The login function: the Lambda function with environment variables (the edge function has none). */
function loginOf(template: Template): [string, Obj] | undefined {
  const found = Object.entries(template.Resources).find(
    ([, r]) =>
      r.Type === 'AWS::Lambda::Function' && isObj((r.Properties?.Environment as Obj | undefined)?.Variables),
  );
  return found ? [found[0], found[1].Properties ?? {}] : undefined;
}

const varsOf = (p: Obj) => ((p.Environment as Obj).Variables ?? {}) as Obj;

export const LOGIN_RULES: TemplateRule[] = [
  defineRule('login/function', DESIGN, (template, _options, fail) => {
    if (!loginOf(template)) fail('Resources', 'no login function with an environment');
  }),
  defineRule('login/key-pair-id', DESIGN, (template, _options, fail) => {
    const login = loginOf(template);
    if (!login) return;
    const ref = refName(varsOf(login[1]).EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID);
    if (!ref || template.Resources[ref]?.Type !== 'AWS::CloudFront::PublicKey')
      fail(login[0], 'EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID must be the Ref of a PublicKey of this stack');
  }),
  defineRule('login/ssm-exact', DESIGN, (template, _options, fail) => {
    const login = loginOf(template);
    if (!login) return;
    const [loginId, fn] = login;
    const names = Object.values(varsOf(fn))
      .filter((v): v is string => typeof v === 'string' && v.startsWith('ssm:'))
      .map((v) => v.slice(4).replace(/^\//, ''))
      .sort();
    const roleId = getAttOf(fn.Role)?.[0];
    const role = roleId ? template.Resources[roleId] : undefined;
    const statements = ((role?.Properties?.Policies ?? []) as Obj[]).flatMap(
      (p) => ((p.PolicyDocument as Obj)?.Statement ?? []) as Obj[],
    );
    const ssmResources = statements
      .filter((s) => ([] as Json[]).concat(s.Action ?? []).some((a) => String(a).startsWith('ssm:')))
      .flatMap((s) => ([] as Json[]).concat(s.Resource ?? []))
      .map((r) => {
        const sub = isObj(r) ? r['Fn::Sub'] : r;
        const m = typeof sub === 'string' ? /:parameter\/(.+)$/.exec(sub) : null;
        return m ? m[1]! : JSON.stringify(r);
      })
      .sort();
    if (JSON.stringify(ssmResources) !== JSON.stringify(names))
      fail(
        roleId ?? loginId,
        `the login role must read exactly ${names.join(', ')} (reads ${ssmResources.join(', ') || 'nothing'})`,
      );
    if (
      statements.some(
        (s) =>
          s.Effect === 'Allow' &&
          ([] as Json[]).concat(s.Resource ?? []).includes('*') &&
          ([] as Json[]).concat(s.Action ?? []).some((a) => String(a).startsWith('ssm:')),
      )
    )
      fail(roleId ?? loginId, 'the login role must not read every SSM parameter');
  }),
];
