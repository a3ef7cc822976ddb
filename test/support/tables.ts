// Gives a test file its own set of tables in the shared DynamoDB Local, named apart from every other file's.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createTables } from '../../infra/local/dynamodb-local.ts';
import { setDdb } from '../../shared/platform/dynamo.ts';
import { TABLES } from '../../shared/platform/tables.ts';

export async function useFreshTables(): Promise<string> {
  const endpoint = inject('dynamoEndpoint');
  const id = randomUUID().slice(0, 8);
  for (const [name, def] of Object.entries(TABLES)) process.env[def.envVar] = `t${id}-${name}`;
  process.env.DYNAMODB_ENDPOINT = endpoint;
  setDdb(undefined);
  await createTables(endpoint);
  return endpoint;
}
