/**
 * Structural rules for the stage's KeyValueStore (issue 10): it exists, the login function reaches
 * it for revocations, a scheduled function removes expired entries, and every IAM grant on it is
 * limited to that one store and to the data-plane actions AWS lists.
 */
import { citeRule, KVS_IAM_ACTIONS, KVS_STORE_MAX_BYTES } from '../../cloudfront/aws-rules';
import {
  defineRule,
  getAttOf,
  isObj,
  type Json,
  listOf,
  type Obj,
  ofType,
  type Template,
  type TemplateRule,
} from './template-json';

const DESIGN = 'edge-auth design: revocations in the KeyValueStore, removed when they expire';

function storeId(template: Template): string | undefined {
  return ofType(template, 'AWS::CloudFront::KeyValueStore')[0]?.[0];
}

const varsOf = (r: { Properties?: Obj }): Obj => {
  const vars = (r.Properties?.Environment as Obj | undefined)?.Variables;
  return isObj(vars) ? vars : {};
};

/** Lambda functions whose EDGE_AUTH_KVS_ARN is the store's Arn. */
function storeUsers(template: Template, store: string) {
  return ofType(template, 'AWS::Lambda::Function').filter(([, r]) => {
    const att = getAttOf(varsOf(r).EDGE_AUTH_KVS_ARN);
    return att?.[0] === store && att[1] === 'Arn';
  });
}

function statementsOf(template: Template, fn: { Properties?: Obj }): Obj[] {
  const roleId = getAttOf(fn.Properties?.Role)?.[0];
  const role = roleId ? template.Resources[roleId] : undefined;
  return listOf<Obj>(role?.Properties?.Policies).flatMap((p) =>
    listOf<Obj>((p.PolicyDocument as Obj)?.Statement),
  );
}

const actionsOf = (s: Obj) => ([] as Json[]).concat(s.Action ?? []).map(String);

/** The KeyValueStore actions a function may use on the store (statements scoped to its Arn only). */
function kvsActions(template: Template, fn: { Properties?: Obj }, store: string): Set<string> {
  const out = new Set<string>();
  for (const s of statementsOf(template, fn)) {
    const resources = ([] as Json[]).concat(s.Resource ?? []);
    const scoped = resources.length > 0 && resources.every((r) => getAttOf(r)?.[0] === store);
    if (s.Effect === 'Allow' && scoped) for (const a of actionsOf(s)) out.add(a);
  }
  return out;
}

const cleanupOf = (template: Template, store: string) =>
  storeUsers(template, store).find(([, r]) => !('EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID' in varsOf(r)));

export const KVS_RULES: TemplateRule[] = [
  defineRule('kvs/store', DESIGN, (template, _options, fail) => {
    if (!storeId(template))
      fail('Resources', 'no AWS::CloudFront::KeyValueStore for HMAC keys and revocations');
  }),
  defineRule('kvs/login-revocations', DESIGN, (template, _options, fail) => {
    const store = storeId(template);
    if (!store) return;
    const login = storeUsers(template, store).find(
      ([, r]) => 'EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID' in varsOf(r),
    );
    if (!login) {
      fail('Resources', `the login function's EDGE_AUTH_KVS_ARN must be the Arn of ${store}`);
      return;
    }
    const allowed = kvsActions(template, login[1], store);
    for (const action of ['DescribeKeyValueStore', 'GetKey', 'UpdateKeys']) {
      if (!allowed.has(`cloudfront-keyvaluestore:${action}`))
        fail(
          login[0],
          `the login role must allow cloudfront-keyvaluestore:${action} on ${store} (sign-out, refresh)`,
        );
    }
  }),
  defineRule(
    'kvs/cleanup-scheduled',
    `${DESIGN}: KeyValueStore entries never expire and the store holds at most ${citeRule(KVS_STORE_MAX_BYTES)}`,
    (template, _options, fail) => {
      const store = storeId(template);
      if (!store) return;
      const cleanup = cleanupOf(template, store);
      if (!cleanup) {
        fail('Resources', `no cleanup function with EDGE_AUTH_KVS_ARN = the Arn of ${store}`);
        return;
      }
      const [id, fn] = cleanup;
      const scheduled = ofType(template, 'AWS::Events::Rule').some(
        ([, r]) =>
          /^(rate|cron)\(/.test(String(r.Properties?.ScheduleExpression ?? '')) &&
          (r.Properties?.State ?? 'ENABLED') === 'ENABLED' &&
          listOf<Obj>(r.Properties?.Targets).some((t) => getAttOf(t.Arn)?.[0] === id),
      );
      if (!scheduled)
        fail(id, 'the cleanup function must run on an enabled schedule (an Events rule targeting it)');
      const allowed = kvsActions(template, fn, store);
      for (const action of ['DescribeKeyValueStore', 'ListKeys', 'UpdateKeys']) {
        if (!allowed.has(`cloudfront-keyvaluestore:${action}`))
          fail(id, `the cleanup role must allow cloudfront-keyvaluestore:${action} on ${store}`);
      }
    },
  ),
  defineRule('kvs/iam-scoped', citeRule(KVS_IAM_ACTIONS), (template, _options, fail) => {
    const store = storeId(template);
    for (const [roleId, role] of ofType(template, 'AWS::IAM::Role')) {
      const statements = listOf<Obj>(role.Properties?.Policies).flatMap((p) =>
        listOf<Obj>((p.PolicyDocument as Obj)?.Statement),
      );
      for (const s of statements) {
        const kvs = actionsOf(s).filter((a) => a.startsWith('cloudfront-keyvaluestore:') || a === '*');
        if (kvs.length === 0) continue;
        const unknown = kvs.filter((a) => !KVS_IAM_ACTIONS.value.includes(a));
        if (unknown.length > 0)
          fail(roleId, `${unknown.join(', ')}: only the KeyValueStore actions AWS lists, each by name`);
        const resources = ([] as Json[]).concat(s.Resource ?? []);
        if (!store || resources.length === 0 || !resources.every((r) => getAttOf(r)?.[0] === store))
          fail(
            roleId,
            `KeyValueStore actions must name the stage's store (GetAtt ${store ?? 'the store'}.Arn), not "*"`,
          );
      }
    }
  }),
];
