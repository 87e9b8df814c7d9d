import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { startDatabase } from '../../db/launcher.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

export default async function setup(project: TestProject) {
  // The federation's secret for the whole run, before the test workers start (they inherit it):
  // every service a test starts signs and checks with it, and the tests' own calls to subgraphs
  // are signed as a member's — whichever file runs first. (A service given none makes its own,
  // runtime/devSecrets.ts, which the test could not sign with.)
  process.env.AIKI_SUBGRAPH_SECRET ||= randomBytes(32).toString('hex');
  const db = await startDatabase();
  project.provide('mongoUri', db.uri);
  return () => db.stop();
}
