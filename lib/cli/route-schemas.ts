import type { Route } from '../routing/route.js';

/** A registry that does not answer must not hang `karafka info`. */
const DESCRIBE_TIMEOUT_MS = 5_000;

/**
 * How each route's payloads are encoded, for the routes whose deserializer says so
 * (`describeSchema`, e.g. the schema registry's: subject and format). Keyed by route; routes
 * with plain deserializers (JSON, string, raw) are absent, so their output stays as it was.
 */
export async function describeRouteSchemas(routes: readonly Route[]): Promise<Map<Route, string>> {
  const described = new Map<Route, string>();
  await Promise.all(
    routes.map(async (route) => {
      const { deserializer } = route;
      if (typeof deserializer.describeSchema !== 'function') return;
      let timer: NodeJS.Timeout | undefined;
      try {
        const schema = await Promise.race([
          Promise.resolve(deserializer.describeSchema(route.kafkaTopic)),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('no answer')), DESCRIBE_TIMEOUT_MS);
          }),
        ]);
        described.set(
          route,
          schema.subject ? `${schema.format}, subject ${schema.subject}` : schema.format,
        );
      } catch (error) {
        described.set(route, `unknown (${error instanceof Error ? error.message : String(error)})`);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return described;
}
