/**
 * The SDK's logger middleware, taken off a client the handlers use. It builds a copy of every
 * request's input and response with sensitive fields masked (walking the operation's schema)
 * before it hands them to the client's logger — even when that logger, as here (no client is given
 * one), drops them. During a sell-out that copying was ≈ 2.4 % of the local stack process's time
 * (V8 profile, 2026-12-01); on Lambda it is billed milliseconds per invocation. Nothing is logged
 * either way: the handlers log through lambdas/core/platform/logger.ts.
 */
export function withoutSdkLogging<Client extends { readonly middlewareStack: { remove(name: string): boolean } }>(
  client: Client,
): Client {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}
