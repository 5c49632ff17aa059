import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import { SECURITY_HEADER_VALUES, VIEWER_MIN_TLS } from '../../src/cloudfront/aws-rules';

/**
 * AWS rules read from the CloudFormation resource specification itself (shipped offline in
 * @aws-cdk/aws-service-spec): the property documentation lists the values CloudFront takes.
 * test/cloudfront/aws-documented.test.ts states the same values by hand, for the mutation runs.
 */
const db = loadAwsServiceSpecSync();

function documentation(typeName: string, property: string, containing: string): string {
  const docs = db
    .all('typeDefinition')
    .filter((t) => t.name === typeName)
    .map((t) => (t.properties as Record<string, { documentation?: string }>)[property]?.documentation ?? '')
    .filter((d) => d.includes(containing));
  expect(docs.length).toBeGreaterThan(0);
  return docs[0]!;
}

/** The backticked values after "Valid values are", up to "For more information". */
function validValues(typeName: string, property: string): string[] {
  const doc = documentation(typeName, property, 'Valid values are');
  const listed = doc.slice(doc.indexOf('Valid values are')).split('For more information')[0]!;
  return [...listed.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

describe('AWS::CloudFront::ResponseHeadersPolicy values (response-headers/security-header-values)', () => {
  it('reads the lists from the specification', () => {
    expect(validValues('FrameOptions', 'FrameOption')).toEqual(['DENY', 'SAMEORIGIN']);
    expect(validValues('ReferrerPolicy', 'ReferrerPolicy')).toContain('strict-origin-when-cross-origin');
  });

  it('the rule holds exactly the values the specification documents', () => {
    expect([...SECURITY_HEADER_VALUES.value.frameOptions]).toEqual(
      validValues('FrameOptions', 'FrameOption'),
    );
    expect([...SECURITY_HEADER_VALUES.value.referrerPolicies].sort()).toEqual(
      validValues('ReferrerPolicy', 'ReferrerPolicy').sort(),
    );
  });
});

describe('AWS::CloudFront::Distribution ViewerCertificate (viewer-tls/minimum-protocol)', () => {
  it('with the default certificate CloudFront sets the policy the rule names, whatever the template says', () => {
    const doc = documentation('ViewerCertificate', 'MinimumProtocolVersion', 'CloudFrontDefaultCertificate');
    expect(doc).toContain(
      `automatically sets the security policy to \`${VIEWER_MIN_TLS.value.defaultCertificate}\``,
    );
  });
});
