/** Structural rules for the distribution as a whole, its default (pages) behavior and outputs. */
import { defineRule, distributionOf, type Obj, ofType, type TemplateRule } from './template-json';

const DESIGN = 'edge-auth design';

export const DISTRIBUTION_RULES: TemplateRule[] = [
  defineRule('distribution/one', DESIGN, (template, _options, fail) => {
    const n = ofType(template, 'AWS::CloudFront::Distribution').length;
    if (n !== 1) fail('Resources', `expected exactly one distribution, found ${n}`);
  }),
  defineRule(
    'default/pages',
    'edge-auth design: pages are public, media is not',
    (template, _options, fail) => {
      const d = distributionOf(template);
      if (!d) return;
      const def = d.config.DefaultCacheBehavior as Obj | undefined;
      const where = d.where('DefaultCacheBehavior');
      if (!def) {
        fail(where, 'the default behavior is missing');
        return;
      }
      if (def.TrustedKeyGroups || def.TrustedSigners)
        fail(where, 'the default behavior (pages) must not require signed cookies');
      if (def.LambdaFunctionAssociations)
        fail(where, 'the default behavior must not invoke the edge function');
    },
  ),
  defineRule(
    'default/pages-origin-path',
    'edge-auth design: pages come from a bucket folder, so media is unreachable without signed cookies',
    (template, _options, fail) => {
      const d = distributionOf(template);
      const def = d?.config.DefaultCacheBehavior as Obj | undefined;
      if (!d || !def) return;
      const origin = d.originById(def.TargetOriginId);
      if (
        !origin ||
        typeof origin.OriginPath !== 'string' ||
        origin.OriginPath === '' ||
        origin.OriginPath === '/'
      )
        fail(
          d.where('DefaultCacheBehavior'),
          'the default behavior must serve a bucket folder (OriginPath), so media is unreachable without signed cookies',
        );
    },
  ),
  defineRule('distribution/http3', DESIGN, (template, _options, fail) => {
    const d = distributionOf(template);
    if (d && d.config.HttpVersion !== 'http2and3') fail(d.id, 'HttpVersion must be http2and3');
  }),
  defineRule(
    'distribution/ipv6',
    'edge-auth design: IP-bound cookies need the IPv4 address the viewer will keep using',
    (template, options, fail) => {
      const d = distributionOf(template);
      if (!d) return;
      const ipv6 = d.config.IPV6Enabled === true || d.config.IPV6Enabled === 'true';
      if (ipv6 === options.bindIp)
        fail(
          d.id,
          options.bindIp ? 'IPv6 must be off when cookies are bound to IP addresses' : 'IPv6 must be on',
        );
    },
  ),
  defineRule('outputs', 'edge-auth design: the CLI reads these outputs', (template, _options, fail) => {
    for (const output of ['DistributionDomainName', 'MediaBucketName', 'SignInUrl', 'CloudFrontKeyPairId']) {
      if (!template.Outputs?.[output]) fail(output, `output ${output} is missing`);
    }
  }),
];
