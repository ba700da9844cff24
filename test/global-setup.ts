import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../local/dynamodb-local';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:PORT of the run's shared in-memory DynamoDB Local; see test/support/local-dynamo.ts. */
    dynamoDbEndpoint: string;
  }
}

/** Starts one in-memory DynamoDB Local for the whole test run and stops it afterwards. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamo = await startDynamoDbLocal();
  project.provide('dynamoDbEndpoint', dynamo.endpoint);
  return () => dynamo.stop();
}
