import type { TestProject } from 'vitest/node';
import { startDatabase } from '../../db/launcher.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

export default async function setup(project: TestProject) {
  const db = await startDatabase();
  project.provide('mongoUri', db.uri);
  return () => db.stop();
}
