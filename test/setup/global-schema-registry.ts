import type { TestProject } from 'vitest/node';
import { startApicurio } from '../support/apicurio.js';

declare module 'vitest' {
  export interface ProvidedContext {
    schemaRegistryUrl: string;
  }
}

/**
 * A real schema registry (Apicurio, Confluent-compatible API) for the suites under
 * test/schema-registry: the one in SCHEMA_REGISTRY_URL when set, otherwise started here and
 * stopped in teardown.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const configured = process.env.SCHEMA_REGISTRY_URL;
  if (configured) {
    project.provide('schemaRegistryUrl', configured);
    return async () => undefined;
  }
  const registry = await startApicurio((line) => console.log(`[schema-registry] ${line}`));
  project.provide('schemaRegistryUrl', registry.url);
  const onSignal = () => void registry.stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await registry.stop();
  };
}
