import type { Template } from '../../src/deploy/template-rules';
import { readZip } from './zip';

// The KeyValueStore part of the stack (issue 10): the store, the login function's access for
// revocations, the scheduled cleanup, IAM scoped to the store. Used by template.test.ts, which
// packages the stack once and shows each rule catching its break.
// biome-ignore lint/suspicious/noExplicitAny: mutations reach deep into the template on purpose.
type Obj = Record<string, any>;
const byType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
const cleanupFn = (t: Template): Obj =>
  byType(t, 'AWS::Lambda::Function').find(([, r]) =>
    String((r.Properties as Obj).Handler).includes('session-cleanup'),
  )![1].Properties as Obj;
const kvsStatement = (t: Template, role: string): Obj =>
  (t.Resources[role]!.Properties as Obj).Policies[0].PolicyDocument.Statement.find((s: Obj) =>
    String(s.Action).includes('cloudfront-keyvaluestore'),
  );

/** What the packaged stack must hold for revocations: the store, the hourly cleanup, scoped IAM, the output. */
export function expectKvsStack(t: Template, artifact: (name: string) => Buffer): void {
  expect(byType(t, 'AWS::CloudFront::KeyValueStore')).toHaveLength(1);
  const rules = byType(t, 'AWS::Events::Rule');
  expect(rules.map(([, r]) => (r.Properties as Obj).ScheduleExpression)).toEqual(['rate(1 hour)']);
  expect(cleanupFn(t).Environment.Variables.EDGE_AUTH_KVS_ARN).toEqual({
    'Fn::GetAtt': ['SessionKeyValueStore', 'Arn'],
  });
  expect(kvsStatement(t, 'SessionCleanupRole').Resource).toEqual({
    'Fn::GetAtt': ['SessionKeyValueStore', 'Arn'],
  });
  expect(t.Outputs?.SessionKeyValueStoreArn?.Value).toEqual({
    'Fn::GetAtt': ['SessionKeyValueStore', 'Arn'],
  });
  // The KeyValueStore API takes SigV4A only: both bundles that call it must carry the signer (an
  // import the bundler dropped would fail at run time, not at build time).
  for (const zip of ['login.zip', 'sessionCleanup.zip']) {
    const text = readZip(artifact(zip))
      .map((e) => e.data.toString('latin1'))
      .join('\n');
    // @smithy/signature-v4a registers itself (`signatureV4aContainer.SignatureV4a = …`) on import.
    expect([zip, /\.SignatureV4a\s*=[^=]/.test(text)]).toEqual([zip, true]);
  }
}

/** One template change per KeyValueStore rule (spread into the BREAKS of template.test.ts). */
export const KVS_BREAKS: [rule: string, how: string, mutate: (t: Template) => void][] = [
  ['kvs/store', 'no KeyValueStore', (t) => delete t.Resources.SessionKeyValueStore],
  [
    'kvs/login-revocations',
    'login function without the store',
    (t) =>
      delete (t.Resources.LoginLambdaFunction!.Properties as Obj).Environment.Variables.EDGE_AUTH_KVS_ARN,
  ],
  [
    'kvs/login-revocations',
    'login role cannot write revocations',
    (t) => {
      const s = kvsStatement(t, 'LoginRole');
      s.Action = s.Action.filter((a: string) => !a.endsWith(':UpdateKeys'));
    },
  ],
  [
    'kvs/cleanup-scheduled',
    'cleanup never scheduled',
    (t) => {
      for (const [id] of byType(t, 'AWS::Events::Rule')) delete t.Resources[id];
    },
  ],
  [
    'kvs/cleanup-scheduled',
    'cleanup schedule disabled',
    (t) => {
      for (const [, r] of byType(t, 'AWS::Events::Rule')) (r.Properties as Obj).State = 'DISABLED';
    },
  ],
  ['kvs/iam-scoped', 'cleanup on every store', (t) => (kvsStatement(t, 'SessionCleanupRole').Resource = '*')],
  [
    'kvs/iam-scoped',
    'wildcard action',
    (t) => (kvsStatement(t, 'LoginRole').Action = ['cloudfront-keyvaluestore:*']),
  ],
];
