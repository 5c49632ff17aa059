import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in of SSM Parameter Store speaking its JSON 1.1 protocol: PutParameter (as
 * `keys push` calls it) and GetParameter (as the login function's reader calls it), both through
 * the real AWS SDK client. Requests must be SigV4-signed.
 */
export interface SsmStandIn {
  server: Server;
  endpoint: string;
  params: Map<string, { value: string; type: string; description?: string; version: number }>;
  targets: string[];
  close(): Promise<void>;
}

export async function startSsmStandIn(): Promise<SsmStandIn> {
  const params: SsmStandIn['params'] = new Map();
  const targets: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const target = String(req.headers['x-amz-target']);
      targets.push(target);
      const input = JSON.parse(body || '{}');
      const send = (status: number, json: object) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(json));
      };
      if (!req.headers.authorization?.startsWith('AWS4-HMAC-SHA256'))
        return send(400, { __type: 'MissingAuthenticationToken', message: 'unsigned' });
      if (target === 'AmazonSSM.PutParameter') {
        const existing = params.get(input.Name);
        if (existing && !input.Overwrite)
          return send(400, { __type: 'ParameterAlreadyExists', message: 'The parameter already exists.' });
        const version = (existing?.version ?? 0) + 1;
        params.set(input.Name, {
          value: input.Value,
          type: input.Type,
          description: input.Description,
          version,
        });
        return send(200, { Version: version, Tier: 'Standard' });
      }
      if (target === 'AmazonSSM.GetParameter') {
        const p = params.get(input.Name);
        if (!p) return send(400, { __type: 'ParameterNotFound', message: '' });
        // As SSM does: a SecureString read without WithDecryption answers its ciphertext, not its value.
        const value =
          p.type === 'SecureString' && input.WithDecryption !== true
            ? `AQICAH${Buffer.from(p.value).toString('hex')}`
            : p.value;
        return send(200, {
          Parameter: { Name: input.Name, Type: p.type, Value: value, Version: p.version },
        });
      }
      return send(400, { __type: 'InvalidAction', message: target });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    server,
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    params,
    targets,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
