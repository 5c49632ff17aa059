import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { SpecLookup } from '../../src/deploy/template-rules';

/** The CloudFormation specification shipped in @aws-cdk/aws-service-spec, loaded offline (~1 s). */
export function loadSpec(): SpecLookup {
  const db = loadAwsServiceSpecSync();
  return {
    resource(cfnType) {
      const found = db.lookup('resource', 'cloudFormationType', 'equals', cfnType);
      return found.length === 1 ? (found[0] as unknown as ReturnType<SpecLookup['resource']>) : undefined;
    },
    typeDefinition(id) {
      try {
        return db.get('typeDefinition', id) as unknown as ReturnType<SpecLookup['typeDefinition']>;
      } catch {
        return undefined;
      }
    },
  };
}
