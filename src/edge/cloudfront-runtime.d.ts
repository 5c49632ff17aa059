// The `cloudfront` module of the CloudFront Functions JavaScript runtime 2.0 (CloudFront Developer
// Guide, "Helper methods for key value stores"): `cf.kvs()` reads the associated KeyValueStore.
// Only what edge-auth uses is declared. The emulator provides it in the local edge.
declare module 'cloudfront' {
  interface KeyValueStoreHandle {
    /** Rejects when the key does not exist. */
    get(key: string, options?: { format?: 'string' | 'json' | 'bytes' }): Promise<string>;
    exists(key: string): Promise<boolean>;
  }
  const cf: { kvs(id?: string): KeyValueStoreHandle };
  export default cf;
}
