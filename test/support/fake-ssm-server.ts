import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSsmServer {
  /** For AWS_ENDPOINT_URL_SSM. */
  readonly url: string;
  /** Every request received: its X-Amz-Target and its JSON body. */
  readonly requests: ReadonlyArray<Record<string, unknown>>;
  /** What `aws ssm put-parameter --overwrite` does: later reads get the new value. */
  setValue(value: string): void;
  close(): Promise<void>;
}

/** A stand-in for SSM's GetParameter (JSON 1.1 protocol) holding one SecureString parameter. */
export async function startFakeSsmServer(parameter: { name: string; value: string }): Promise<FakeSsmServer> {
  const requests: Array<Record<string, unknown>> = [];
  let value = parameter.value;
  let version = 1;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      requests.push({ target: request.headers['x-amz-target'], ...body });
      response.setHeader('content-type', 'application/x-amz-json-1.1');
      if (request.headers['x-amz-target'] !== 'AmazonSSM.GetParameter' || body.Name !== parameter.name) {
        response.statusCode = 400;
        response.end(JSON.stringify({ __type: 'ParameterNotFound', message: 'no such parameter' }));
        return;
      }
      response.end(
        JSON.stringify({
          Parameter: {
            Name: parameter.name,
            Type: 'SecureString',
            Value: value,
            Version: version,
            DataType: 'text',
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setValue(next) {
      value = next;
      version += 1;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
