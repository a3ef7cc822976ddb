// The bundle floor: a function that does nothing but construct a DynamoDB client, which every function here
// needs at least. Exported so esbuild cannot tree-shake the client away. Built with the functions' options.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const client = new DynamoDBClient({});
