import { lookup as dnsLookup } from 'node:dns';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  CloudFrontKeyValueStoreClient,
  DeleteKeyCommand,
  DescribeKeyValueStoreCommand,
  GetKeyCommand,
  ListKeysCommand,
  PutKeyCommand,
  UpdateKeysCommand,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
// The KeyValueStore API is signed with SigV4A (region set "*"): without this import the client
// throws before sending. It registers the signer the client looks up at run time.
import '@aws-sdk/signature-v4a';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { awsErrorName } from './errors';
import { checkKvsEntry, type KeyValueStore, type KvsEntry, KvsError } from './kvs-store';

export * from './kvs-store';

const KVS_ARN = /^arn:aws[a-z-]*:cloudfront::\d{12}:key-value-store\/[A-Za-z0-9-]{1,64}$/;

export interface KvsClientOptions {
  /** `arn:aws:cloudfront::<account>:key-value-store/<id>` */
  arn: string;
  /** Any Region: the KeyValueStore endpoint is global and signed for region set "*". */
  region?: string;
  /**
   * A stand-in endpoint (tests). The SDK's endpoint rules put the account ID in front of the
   * host (`<account>.cloudfront-kvs.global.api.aws` in AWS), so the host name it connects to is
   * `<account>.<endpoint host>`; a DNS lookup override sends those names to the endpoint host.
   */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Attempts of a write that meets a concurrent change (ConflictException): default 5. */
  maxConflictRetries?: number;
  /** Page size of ListKeys (tests use small pages to exercise pagination). */
  pageSize?: number;
}

function endpointHandler(endpoint: string): NodeHttpHandler {
  const host = new URL(endpoint).hostname;
  const lookup = ((name: string, options: object, callback: never) =>
    dnsLookup(name.endsWith(`.${host}`) ? host : name, options, callback)) as never;
  return new NodeHttpHandler({
    httpAgent: new HttpAgent({ lookup } as object),
    httpsAgent: new HttpsAgent({ lookup } as object),
  });
}

function isConflict(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ConflictException';
}

function isNotFound(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ResourceNotFoundException';
}

/** The deployed store through `@aws-sdk/client-cloudfront-keyvaluestore`. */
export interface SdkKeyValueStore extends KeyValueStore {
  describe(): Promise<{ etag: string; itemCount: number; totalSizeInBytes: number }>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * A KeyValueStore client. Every write carries the store's current ETag (`If-Match`, required by
 * PutKey, DeleteKey and UpdateKeys); when another writer changed the store in between, CloudFront
 * answers ConflictException and the write is retried with a fresh ETag from DescribeKeyValueStore.
 */
export function kvsKeyValueStore(options: KvsClientOptions): SdkKeyValueStore {
  if (!KVS_ARN.test(options.arn)) {
    throw new KvsError('ERR_KVS', `"${options.arn}" is not a CloudFront key value store ARN`);
  }
  const client = new CloudFrontKeyValueStoreClient({
    region: options.region ?? 'us-east-1',
    endpoint: options.endpoint,
    credentials: options.credentials,
    ...(options.endpoint ? { requestHandler: endpointHandler(options.endpoint) } : {}),
  });
  const KvsARN = options.arn;
  const attempts = options.maxConflictRetries ?? 5;

  const fail = (what: string, error: unknown): never => {
    if (error instanceof KvsError) throw error;
    if ((error as { name?: string })?.name === 'ValidationException') {
      throw new KvsError('ERR_KVS_LIMIT', `${what}: the key value store refused it (ValidationException)`);
    }
    throw new KvsError('ERR_KVS', `${what}: ${awsErrorName(error)}`);
  };

  async function describe() {
    try {
      const out = await client.send(new DescribeKeyValueStoreCommand({ KvsARN }));
      if (!out.ETag) throw new KvsError('ERR_KVS', 'DescribeKeyValueStore returned no ETag');
      return { etag: out.ETag, itemCount: out.ItemCount ?? 0, totalSizeInBytes: out.TotalSizeInBytes ?? 0 };
    } catch (error) {
      return fail('describing the key value store', error);
    }
  }

  /** Runs a write with the current ETag, again with a fresh one after each conflict. */
  async function withEtag(what: string, write: (etag: string) => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { etag } = await describe();
      try {
        await write(etag);
        return;
      } catch (error) {
        if (isConflict(error) && attempt < attempts) continue;
        if (isConflict(error))
          throw new KvsError('ERR_KVS_CONFLICT', `${what}: the store kept changing (${attempts} attempts)`);
        fail(what, error);
      }
    }
  }

  return {
    describe,
    async get(key) {
      try {
        const out = await client.send(new GetKeyCommand({ KvsARN, Key: key }));
        return out.Value;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        return fail(`reading "${key}"`, error);
      }
    },
    async put(key, value) {
      checkKvsEntry({ key, value });
      await withEtag(`writing "${key}"`, async (IfMatch) => {
        await client.send(new PutKeyCommand({ KvsARN, Key: key, Value: value, IfMatch }));
      });
    },
    async delete(key) {
      await withEtag(`deleting "${key}"`, async (IfMatch) => {
        try {
          await client.send(new DeleteKeyCommand({ KvsARN, Key: key, IfMatch }));
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      });
    },
    async update({ puts = [], deletes = [] }) {
      for (const entry of puts) checkKvsEntry(entry);
      if (puts.length === 0 && deletes.length === 0) return;
      await withEtag('updating keys', async (IfMatch) => {
        await client.send(
          new UpdateKeysCommand({
            KvsARN,
            IfMatch,
            Puts: puts.map((e) => ({ Key: e.key, Value: e.value })),
            Deletes: deletes.map((Key) => ({ Key })),
          }),
        );
      });
    },
    async list() {
      const out: KvsEntry[] = [];
      let NextToken: string | undefined;
      do {
        try {
          const page = await client.send(
            new ListKeysCommand({ KvsARN, NextToken, MaxResults: options.pageSize }),
          );
          for (const item of page.Items ?? []) out.push({ key: item.Key!, value: item.Value! });
          NextToken = page.NextToken;
        } catch (error) {
          return fail('listing keys', error);
        }
      } while (NextToken);
      return out;
    },
  };
}
