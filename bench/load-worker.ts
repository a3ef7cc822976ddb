// A load generator in its own process, as a clinic's client would be: it sends `requests` coverage
// checks with `concurrency` in flight, either through the local server (HTTP) or straight to DynamoDB
// Local (the floor), and prints {p50Ms, p99Ms} as one JSON line. Config arrives as JSON on argv[2].
import { Agent, request } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { closedLoop } from './load.ts';
import { percentile } from './stats.ts';

export interface LoadConfig {
  side: 'server' | 'floor';
  niks: string[];
  requests: number;
  concurrency: number;
  warmup: number;
  /** server */
  url?: string;
  token?: string;
  /** floor */
  dynamoEndpoint?: string;
  table?: string;
}

function get(agent: Agent, url: URL, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function main(config: LoadConfig): Promise<void> {
  let op: (i: number) => Promise<void>;
  let close: () => void;
  if (config.side === 'server') {
    const agent = new Agent({ keepAlive: true, maxSockets: config.concurrency });
    const headers = { authorization: `Bearer ${config.token}` };
    const urls = config.niks.map((nik) => new URL(`/coverage/${nik}`, config.url));
    op = async (i) => {
      const status = await get(agent, urls[i % urls.length]!, headers);
      if (status !== 200) throw new Error(`GET ${urls[i % urls.length]!.pathname}: HTTP ${status}`);
    };
    close = () => agent.destroy();
  } else {
    // Configured as shared/platform/dynamo.ts configures the functions' client.
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: config.dynamoEndpoint,
        region: 'local',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 5,
      }),
    );
    op = async (i) => {
      const nik = config.niks[i % config.niks.length];
      const out = await doc.send(
        new GetCommand({
          TableName: config.table,
          Key: { pk: `RES#${nik}`, sk: 'PROFILE' },
          ConsistentRead: true,
          ProjectionExpression: 'coverage',
        }),
      );
      if (!out.Item) throw new Error(`floor GetItem found no resident ${nik}`);
    };
    close = () => doc.destroy();
  }
  // Warm-up (not counted): connections open, JIT warm, DynamoDB Local's caches hot.
  await closedLoop(config.warmup, config.concurrency, (i) => op(i + 7919));
  const latencies = await closedLoop(config.requests, config.concurrency, op);
  close();
  process.stdout.write(
    `${JSON.stringify({ p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) })}\n`,
  );
}

main(JSON.parse(process.argv[2] ?? '{}') as LoadConfig).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
